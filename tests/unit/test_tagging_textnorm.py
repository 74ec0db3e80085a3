"""The matcher's text normalisation: fast paths must give what the general rule gives."""

import re

import pytest
from newswatch.processors.tagging.textnorm import padded


def _general(text: str) -> str:
    # the rule: lower case, every non-word character (and "_") a space, padded by a space
    return " " + re.sub(r"[^\w ]|_", " ", text.lower()) + " "


@pytest.mark.parametrize("text", [
    "Pakistan’s Foreign Office said “talks” would resume — on Monday…",
    "KABUL, Feb 17 (Reuters) - The Taliban\u00a0said\u00adno.",
    "Khōst and Zürich: São Paulo’s ‘mayor’ – quoted",
    "plain ASCII, with_underscores and 2 numbers",
    "",
])
def test_padded_equals_the_general_rule(text):
    out = padded(text)
    assert out == _general(text)
    assert len(out) == len(text) + 2  # offsets map 1:1 back to the text
