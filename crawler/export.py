"""A corpus read back as records, and exported as one file: JSON Lines, or Parquet (the `[export]` extra, pyarrow).

One record per article: the manifest record of its latest version, plus `text` (the body as in its text file,
paragraphs separated by a blank line). Duplicates (records without a file) and versions a later version
replaced are left out. The Parquet file has a fixed schema, so `datasets.load_dataset("parquet", ...)` and
pandas read it as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from .corpus import CorpusReadError, read, write_atomic

FORMATS = ("jsonl", "parquet")


def export(corpus: str | Path, out: Path, fmt: str) -> int:
    """Write every article of the corpus to `out`; returns how many."""
    records = list(read(corpus))
    if fmt == "jsonl":
        data = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")
        write_atomic(out, data)
    elif fmt == "parquet":
        write_atomic(out, parquet_bytes(records))
    else:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return len(records)


def parquet_bytes(records: list[dict]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusReadError("Parquet export needs pyarrow: pip install 'storycrawler[export]'") from None
    schema = parquet_schema(pa, records)
    rows = [{name: column_value(record.get(name), schema.field(name).type, pa) for name in schema.names}
            for record in records]
    table = pa.Table.from_pylist(rows, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def parquet_schema(pa, records: list[dict]):
    """The manifest's fields with their types (a column that is null in every record still has one); a field
    this module does not know (a newer manifest's) is kept as a JSON string."""
    strings = pa.list_(pa.string())
    known = {
        "url": pa.string(), "canonical_url": pa.string(), "other_urls": strings, "outlet": pa.string(),
        "language": pa.string(), "declared_language": pa.string(), "title": pa.string(), "authors": strings,
        "published": pa.string(), "published_from": pa.string(), "modified": pa.string(),
        "discovered_via": pa.struct([("kind", pa.string()), ("url", pa.string())]),
        "matched_terms": strings, "relevance": pa.float64(), "word_count": pa.int64(), "sha256": pa.string(),
        "path": pa.string(), "fetched_at": pa.string(),
        "warc": pa.struct([("file", pa.string()), ("offset", pa.int64()), ("record_id", pa.string())]),
        "cluster_id": pa.string(), "near_duplicate_of": pa.string(), "duplicate_of": pa.string(),
        "duplicate_kind": pa.string(), "version": pa.int64(), "previous_version": pa.string(),
        "etag": pa.string(), "last_modified": pa.string(), "text_key": pa.string(), "text": pa.string(),
    }
    names = list(dict.fromkeys(name for record in records for name in record)) or list(known)
    return pa.schema([(name, known.get(name, pa.string())) for name in names])


def column_value(value, kind, pa):
    if value is None or kind != pa.string() or isinstance(value, str):
        if isinstance(kind, pa.StructType) and isinstance(value, dict):
            return {kind.field(i).name: value.get(kind.field(i).name) for i in range(kind.num_fields)}
        return value
    return json.dumps(value, ensure_ascii=False)
