"""Near-duplicates: wire copies and other republications of one text, grouped by MinHash LSH (datasketch).

Each article joins the cluster of the most similar article already seen in its language, or starts its
own. Different languages never share a cluster: a translation is its own article.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from contextlib import nullcontext
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")
SHINGLE_WORDS = 5
NUM_PERM = 128
SCHEME = "affine32"  # datasketch's permutation scheme, named: signatures of different schemes never compare
ROLLING_MULTIPLIER = np.uint64(0x9E3779B1)  # odd, so the roll mixes every word of a shingle into its hash
WORD_HASH_MASK = np.uint64(0xFFFFFFFF)
FMIX32_SHIFTS = (np.uint32(16), np.uint32(13), np.uint32(16))
FMIX32_MULTIPLIERS = (np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35))
DEDUP_MODES = ("keep", "mark", "drop")  # what happens to later copies: see NearDuplicatePipeline


def shingle_hashes(text: str, max_words: int = 0) -> np.ndarray:
    """32-bit hashes of the text's distinct SHINGLE_WORDS-word shingles (the whole text when shorter), over its
    first `max_words` words (0: all): a text of megabytes costs no more than a long article.

    Each word is hashed once (crc32, a C call) and the shingles' hashes are rolled from them in numpy: a
    page's hundreds of shingles cost no Python loop of their own. The crawl's cleaning workers do this per page
    (crawler/page_facts.py); the pipelines again only where site memory trimmed the text since.
    """
    words = first_words(text, max_words) if max_words else WORD.findall(text.casefold())
    if not words:
        words = [""]
    word_hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    n = min(SHINGLE_WORDS, len(word_hashes))
    count = len(word_hashes) - n + 1
    rolled = np.zeros(count, dtype=np.uint64)
    for offset in range(n):  # 32-bit by 32-bit products fit in uint64; the mask keeps the roll modulo 2**32
        rolled = (rolled * ROLLING_MULTIPLIER + word_hashes[offset:offset + count]) & WORD_HASH_MASK
    return np.unique(rolled).astype(np.uint32)


def first_words(text: str, max_words: int) -> list[str]:
    """The text's first `max_words` words, each casefolded after it is matched (casefolding the text first
    would split a word whose folded form has a combining mark: "İ" folds to "i" and a dot above)."""
    prefix = 2 * max_words  # words need a character between them: a text this long holds no more than max_words
    while True:  # at C speed, over a prefix long enough to hold them, lengthened until it does
        words = WORD.findall(text[:prefix])
        if len(words) > max_words or prefix >= len(text):  # a word after the last one kept: that one was whole
            return list(map(str.casefold, words[:max_words]))
        prefix *= 4


def minhash(text: str, max_words: int = 0) -> MinHash:
    return signature_of(shingle_hashes(text, max_words))


def signature_of(shingles: np.ndarray) -> MinHash:
    """The MinHash of a text's shingle hashes (shingle_hashes)."""
    return signature_from(signature_values(shingles))


def signature_values(shingles: np.ndarray) -> np.ndarray:
    """The MinHash hash values of a text's shingle hashes: what datasketch's `update_batch` computes for the
    affine32 scheme (premix by MurmurHash3's finalizer, then `a * h + b` modulo 2**32, the least per
    permutation), in numpy alone. update_batch calls the hash function once per shingle in Python, then
    builds an array from the list: most of a signature's time. tests/test_clusters.py holds them equal."""
    a, b = permutations()  # drawn once, not for every article
    mixed = fmix32(np.asarray(shingles, dtype=np.uint32)).reshape(-1, 1)
    return (mixed * a + b).min(axis=0)


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (uint32 products wrap modulo 2**32, as the finalizer does)."""
    values = values ^ (values >> FMIX32_SHIFTS[0])
    values = values * FMIX32_MULTIPLIERS[0]
    values = values ^ (values >> FMIX32_SHIFTS[1])
    values = values * FMIX32_MULTIPLIERS[1]
    return values ^ (values >> FMIX32_SHIFTS[2])


def signature_from(hashvalues: np.ndarray) -> MinHash:
    """A MinHash again from its hash values (computed elsewhere, e.g. in a cleaning worker)."""
    return MinHash(hashvalues=hashvalues, permutations=permutations(), hashfunc=_as_is, scheme=SCHEME)


def _as_is(value):
    return value


@lru_cache(maxsize=1)
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for NUM_PERM and its default seed: a constant, computed once."""
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two MinHash signatures' hash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def new_cluster_id(url: str) -> str:
    return "c-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]


class NearDuplicateIndex:
    """Articles seen so far, as MinHash signatures in an LSH index, with each one's cluster.

    `lsh` and `members` are in memory unless given: a distributed crawl gives ones kept in Redis
    (crawler/distributed/near_duplicates.py) and holds `locked()` around a lookup and the add it leads to."""

    def __init__(self, threshold: float, lsh: MinHashLSH | None = None, members=None):
        self.threshold = threshold
        self.lsh = lsh if lsh is not None else MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        # key -> (cluster_id, url, the signature's hash values): 1 KB an article, not the whole MinHash object
        self.members = members if members is not None else {}

    def locked(self):
        return nullcontext()

    def nearest(self, signature: MinHash, language: str | None) -> tuple[str, str, float] | None:
        """(cluster_id, url, estimated similarity) of the most similar earlier article, if any is near.

        LSH returns candidates that share a band, some far below the threshold: each is checked. A key without
        a member was being added by a worker that died: its article was never kept."""
        keys = [key for key in self.lsh.query(signature) if key.split("\t", 1)[0] == (language or "")]
        scored = [(estimated_jaccard(signature.hashvalues, member[2]), member[0], member[1])
                  for member in map(self.members.get, keys) if member is not None]
        scored = [candidate for candidate in scored if candidate[0] >= self.threshold]
        if not scored:
            return None
        similarity, cluster_id, url = max(scored)
        return cluster_id, url, similarity

    def add(self, url: str, signature: MinHash, language: str | None, cluster_id: str) -> None:
        key = f"{language or ''}\t{url}"
        if key not in self.members:
            self.lsh.insert(key, signature, check_duplication=False)
            self.members[key] = (cluster_id, url, signature.hashvalues)
