"""What the package ships, found through ``importlib.resources``: frameworks, crosswalk, page templates, theme, schemas.

In this repository ``generator/shipped/`` holds symlinks to ``frameworks/``, ``crosswalk/`` and
``site_templates/`` at the root (the single source); building the wheel copies them in
as files. Installed wheels are plain folders, so every resource is also a real path
(Jinja and MkDocs need one).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

SCHEMAS_DIR = "schemas"


def _path(*parts: str) -> Path:
    return Path(str(files("generator").joinpath(*parts)))


def shipped_frameworks() -> Path:
    """The framework library: one ``<id>.yaml`` per framework."""
    return _path("shipped", "frameworks")


def shipped_crosswalk() -> Path:
    """The practice catalogue (``practices.yaml``) and one ``<framework-id>.yaml`` mapping per shipped framework."""
    return _path("shipped", "crosswalk")


def shipped_templates() -> Path:
    """The Jinja templates of the site pages (a repository's own ``site_templates/`` override them one by one)."""
    return _path("shipped", "site_templates")


def assets(*parts: str) -> Path:
    """``generator/assets/...``: the site's CSS/JS, the theme override, the MkDocs defaults, the repository scaffold."""
    return _path("assets", *parts)


def schema(name: str) -> Path:
    """A published JSON Schema, e.g. ``schema("answers")``."""
    return _path(SCHEMAS_DIR, f"{name}.schema.json")


def schema_names() -> list[str]:
    return sorted(p.name.removesuffix(".schema.json") for p in _path(SCHEMAS_DIR).glob("*.schema.json"))


def schema_comment(root: Path, name: str, folder: Path) -> str:
    """The ``yaml-language-server`` first line for a file in ``folder``, pointing at the repository's copy
    of the schema (``schemas/`` as ``maturity init`` writes it, or ``generator/schemas/`` here); '' if none."""
    for candidate in (root / SCHEMAS_DIR, root / "generator" / SCHEMAS_DIR):
        target = candidate / f"{name}.schema.json"
        if target.is_file():
            rel = os.path.relpath(target, folder).replace(os.sep, "/")
            return f"# yaml-language-server: $schema={rel}\n"
    return ""
