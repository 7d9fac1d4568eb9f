"""The MkDocs configuration of a build: the repository's ``mkdocs.yml`` over the tool's defaults.

A repository needs no ``mkdocs.yml`` at all (the shipped ``generator/assets/mkdocs.yml`` is
used), or a short one: any top-level key it sets replaces the default, every key it leaves
out comes from the defaults, and a Material theme without ``custom_dir`` gets the shipped
theme override. ``offline`` makes a site that works opened from disk (``file://``): pages as
``name.html`` instead of ``name/`` and Material's ``offline`` plugin for search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import resources
from generator.problems import MaturityError

CONFIG_NAME = "mkdocs.yml"
#: Material's offline plugin loads this shim from a CDN unless a local copy is listed (shipped in assets/site/).
WORKER_SHIM = "assets/maturity/iframe-worker-shim.js"


@dataclass(frozen=True)
class ConfigSource:
    """The file MkDocs loads, and the values to give it for what the file leaves out."""

    path: Path
    overrides: dict[str, Any] = field(default_factory=dict)


def _read(path: Path) -> dict[str, Any]:
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with path.open("rb") as fh:
            data = yaml_load(fh)
    except (OSError, ConfigurationError) as exc:
        raise MaturityError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise MaturityError(f"{path}: must be a mapping of MkDocs settings")
    return data


def _with_override_dir(theme: Any) -> Any:
    """A Material theme with the shipped override folder as ``custom_dir``, unless it names its own."""
    if isinstance(theme, str):
        theme = {"name": theme}
    if isinstance(theme, dict) and theme.get("name") == "material" and not theme.get("custom_dir"):
        return {**theme, "custom_dir": str(resources.assets("theme"))}
    return theme


#: The tool's MkDocs plugin (generator/site/search.py): every build lists it.
PLUGIN = "maturity"


def _with_plugin(plugins: Any, name: str) -> Any:
    """``plugins`` (a list or a mapping, as in mkdocs.yml) with ``name`` added when it is missing."""
    if isinstance(plugins, dict):
        return plugins if name in plugins else {**plugins, name: {}}
    listed = list(plugins or [])
    names = [next(iter(p)) if isinstance(p, dict) else p for p in listed]
    return listed if name in names else [*listed, name]


def config_source(root: Path, *, offline: bool = False) -> ConfigSource:
    """The configuration for building the site of the repository at ``root``."""
    defaults_path = resources.assets(CONFIG_NAME)
    defaults = _read(defaults_path)
    own = root / CONFIG_NAME
    if own.is_file():
        config = _read(own)
        path = own
        overrides = {key: value for key, value in defaults.items() if key not in config}
    else:
        config, path, overrides = defaults, defaults_path, {}
    overrides["theme"] = _with_override_dir(config.get("theme", defaults["theme"]))
    overrides["plugins"] = _with_plugin(config.get("plugins", defaults.get("plugins", ["search"])), PLUGIN)
    if offline:
        overrides["use_directory_urls"] = False
        overrides["plugins"] = _with_plugin(overrides["plugins"], "offline")
        extra = dict(config.get("extra") or {})
        extra["polyfills"] = [*extra.get("polyfills", []), WORKER_SHIM]
        overrides["extra"] = extra
    return ConfigSource(path, overrides)


def published_at(root: Path) -> tuple[str, bool]:
    """The site's address (``site_url``, "" when not set) and whether its pages are ``name/`` URLs."""
    source = config_source(root)
    config = {**_read(source.path), **source.overrides}
    url = config.get("site_url")
    return (url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""), bool(
        config.get("use_directory_urls", True)
    )
