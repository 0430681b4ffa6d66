"""The crawl state commits its changes in batches: its own reads see them at once, other readers after the commit."""

from __future__ import annotations

from crawler.state import COMMIT_ROWS, CrawlState

AT = "2025-05-01T10:00:00+00:00"


def decide(state: CrawlState, n: int) -> None:
    state.record_decision(f"http://a.example/{n}", url=f"http://a.example/{n}", outlet="a", reason="off_topic",
                          detail="matched nothing", at=AT)


def other_reader_sees(tmp_path, identity: str) -> bool:
    reader = CrawlState.for_corpus(tmp_path)
    try:
        return reader.known(identity) is not None
    finally:
        reader.close()


def test_a_batched_change_is_seen_by_its_own_crawl_before_the_commit(tmp_path):
    state = CrawlState.for_corpus(tmp_path, commit_seconds=3600)
    decide(state, 1)
    assert state.known("http://a.example/1").outcome == "off_topic"
    assert not other_reader_sees(tmp_path, "http://a.example/1")
    state.close()


def test_close_commits_the_last_batch(tmp_path):
    state = CrawlState.for_corpus(tmp_path, commit_seconds=3600)
    decide(state, 1)
    state.close()
    assert other_reader_sees(tmp_path, "http://a.example/1")


def test_a_full_batch_is_committed_however_young(tmp_path):
    state = CrawlState.for_corpus(tmp_path, commit_seconds=3600)
    for n in range(COMMIT_ROWS):
        decide(state, n)
    assert other_reader_sees(tmp_path, f"http://a.example/{COMMIT_ROWS - 1}")
    decide(state, COMMIT_ROWS)
    assert not other_reader_sees(tmp_path, f"http://a.example/{COMMIT_ROWS}")
    state.close()


def test_a_batch_older_than_its_seconds_is_committed_with_the_next_change(tmp_path):
    state = CrawlState.for_corpus(tmp_path, commit_seconds=1e-9)
    decide(state, 1)
    assert other_reader_sees(tmp_path, "http://a.example/1")
    state.close()


def test_without_batches_every_change_is_committed_at_once(tmp_path):
    state = CrawlState.for_corpus(tmp_path)
    decide(state, 1)
    assert other_reader_sees(tmp_path, "http://a.example/1")
    state.close()
