"""Writing a file so that readers see the old file or the new one, never half of one: the corpus's text files,
report and state (crawler/), and site template learning's memory (cleaners/site_memory.py)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Readers see the old file or the new one, never half of one. `sync` also waits for the disk: the
    file then survives a power cut, not only a killed process. The file's mode follows the umask, as any
    file the user creates (mkstemp's 0600 would hide the corpus from colleagues and web servers)."""
    try:
        fd, tmp = create_temporary(path)
    except FileNotFoundError:  # its folder is new: made then, not asked for before each of the hundreds of files in it
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_temporary(path: Path) -> tuple[int, Path]:
    """A new, exclusive temporary file beside `path`, created with mode 0666 less the umask."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
