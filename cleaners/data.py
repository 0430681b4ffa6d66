"""The cleaners' data files (lexicon, site profiles), read where the package is: a folder, or a zip such as the
egg Scrapyd runs a deployed project from, where `Path(__file__)` names no real folder."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def package_folder(name: str) -> Traversable:
    return files(__package__) / name


def toml_files(folder: Traversable | str) -> list[Traversable]:
    """The folder's `*.toml` files by name."""
    folder = Path(folder) if isinstance(folder, str) else folder
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()), key=lambda f: f.name)
