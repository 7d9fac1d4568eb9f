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


@dataclass(frozen=True)
class EnvTag:
    """An ``!ENV`` setting kept as written (the variable's name, or names and a default), not its value."""

    value: Any


def _env_loader() -> Any:
    """MkDocs' YAML loader, but ``!ENV`` settings are read as :class:`EnvTag` (a written file names no secret)."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    class Loader(get_yaml_loader()):  # type: ignore[misc]
        pass

    def env(loader: Any, node: Any) -> EnvTag:
        if isinstance(node, yaml.SequenceNode):
            return EnvTag([loader.construct_object(child) for child in node.value])
        return EnvTag(loader.construct_scalar(node))

    Loader.add_constructor("!ENV", env)
    return Loader


def _read(path: Path, *, keep_env: bool = False) -> dict[str, Any]:
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with path.open("rb") as fh:
            data = yaml_load(fh, _env_loader() if keep_env else None)
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
#: The Markdown extensions the generated pages are written for (classes on links and headings; Markdown
#: links inside a framework page's HTML tables): every build lists them.
MARKDOWN_EXTENSIONS = ("attr_list", "md_in_html")


def _with_entry(plugins: Any, name: str) -> Any:
    """``plugins`` or ``markdown_extensions`` (a list or a mapping, as in mkdocs.yml) with ``name`` added when it is missing."""
    if isinstance(plugins, dict):
        return plugins if name in plugins else {**plugins, name: {}}
    listed = list(plugins or [])
    names = [next(iter(p)) if isinstance(p, dict) else p for p in listed]
    return listed if name in names else [*listed, name]


def config_source(root: Path, *, offline: bool = False) -> ConfigSource:
    """The configuration for building the site of the repository at ``root``."""
    return _source(root, offline, keep_env=False)[0]


def _source(root: Path, offline: bool, *, keep_env: bool) -> tuple[ConfigSource, dict[str, Any]]:
    """:func:`config_source` and the settings of its file (``!ENV`` kept as :class:`EnvTag` with ``keep_env``)."""
    defaults_path = resources.assets(CONFIG_NAME)
    defaults = _read(defaults_path)
    own = root / CONFIG_NAME
    if own.is_file():
        config = _read(own, keep_env=keep_env)
        path = own
        overrides = {key: value for key, value in defaults.items() if key not in config}
    else:
        config, path, overrides = defaults, defaults_path, {}
    overrides["theme"] = _with_override_dir(config.get("theme", defaults["theme"]))
    overrides["plugins"] = _with_entry(config.get("plugins", defaults.get("plugins", ["search"])), PLUGIN)
    extensions = config.get("markdown_extensions", defaults["markdown_extensions"])
    for name in MARKDOWN_EXTENSIONS:
        extensions = _with_entry(extensions, name)
    overrides["markdown_extensions"] = extensions
    if offline:
        overrides["use_directory_urls"] = False
        overrides["plugins"] = _with_entry(overrides["plugins"], "offline")
        extra = dict(config.get("extra") or {})
        extra["polyfills"] = [*extra.get("polyfills", []), WORKER_SHIM]
        overrides["extra"] = extra
    return ConfigSource(path, overrides), config


def published_at(root: Path) -> tuple[str, bool]:
    """The site's address (``site_url``, "" when not set) and whether its pages are ``name/`` URLs."""
    source = config_source(root)
    config = {**_read(source.path), **source.overrides}
    url = config.get("site_url")
    return (url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""), bool(
        config.get("use_directory_urls", True)
    )


#: The first line of a configuration file written by :func:`write_config`; a file without it is never replaced.
WRITTEN_HEADER = "# Written by `maturity build`: the MkDocs configuration of the pages in the folder next to it."


def written_config_path(docs_dir: Path) -> Path:
    """Where :func:`write_config` puts the configuration of the pages in ``docs_dir``: ``build/docs.mkdocs.yml``.

    Next to the pages, not inside them (MkDocs refuses a configuration inside ``docs_dir``, Zensical one whose
    ``docs_dir`` or ``site_dir`` is outside the configuration's folder), and never named ``mkdocs.yml``,
    so it cannot take the place of a repository's own.
    """
    return docs_dir.parent / f"{docs_dir.name}.{CONFIG_NAME}"


def check_written_config(docs_dir: Path) -> None:
    """Refuse to go on when the file :func:`write_config` would write exists and was not written by it."""
    path = written_config_path(docs_dir)
    if path.is_symlink() or path.exists() and not (path.is_file() and _first_line(path) == WRITTEN_HEADER):
        raise MaturityError(f"refusing to replace {path}: it was not written by `maturity build`; choose another --docs-dir")


def _first_line(path: Path) -> str:
    with path.open("rb") as fh:
        return fh.readline().decode("utf-8", errors="replace").rstrip("\r\n")


def _absolute(value: Any, base: Path) -> Any:
    """A path setting of ``mkdocs.yml`` (relative to its folder) as an absolute path."""
    return str(base / value) if isinstance(value, str) and value and not Path(value).is_absolute() else value


def effective_config(root: Path, docs_dir: Path, nav: list[Any], *, offline: bool = False) -> dict[str, Any]:
    """Every setting a build of the pages in ``docs_dir`` uses, as plain data: what :func:`config_source` gives,
    with ``nav`` as the navigation and paths that work from the folder of :func:`written_config_path`.

    ``docs_dir`` is the pages' folder name, ``site_dir`` is ``site`` next to it (both relative to the file, as
    Zensical requires); a repository's own relative paths (``theme.custom_dir``, ``hooks``, ``watch``) are made
    absolute, since the file lives elsewhere; ``!ENV`` settings stay ``!ENV`` (no variable's value is written).
    """
    source, config = _source(root, offline, keep_env=True)
    data = {**config, **source.overrides}
    base = source.path.parent.resolve()
    theme = data.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        data["theme"] = {**theme, "custom_dir": _absolute(theme["custom_dir"], base)}
    for key in ("hooks", "watch"):
        if isinstance(data.get(key), list):
            data[key] = [_absolute(v, base) for v in data[key]]
    data["docs_dir"] = docs_dir.name
    data["site_dir"] = "site"
    data["nav"] = nav
    return data


def write_config(docs_dir: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` (see :func:`effective_config`) as the configuration file of the pages in ``docs_dir``."""
    import yaml

    from generator.fsio import write_atomic

    class Dumper(yaml.Dumper):
        """Settings as mkdocs.yml spells them: text of several lines as a block (``not_in_nav: |``)."""

    def text(dumper: yaml.Dumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    def env(dumper: yaml.Dumper, value: EnvTag) -> yaml.Node:
        if isinstance(value.value, list):
            return dumper.represent_sequence("!ENV", value.value)
        return dumper.represent_scalar("!ENV", str(value.value))

    Dumper.add_representer(str, text)
    Dumper.add_representer(EnvTag, env)
    path = written_config_path(docs_dir)
    body = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    name = path.name
    write_atomic(
        path,
        f"{WRITTEN_HEADER}\n"
        f"# It holds mkdocs.yml over the tool's defaults, with every framework page in the navigation, and is\n"
        f"# rewritten on every build. Build the pages with `mkdocs build -f {name}` or `zensical build -f {name}`.\n"
        + body,
    )
    return path
