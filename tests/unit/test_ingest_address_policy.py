"""Which addresses the poller may fetch from (issue 15, defect 5: no SSRF control)."""

from __future__ import annotations

import asyncio

import pytest
from newswatch.ingest.address_policy import (
    AddressPolicy,
    AddressRefused,
    CheckedResolver,
    literal_address,
)

STRICT = AddressPolicy.parse("")

REFUSED_URLS = [
    "http://127.0.0.1/feed", "http://127.0.0.1.:9092/", "http://2130706433/",
    "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/", "http://0x7f000001/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/",
    "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
    "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/",
    "http://0.0.0.0/", "http://[::]/", "http://224.0.0.1/", "http://[ff02::1]/",
    "http://localhost:8080/", "http://LOCALHOST./", "http://api.localhost/",
    "https://[fe80::1%25eth0]/",
    # the HTTP client normalises these (NFKC, IDNA) to 127.0.0.1 and then connects without DNS
    "http://①②⑦.0.0.1/", "http://127。0。0。1/", "http://１２７.0.0.1/",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_every_spelling_of_a_non_public_address_is_refused(url: str) -> None:
    reason = STRICT.refusal_for_url(url)
    assert reason is not None and "NEWSWATCH_ALLOWED_HOSTS" in reason


@pytest.mark.parametrize("url", ["https://feeds.bbci.co.uk/news/rss.xml", "http://8.8.8.8/",
                                 "http://[2606:4700::1111]/", "http://[::ffff:8.8.8.8]/"])
def test_public_addresses_and_names_pass(url: str) -> None:
    assert STRICT.refusal_for_url(url) is None


def test_literal_addresses_in_legacy_spellings() -> None:
    assert str(literal_address("2130706433")) == "127.0.0.1"
    assert str(literal_address("0x7f.0.0.1")) == "127.0.0.1"
    assert str(literal_address("[::FFFF:127.0.0.1]")) == "::ffff:7f00:1"
    assert literal_address("example.com") is None
    assert literal_address("1e100.net") is None


def test_the_allow_list_names_hosts_ranges_and_origins() -> None:
    policy = AddressPolicy.parse("intranet.example, 10.20.0.0/16 127.0.0.1:8080,[::1]:81")
    assert policy.refusal_for_url("http://10.20.3.4/feed") is None
    assert policy.refusal_for_url("http://10.21.3.4/feed") is not None
    assert policy.refusal_for_url("http://127.0.0.1:8080/feed") is None
    assert policy.refusal_for_url("http://2130706433:8080/feed") is None  # same origin
    assert policy.refusal_for_url("http://127.0.0.1:9092/") is not None  # other port: no
    assert policy.refusal_for_url("http://[::1]:81/") is None
    assert policy.refusal("intranet.example", 80, literal_address("10.9.9.9")) is None
    with pytest.raises(ValueError, match="not a CIDR range"):
        AddressPolicy.parse("10.0.0.0/99")
    with pytest.raises(ValueError, match="not a host name"):
        AddressPolicy.parse("bad*host")
    for entry in ("feeds.test:99999", "feeds.test:0", "[::1]:70000"):  # accepted before
        with pytest.raises(ValueError, match="is not a TCP port"):
            AddressPolicy.parse(entry)


class _FixedResolver(CheckedResolver):
    def __init__(self, policy: AddressPolicy, answers: list[str]) -> None:
        class Inner:
            async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[dict]:
                return [{"hostname": host, "host": a, "port": port, "family": family,
                         "proto": 0, "flags": 0} for a in answers]

            async def close(self) -> None:
                pass

        super().__init__(policy, Inner())  # type: ignore[arg-type]


def test_resolved_addresses_are_checked_and_only_public_ones_kept() -> None:
    resolver = _FixedResolver(STRICT, ["127.0.0.1", "93.184.216.34"])
    kept = asyncio.run(resolver.resolve("rebind.example", 80))
    assert [k["host"] for k in kept] == ["93.184.216.34"]
    with pytest.raises(AddressRefused, match="169.254.169.254"):
        asyncio.run(_FixedResolver(STRICT, ["169.254.169.254"]).resolve("metadata.example", 80))
    allowed = AddressPolicy.parse("metadata.example")
    assert asyncio.run(_FixedResolver(allowed, ["10.0.0.1"]).resolve("metadata.example", 80))
