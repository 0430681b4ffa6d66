"""The run's Lua scripts (scripts/*.lua): the steps of the frontier that Redis must take at once.

They are package data, read with importlib.resources, so they load from a checkout, an installed wheel and a
zipped scrapyd egg alike.
"""

from __future__ import annotations

from importlib.resources import files

SCRIPTS = ("push", "pop", "requeue", "leave", "seed", "claim", "observe")
# Scripts that use the functions of another file, put before their own text (Redis scripts cannot import).
PRELUDES = {"leave": "run_functions", "seed": "run_functions"}


def read(name: str) -> str:
    return (files(__package__) / "scripts" / f"{name}.lua").read_text(encoding="utf-8")


def source(name: str) -> str:
    """The text Redis runs as the script `name`."""
    prelude = PRELUDES.get(name)
    return (read(prelude) if prelude else "") + read(name)


def register_all(server) -> dict:
    """Every script registered with redis-py (run by its SHA, loaded again if the server lost it), by name."""
    return {name: server.register_script(source(name)) for name in SCRIPTS}
