"""The demo's content as data, apart from the code that installs it: one TOML file per subject.

TOML keeps Chinese text readable and diffable, and dates are dates (stdlib tomllib reads it).
"""

import tomllib
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def content_load(name: str) -> dict:
    """The parsed demo/content/<name>.toml."""
    with (FOLDER / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)
