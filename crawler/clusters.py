"""Near-duplicates: wire copies and other republications of one text, grouped by MinHash LSH (datasketch).

Each article joins the cluster of the most similar article already seen in its language, or starts its
own. Different languages never share a cluster: a translation is its own article.
"""

from __future__ import annotations

import hashlib
import re

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")
SHINGLE_WORDS = 5
NUM_PERM = 128
DEDUP_MODES = ("keep", "mark", "drop")  # what happens to later copies: see NearDuplicatePipeline


def shingles(text: str) -> set[bytes]:
    words = WORD.findall(text.casefold())
    n = min(SHINGLE_WORDS, len(words)) or 1
    return {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(len(words) - n + 1, 1))}


def minhash(text: str) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM)
    signature.update_batch(list(shingles(text)))
    return signature


def new_cluster_id(url: str) -> str:
    return "c-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]


class NearDuplicateIndex:
    """Articles seen so far, as MinHash signatures in an LSH index, with each one's cluster."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.members: dict[str, tuple[str, str, MinHash]] = {}  # key -> (cluster_id, url, signature)

    def nearest(self, signature: MinHash, language: str | None) -> tuple[str, str, float] | None:
        """(cluster_id, url, estimated similarity) of the most similar earlier article, if any is near.

        LSH returns candidates that share a band, some far below the threshold: each is checked."""
        scored = [(signature.jaccard(other), cluster_id, url)
                  for key in self.lsh.query(signature) if key.split("\t", 1)[0] == (language or "")
                  for cluster_id, url, other in [self.members[key]]]
        scored = [candidate for candidate in scored if candidate[0] >= self.threshold]
        if not scored:
            return None
        similarity, cluster_id, url = max(scored)
        return cluster_id, url, similarity

    def add(self, url: str, signature: MinHash, language: str | None, cluster_id: str) -> None:
        key = f"{language or ''}\t{url}"
        if key not in self.members:
            self.members[key] = (cluster_id, url, signature)
            self.lsh.insert(key, signature)
