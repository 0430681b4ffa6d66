"""Only for `scrapyd-deploy`, which builds its egg with setup.py (it would write one of its own otherwise):
everything is declared in pyproject.toml."""

from setuptools import setup

setup()
