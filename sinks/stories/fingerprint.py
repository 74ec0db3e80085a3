"""An article's fingerprint: the content words of its title and lede, a MinHash and LSH band keys.

Two outlets reporting one event share its names, places and numbers in the headline and the
first sentences, while wording, order and everything after the lede differ. So the fingerprint
keeps only the title and lede, folds case and accents, drops function words and keeps numbers
(a toll of 12 and a toll of 40 are different attacks). The MinHash estimates how much two
fingerprints share; its band keys ("b3:9f2c...") are equal for two fingerprints when all rows
of that band agree, so the index finds candidate stories by key lookup instead of comparing
an article with every open story.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32

from newswatch.settings import package_path

__all__ = ["Fingerprint", "fingerprint", "lede", "stopwords", "tokens"]

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
# a sentence ends at . ! or ? followed by space and an upper-case letter, digit or quote
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s+(?=[A-Z0-9\"'\u201c\u2018])")
_SCHEME = "affine32"
_DIACRITICS = re.compile("[\u0300-\u036f]")  # the combining diacritical marks block


@functools.cache
def stopwords() -> frozenset[str]:
    """The stopword list shipped in ``data/stopwords.txt`` (its header states the source)."""
    path = package_path("newswatch.sinks.stories", "data", "stopwords.txt")
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def _fold(text: str) -> str:
    # NFKD splits an accented letter into letter + combining mark; dropping the marks makes
    # "Kyiv"/"Kýiv" or "Peña"/"Pena" one token across outlets that spell them differently.
    # Only the Latin diacritics go: other scripts' combining signs are parts of their letters
    lower = text.lower()
    if lower.isascii():
        return lower
    return _DIACRITICS.sub("", unicodedata.normalize("NFKD", lower))


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    # plural and -ing/-ed folding only ("attacks" ~ "attack", "killed" ~ "killing"): headlines
    # alternate between them; a full stemmer would also merge words that differ in meaning
    if len(word) > 4 and not word.isdigit():
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
        if len(word) > 6 and word.endswith("ing"):
            return word[:-3]
        if len(word) > 5 and word.endswith("ed") and not word.endswith("eed"):
            return word[:-2]
    return word


def tokens(text: str) -> list[str]:
    """Content tokens in order: folded, lower-case, stopwords and one-letter words dropped."""
    stop = stopwords()
    return [_stem(w) for w in _WORD.findall(_fold(text))
            if w not in stop and (len(w) > 1 or w.isdigit())]


def lede(text: str, sentences: int = 2, max_chars: int = 400) -> str:
    """The first ``sentences`` sentences of ``text``, at most ``max_chars`` characters."""
    head = text[: max_chars + 1]
    end = 0
    for _ in range(sentences):
        found = _SENTENCE_END.search(head, end)
        if found is None:
            return head[:max_chars]
        end = found.end()
    return head[:end].rstrip()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the story stage compares: ``words`` (title + lede tokens, distinct), ``title``
    (the title's tokens) and the LSH ``bands`` of their MinHash."""

    words: frozenset[str]
    title: frozenset[str]
    bands: tuple[str, ...]


@functools.lru_cache(maxsize=100_000)
def _word_hash(word: str) -> int:
    # news repeats its vocabulary: caching a word's hash saves most of the hashing per article
    return sha1_hash32(word.encode())


_local = threading.local()


def _sketch(num_perm: int, seed: int) -> MinHash:
    """An empty MinHash, one per thread and size, reused: building one per article (drawing
    or checking its permutation parameters) cost as much as hashing the article's words."""
    sketches: dict[tuple[int, int], MinHash] = _local.__dict__.setdefault("sketches", {})
    sketch = sketches.get((num_perm, seed))
    if sketch is None:
        sketch = sketches[(num_perm, seed)] = MinHash(
            num_perm=num_perm, seed=seed, scheme=_SCHEME, hashfunc=_word_hash)
    else:
        sketch.clear()
    return sketch


def band_keys(words: frozenset[str], bands: int, rows: int, seed: int = 1) -> tuple[str, ...]:
    """LSH keys ``b<i>:<hex>``: band ``i`` holds rows ``i*rows .. i*rows+rows-1`` of the MinHash.

    Two sets of Jaccard similarity J share a given band with probability J**rows, and at
    least one of ``bands`` bands with 1 - (1 - J**rows)**bands.
    """
    if not words:
        return ()
    num_perm = bands * rows
    sketch = _sketch(num_perm, seed)
    sketch.update_batch(sorted(words))
    digits = sketch.hashvalues.astype("<u4").tobytes().hex()
    width = 8 * rows  # hex digits per band: 8 per 32-bit row
    return tuple([prefix + digits[i * width:(i + 1) * width]
                  for i, prefix in enumerate(_band_prefixes(bands))])


@functools.cache
def _band_prefixes(bands: int) -> tuple[str, ...]:
    return tuple(f"b{i}:" for i in range(bands))


def fingerprint(title: str, text: str, *, bands: int, rows: int, lede_sentences: int = 2,
                lede_chars: int = 400) -> Fingerprint:
    """The fingerprint of one article (title and the lede of its text)."""
    title_words = tokens(title)
    words = frozenset(title_words) | frozenset(tokens(lede(text, lede_sentences, lede_chars)))
    return Fingerprint(words, frozenset(title_words), band_keys(words, bands, rows))
