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
DEDUP_MODES = ("keep", "mark", "drop")  # what happens to later copies: see NearDuplicatePipeline


def shingles(text: str) -> set[bytes]:
    words = WORD.findall(text.casefold())
    n = min(SHINGLE_WORDS, len(words)) or 1
    return {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(len(words) - n + 1, 1))}


def minhash(text: str) -> MinHash:
    # crc32 is a C call where datasketch's default (sha1, then struct) is three Python ones: a shingle hash
    # needs spread, not cryptographic strength. The permutations are drawn once, not for every article.
    signature = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=permutations(),
                        scheme=SCHEME)
    signature.update_batch(list(shingles(text)))
    return signature


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
    (crawler/distributed.py) and holds `locked()` around a lookup and the add it leads to."""

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
