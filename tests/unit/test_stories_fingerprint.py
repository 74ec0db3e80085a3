"""Story fingerprints: content tokens of title + lede, MinHash band keys."""

from __future__ import annotations

from newswatch.sinks.stories.fingerprint import band_keys, fingerprint, lede, stopwords, tokens


def test_tokens_fold_case_and_accents_drop_stopwords_keep_numbers() -> None:
    assert tokens("The Peña Nieto government said 12 were KILLED in Kýiv") == [
        "pena", "nieto", "government", "12", "kill", "kyiv"]


def test_plural_and_verb_endings_fold_together() -> None:
    assert tokens("attacks casualties killing") == tokens("attack casualty killed")
    # short words, double s and numbers are left alone
    assert tokens("bus gas kiss 2026") == ["bus", "gas", "kiss", "2026"]


def test_stopword_list_is_loaded_from_its_data_file() -> None:
    words = stopwords()
    assert {"the", "said", "according"} <= words
    assert not any(w.startswith("#") for w in words)
    assert not any(w.isdigit() for w in words)  # numbers tell events apart


def test_lede_is_the_first_two_sentences_within_the_cap() -> None:
    text = "First one here. Second one there! Third never counts. Fourth neither."
    assert lede(text) == "First one here. Second one there!"
    assert lede("no sentence end " * 50, max_chars=40) == ("no sentence end " * 50)[:40]
    # an abbreviation followed by a lower-case word is not a sentence end
    assert lede("Gen. smith spoke. Then more. And more.", sentences=1) == "Gen. smith spoke."


def test_band_keys_are_deterministic_and_name_their_band() -> None:
    words = frozenset({"peshawar", "market", "bomber", "12"})
    keys = band_keys(words, bands=8, rows=2)
    assert keys == band_keys(frozenset(sorted(words)), bands=8, rows=2)
    assert [k.split(":")[0] for k in keys] == [f"b{i}" for i in range(8)]
    assert all(len(k.split(":")[1]) == 16 for k in keys)  # 2 rows x 32 bits in hex
    assert band_keys(frozenset(), bands=8, rows=2) == ()


def test_similar_texts_share_bands_and_unrelated_ones_do_not() -> None:
    a = fingerprint("Suicide bomber kills 12 at market in Peshawar",
                    "A suicide bomber killed 12 people at a market in Peshawar on Monday.",
                    bands=64, rows=2)
    b = fingerprint("Peshawar market blast: suicide bomber kills 12",
                    "Twelve people died when a suicide bomber struck a Peshawar market.",
                    bands=64, rows=2)
    c = fingerprint("Central bank raises interest rates to curb inflation",
                    "The central bank raised its benchmark rate by half a point.",
                    bands=64, rows=2)
    assert set(a.bands) & set(b.bands)
    assert not set(a.bands) & set(c.bands)
    assert a.title == frozenset({"suicide", "bomber", "kill", "12", "market", "peshawar"})


def test_a_stem_weighs_as_the_words_it_stands_for() -> None:
    from newswatch.sinks.stories.evidence import weight
    from newswatch.sinks.stories.fingerprint import tokens

    # "captured" is fingerprinted as "captur": it must weigh as "captured", not as a rare name
    (stem,) = tokens("captured")
    assert stem != "captured"
    assert weight(stem) <= weight("captured") + 1e-9
    assert weight(stem) < weight("mateen")


def test_band_keys_are_datasketchs_minhash_in_bands() -> None:
    from datasketch import MinHash
    from datasketch.hashfunc import sha1_hash32

    def hashed(word: bytes) -> int:
        return sha1_hash32(word)

    texts = ["Suicide bomber kills 12 at market in Peshawar", "Kyiv Peña Nieto 2026 année",
             " ".join(f"word{i}" for i in range(300))]
    for text in texts:
        words = frozenset(tokens(text))
        for bands, rows, seed in ((64, 2, 1), (8, 3, 7), (5, 1, 1)):
            sketch = MinHash(num_perm=bands * rows, seed=seed, scheme="affine32",
                             hashfunc=hashed)
            sketch.update_batch([w.encode() for w in words])
            digits = sketch.hashvalues.astype("<u4").tobytes().hex()
            width = 8 * rows
            assert band_keys(words, bands, rows, seed) == tuple(
                f"b{i}:{digits[i * width:(i + 1) * width]}" for i in range(bands))


def test_ascii_words_are_the_words_of_the_pattern() -> None:
    from newswatch.sinks.stories.fingerprint import _WORD, _words

    texts = ["plain words, numbers 12-40 and snake_case\ttabs\x1cfs|pipes", "",
             "".join(map(chr, range(128))) * 2, "__x__ y_ 1_2 ...a.b"]
    for text in texts:
        assert _words(text) == _WORD.findall(text)
    assert _words("peña nieto") == ["peña", "nieto"]  # not ASCII: the pattern itself
