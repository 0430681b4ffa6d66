"""Near-duplicate clusters (MinHash LSH) on the fixture web's expected texts."""

from __future__ import annotations

from conftest import EXPECTED
from datasketch import MinHash

from crawler.clusters import (NUM_PERM, SCHEME, WORD, NearDuplicateIndex, first_words, minhash, new_cluster_id, permutations,
                              shingle_hashes, signature_of)

WIRE = ["en/northpost/2024-10-25-musk-and-putin-have-spoken-regularly-wsj-reports.txt",
        "en/openfield/2024-10-25-associated-wire-musk-putin-two-years.txt"]
TRANSLATION = ["uk/kyivwire/2024-10-25-wsj-mask-rehuliarno-spilkuietsia-z-putinym-z-kintsia-2022-roku.txt",
               "en/kyivwire/2024-10-25-wsj-elon-musk-in-regular-contact-with-putin-since-late-2022.txt"]


def body(relative: str) -> str:
    return (EXPECTED / relative).read_text(encoding="utf-8").split("\n\n", 1)[1]


def indexed(*relatives: str) -> NearDuplicateIndex:
    index = NearDuplicateIndex(threshold=0.5)
    for relative in relatives:
        index.add(relative, minhash(body(relative)), relative.split("/")[0], new_cluster_id(relative))
    return index


def test_a_wire_copy_with_another_intro_finds_the_first_copys_cluster():
    nearest = indexed(WIRE[0]).nearest(minhash(body(WIRE[1])), "en")
    assert nearest is not None and nearest[:2] == (new_cluster_id(WIRE[0]), WIRE[0]) and nearest[2] > 0.5


def test_another_article_on_the_same_story_is_not_a_near_duplicate():
    others = [p.relative_to(EXPECTED).as_posix() for p in EXPECTED.glob("en/*/*.txt")
              if p.relative_to(EXPECTED).as_posix() not in WIRE]
    assert indexed(*others).nearest(minhash(body(WIRE[0])), "en") is None


def test_a_translation_is_not_a_near_duplicate_even_under_the_same_language_code():
    assert indexed(TRANSLATION[0]).nearest(minhash(body(TRANSLATION[1])), "uk") is None


def test_texts_in_different_languages_never_share_a_cluster():
    assert indexed(WIRE[0]).nearest(minhash(body(WIRE[0])), "de") is None


def test_an_lsh_candidate_below_the_threshold_is_not_a_near_duplicate():
    """LSH buckets also catch texts well below the threshold; they must not be clustered."""
    words = body(WIRE[0]).split()
    index = NearDuplicateIndex(threshold=0.5)
    index.add("first", minhash(" ".join(words)), "en", "c-first")
    # Copies that keep the first 40 % of the words and replace the rest: about 0.25 Jaccard of 5-gram sets.
    cut = int(len(words) * 0.4)
    for n in range(40):
        variant = words[:cut] + [f"{w}{n}" for w in words[cut:]]
        nearest = index.nearest(minhash(" ".join(variant)), "en")
        assert nearest is None or nearest[2] >= 0.5, nearest


def every_expected_text() -> list[str]:
    return [body(p.relative_to(EXPECTED).as_posix()) for p in sorted(EXPECTED.glob("*/*/*.txt"))]


def test_the_signature_is_the_one_datasketch_computes_from_the_same_shingles():
    for text in every_expected_text():
        shingles = shingle_hashes(text)
        computed = MinHash(num_perm=NUM_PERM, hashfunc=lambda value: value, permutations=permutations(), scheme=SCHEME)
        computed.update_batch(shingles)
        assert (signature_of(shingles).hashvalues == computed.hashvalues).all()


def test_a_texts_first_words_are_matched_before_they_are_casefolded():
    """"İ" casefolds to "i" and a combining dot, which is no word character: folded first, "İzmir" would split."""
    text = "İzmir Straße " * 30
    assert first_words(text, 1000) == ["i̇zmir", "strasse"] * 30
    assert first_words(text, 5) == ["i̇zmir", "strasse"] * 2 + ["i̇zmir"]


def test_a_texts_first_words_are_its_first_words_whatever_the_limit():
    for text in every_expected_text():
        everything = [match.group().casefold() for match in WORD.finditer(text)]
        assert first_words(text, len(text)) == everything
        for limit in (1, 7, 50, 333):
            assert first_words(text, limit) == everything[:limit]
