"""The repository settings file, ``maturity.yml`` at the root of an assessment repository (optional).

One small mapping that admins own; every key is optional::

    # maturity.yml
    admins:            # owners of frameworks/, settings and workflows in CODEOWNERS
      - "@acme/mlops-platform"

Unknown keys are refused (with a "did you mean"), every problem is located
(``maturity.yml:line:col``). A missing file means the defaults. To add a setting:
a field on :class:`Settings`, its name in ``KEYS``, its reader in :func:`_parse`,
and its property in ``schemas/settings.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node

from generator.fsio import OUTSIDE, inside
from generator.model import OWNER
from generator.problems import Problems
from generator.yamlsource import Reader, read_document

SETTINGS_FILE = "maturity.yml"
KEYS = ("$schema", "admins")


@dataclass(frozen=True)
class Settings:
    """What ``maturity.yml`` says (the defaults when there is none)."""

    #: Owners of everything but the teams' answer files (CODEOWNERS catch-all line); empty: not set.
    admins: tuple[str, ...] = ()
    #: Where ``admins`` was written, for messages (``maturity.yml:3:3``); empty when not set.
    admins_at: str = ""


def _owner(reader: Reader, node: Node) -> str:
    owner = reader.text(node, "each admin", max_len=200)
    if not OWNER.match(owner):
        raise reader.fail(node, f"admin `{owner}` must be a GitHub @user, @org/team or an email")
    return owner


def _parse(name: str, problems: Problems, root: Node) -> Settings:
    reader = Reader(name, problems)
    keys = reader.mapping(root, SETTINGS_FILE, KEYS)
    admins: tuple[str, ...] = ()
    admins_at = ""
    if "admins" in keys:
        node = keys["admins"][1]
        admins = tuple(reader.each(reader.sequence(node, "admins"), lambda n: _owner(reader, n)))
        if not admins and not problems:
            reader.error(node, "admins must name at least one owner (e.g. `- \"@acme/mlops-platform\"`)")
        admins_at = f"{name}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
    return Settings(admins=admins, admins_at=admins_at)


def _only_comments(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def load_settings(root: Path, problems: Problems) -> Settings:
    """The settings of the repository at ``root``; the defaults (and problems recorded) when the file is wrong."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    if not inside(path, root):
        problems.add(SETTINGS_FILE, 0, 0, OUTSIDE)
        return Settings()
    if _only_comments(path):
        return Settings()
    return read_document(path, problems, SETTINGS_FILE, None, _parse) or Settings()
