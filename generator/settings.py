"""The repository settings file, ``maturity.yml`` at the root of an assessment repository (optional).

One small mapping that admins own; every key is optional::

    # maturity.yml
    admins:            # owners of frameworks/, settings and workflows in CODEOWNERS
      - "@acme/mlops-platform"
    max_age: 1 year    # an answer assessed longer ago than this is stale (the default)
    max_age_by_framework:
      google-mlops: 6 months
    paper: A4          # or Letter: the paper the exported workbooks print on (landscape)
    list_teams_up_to: 200  # more teams: the home heatmap and the Teams page show a row per group

Unknown keys are refused (with a "did you mean"), every problem is located
(``maturity.yml:line:col``). A missing file means the defaults. To add a setting:
a field on :class:`Settings`, its name in ``KEYS``, its reader in :func:`_parse`,
and its property in ``schemas/settings.schema.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import Node

from generator.fsio import OUTSIDE, inside
from generator.model import OWNER
from generator.problems import Problems
from generator.yamlsource import Reader, read_document

SETTINGS_FILE = "maturity.yml"
KEYS = ("$schema", "admins", "max_age", "max_age_by_framework", "paper", "list_teams_up_to")
#: The paper sizes a workbook can be set up to print on.
PAPERS = ("A4", "Letter")
#: How long an answer stays current when ``maturity.yml`` does not say.
DEFAULT_MAX_AGE_DAYS = 365
#: Up to this many teams the home heatmap and the Teams page list every team; above it, a row per group
#: (each group's page lists its teams), so both pages stay light at thousands of teams.
DEFAULT_LIST_TEAMS_UP_TO = 200
_DURATION = re.compile(r"^\s*(\d{1,4})\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.I)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def parse_duration(text: str) -> int | None:
    """Days in ``90 days``, ``6 weeks``, ``12 months`` (30 days each), ``1 year`` (365 days); None if not a duration."""
    m = _DURATION.match(text)
    if not m or int(m.group(1)) == 0:
        return None
    return int(m.group(1)) * _UNIT_DAYS[m.group(2)[0].lower()]


@dataclass(frozen=True)
class Settings:
    """What ``maturity.yml`` says (the defaults when there is none)."""

    #: Owners of everything but the teams' answer files (CODEOWNERS catch-all line); empty: not set.
    admins: tuple[str, ...] = ()
    #: Where ``admins`` was written, for messages (``maturity.yml:3:3``); empty when not set.
    admins_at: str = ""
    #: Days after which an answer is stale, for every framework ...
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    #: ... unless its framework has its own.
    max_age_by_framework: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    #: The paper the exported workbooks are set up to print on (landscape, one page wide): A4 or Letter.
    paper: str = "A4"
    #: Up to this many teams the home heatmap and the Teams page list every team; above it, a row per group.
    list_teams_up_to: int = DEFAULT_LIST_TEAMS_UP_TO

    def max_age(self, framework_id: str) -> int:
        """Days after which an answer to ``framework_id`` is stale."""
        return self.max_age_by_framework.get(framework_id, self.max_age_days)


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
            reader.error(node, 'admins must name at least one owner (e.g. `- "@acme/mlops-platform"`)')
        admins_at = f"{name}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
    max_age = _duration(reader, keys["max_age"][1]) if "max_age" in keys else DEFAULT_MAX_AGE_DAYS
    by_framework: dict[str, int] = {}
    if "max_age_by_framework" in keys:
        for fid, (_, value) in reader.mapping(keys["max_age_by_framework"][1], "max_age_by_framework").items():
            days = _duration(reader, value)
            if days is not None:
                by_framework[fid] = days
    paper = _paper(reader, keys["paper"][1]) if "paper" in keys else "A4"
    up_to = DEFAULT_LIST_TEAMS_UP_TO
    if "list_teams_up_to" in keys:
        node = keys["list_teams_up_to"][1]
        up_to = reader.integer(node, "list_teams_up_to")
        if up_to < 0:
            raise reader.fail(node, f"list_teams_up_to must be 0 or more, got {up_to}")
    return Settings(admins, admins_at, max_age or DEFAULT_MAX_AGE_DAYS, MappingProxyType(by_framework), paper, up_to)


def _paper(reader: Reader, node: Node) -> str:
    raw = reader.text(node, "paper", max_len=100)
    found = next((p for p in PAPERS if p.lower() == raw.strip().lower()), None)
    if found is None:
        reader.error(node, f"paper `{raw}` is not one of {', '.join(PAPERS)}")
        return "A4"
    return found


def _duration(reader: Reader, node: Node) -> int | None:
    raw = reader.text(node, "max_age", max_len=100)
    days = parse_duration(raw)
    if days is None:
        reader.error(node, f"`{raw}` is not a duration; write it like `90 days`, `6 weeks`, `12 months` or `1 year`")
    return days


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
