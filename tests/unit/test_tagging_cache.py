"""The compiled-gazetteer cache: a cached load tags exactly like a fresh build, and a
corrupt cache file is rebuilt instead of failing."""

import pickle

import pytest
from newswatch.processors.tagging.cache import cache_key, load_or_build
from newswatch.processors.tagging.gazetteer import DATA_DIR, Gazetteer, _digest
from newswatch.processors.tagging.matching import scan_article

from newswatch.contracts import RawArticle

TEXT = ("Pakistani troops clashed with Afghan forces near Torkham, the Foreign Office said, "
        "while floods hit Sylhet in Bangladesh.")


@pytest.fixture(scope="module")
def fresh() -> Gazetteer:
    return Gazetteer.build()


def _hits(gaz: Gazetteer) -> list[tuple]:
    names, lexical = scan_article(gaz.automaton, "Border clash", TEXT)
    return [(h.field, h.start, h.end, h.entries) for h in names + lexical]


def test_cached_gazetteer_matches_a_fresh_build(tmp_path, fresh):
    digest = _digest(DATA_DIR)
    built = []

    def build() -> Gazetteer:
        built.append(1)
        return fresh

    load_or_build(digest, build, tmp_path)
    cached = load_or_build(digest, build, tmp_path)
    assert built == [1]  # the second load came from the cache file
    assert cached is not fresh
    assert (tmp_path / f"gazetteer-{cache_key(digest)}.pickle").exists()
    assert cached.data_digest == fresh.data_digest == digest
    assert len(cached.places) == len(fresh.places) and cached.actors == fresh.actors
    assert _hits(cached) == _hits(fresh) and _hits(cached)


def test_corrupt_cache_is_rebuilt(tmp_path, fresh):
    digest = _digest(DATA_DIR)
    path = tmp_path / f"gazetteer-{cache_key(digest)}.pickle"
    path.write_bytes(b"not a pickle")
    gaz = load_or_build(digest, lambda: fresh, tmp_path)
    assert gaz is fresh
    assert isinstance(pickle.loads(path.read_bytes()), Gazetteer)  # replaced by a good one


def test_tagger_output_does_not_depend_on_the_cache(tmp_path, monkeypatch, fresh):
    from newswatch.processors.tagging import tagger as tagger_mod

    article = RawArticle(id="c", title="Border clash", text=TEXT)
    load_or_build(_digest(DATA_DIR), lambda: fresh, tmp_path)  # write the cache
    monkeypatch.setenv("NEWSWATCH_CACHE_DIR", str(tmp_path))
    tagger_mod._shared_gazetteer.cache_clear()
    try:
        from_cache = tagger_mod.Tagger()
        assert from_cache._gaz is not fresh
        reference = tagger_mod.Tagger()
        reference._gaz = fresh
        assert from_cache.tag(article) == reference.tag(article)
    finally:
        tagger_mod._shared_gazetteer.cache_clear()
