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
import operator
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
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


@functools.lru_cache(maxsize=100_000)
def _token(word: str) -> str:
    """The token a folded word stands for, "" for a stopword or a one-letter word. Cached:
    news repeats its vocabulary, so one look-up replaces the tests and the stemming."""
    if word in stopwords() or (len(word) < 2 and not word.isdigit()):
        return ""
    return _stem(word)


# every ASCII character but letters and digits, as a space: an ASCII text split on whitespace
# after this gives the words ``_WORD`` finds in it, in a third less time
_ASCII_SEPARATORS = str.maketrans(dict.fromkeys(
    (c for c in map(chr, range(128)) if not c.isalnum()), " "))


def _words(folded: str) -> list[str]:
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    return _WORD.findall(folded)


def tokens(text: str) -> list[str]:
    """Content tokens in order: folded, lower-case, stopwords and one-letter words dropped."""
    return [t for t in map(_token, _words(_fold(text))) if t]


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


_MASK32 = 0xFFFFFFFF


@functools.lru_cache(maxsize=100_000)
def _word_hash(word: str) -> int:
    """The word's 32-bit hash as the MinHash's affine32 scheme permutes it: SHA-1's first four
    bytes through MurmurHash3's finaliser (``fmix32``, which datasketch applies first).
    Cached: news repeats its vocabulary, so most of an article's words are hashed already."""
    h = sha1_hash32(word.encode())
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK32
    return h ^ (h >> 16)


@functools.cache
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``a`` and ``b`` of datasketch's affine32 permutations ``h -> a * h + b mod 2**32``
    for this size and seed: the MinHash's own parameters, drawn once."""
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def band_keys(words: frozenset[str], bands: int, rows: int, seed: int = 1) -> tuple[str, ...]:
    """LSH keys ``b<i>:<hex>``: band ``i`` holds rows ``i*rows .. i*rows+rows-1`` of the MinHash.

    Two sets of Jaccard similarity J share a given band with probability J**rows, and at
    least one of ``bands`` bands with 1 - (1 - J**rows)**bands.

    The MinHash is datasketch's (``MinHash(num_perm, seed, scheme="affine32")`` updated with
    the words: each row the least ``a * h + b`` over the words' hashes), computed here in
    three array operations: ``update_batch`` cost twice as much, most of it in its checks
    (``tests/unit/test_stories_fingerprint.py`` compares the two).
    """
    if not words:
        return ()
    a, b = _permutations(bands * rows, seed)
    hashes = np.fromiter(map(_word_hash, words), np.uint32, len(words))
    permuted = np.multiply.outer(hashes, a)  # uint32: wraps modulo 2**32, as the scheme does
    permuted += b
    # little-endian hex of each row, 8 digits per 32-bit row, split into bands
    digits = permuted.min(axis=0).astype("<u4", copy=False).tobytes().hex(":", 4 * rows)
    return tuple(map(operator.add, _band_prefixes(bands), digits.split(":")))


@functools.cache
def _band_prefixes(bands: int) -> tuple[str, ...]:
    return tuple(f"b{i}:" for i in range(bands))


def fingerprint(title: str, text: str, *, bands: int, rows: int, lede_sentences: int = 2,
                lede_chars: int = 400) -> Fingerprint:
    """The fingerprint of one article (title and the lede of its text)."""
    title_words = tokens(title)
    words = frozenset(title_words) | frozenset(tokens(lede(text, lede_sentences, lede_chars)))
    return Fingerprint(words, frozenset(title_words), band_keys(words, bands, rows))
