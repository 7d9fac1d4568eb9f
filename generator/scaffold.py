"""``maturity init [DIR]``: a new assessment repository from what the package ships.

Everything is planned in memory, written into a temporary folder beside the target, loaded
and validated there like any repository, and only then moved into place: on any problem
nothing is written. An existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import __version__, answerschema, resources
from generator.crosswalk.loader import CATALOGUE_FILE, CROSSWALK_DIR
from generator.fsio import world_readable
from generator.listing import shipped_library, unknown_frameworks
from generator.model import OWNER
from generator.newteam import NewTeam, team_text
from generator.problems import MaturityError
from generator.project import ANSWERS_DIR, FRAMEWORKS_DIR, load_project
from generator.review import codeowners
from generator.settings import SETTINGS_FILE
from generator.workbook.yamledit import dq

DISTRIBUTION = "maturity-as-code"
#: A GitHub repository as ``OWNER/REPO`` or its https URL (``.git`` and a trailing ``/`` allowed).
_GITHUB_REPO = re.compile(r"^(?:https://github\.com/)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}?)(?:\.git)?/?$")
#: A tag or branch as git accepts it, and as a workflow `uses:` line and a pip URL can hold it.
_GIT_REF = re.compile(r"^(?!.*\.\.)(?!.*//)[A-Za-z0-9][A-Za-z0-9._/-]{0,99}(?<![./])$")
EXAMPLE_TEAM = NewTeam("example-team", "Example team", "Example group")
SCHEMA_LINE = "# yaml-language-server:"


@dataclass(frozen=True)
class InitOptions:
    """What ``maturity init`` is asked for."""

    frameworks: tuple[str, ...]  # empty: the whole shipped library
    admins: tuple[str, ...]
    site_name: str = "MLOps maturity"
    tool_repository: str = ""  # OWNER/REPO or its URL; empty: the installed package's Source URL
    tool_ref: str = f"v{__version__}"


def published_repository() -> str:
    """``OWNER/REPO`` of the GitHub repository the installed package names as its ``Source`` (``[project.urls]``); else ''."""
    from importlib import metadata

    try:
        urls = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ""
    for entry in urls:
        label, _, url = entry.partition(",")
        found = _GITHUB_REPO.match(url.strip())
        if label.strip().lower() == "source" and found:
            return found.group(1)
    return ""


def tool_source(repository: str, ref: str) -> tuple[str, str]:
    """The checked ``(OWNER/REPO, ref)`` the written workflows and pre-commit config install this tool from."""
    given = repository or published_repository()
    if not given:
        raise MaturityError(
            "this installation does not say where the tool is published (no Source URL in its metadata); "
            "pass --tool-repo OWNER/REPO, the GitHub repository your organisation installs it from"
        )
    found = _GITHUB_REPO.match(given.strip())
    if not found:
        raise MaturityError(f"--tool-repo `{given}` is not a GitHub repository: give OWNER/REPO or https://github.com/OWNER/REPO")
    if not _GIT_REF.match(ref):
        raise MaturityError(f"--tool-ref `{ref}` is not a tag or branch name (letters, digits, `.`, `_`, `-`, `/`)")
    return found.group(1), ref


def _scaffold(name: str, tokens: Mapping[str, str]) -> str:
    text = resources.assets("scaffold", name).read_text(encoding="utf-8")
    for key, value in tokens.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def _with_schema_line(text: str, line: str) -> str:
    """A shipped framework file with its editor schema comment pointing at the new repository's ``schemas/``."""
    if text.startswith(SCHEMA_LINE):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return line + text


def plan(options: InitOptions) -> dict[str, str]:
    """Relative path -> text of every file of the new repository (CODEOWNERS excepted: it needs the loaded project)."""
    library = shipped_library()
    chosen = options.frameworks or tuple(sorted(library))
    message = unknown_frameworks(chosen, list(library))
    if message:
        raise MaturityError(message)
    if len(set(chosen)) != len(chosen):
        raise MaturityError("a framework is named twice with --framework")
    if not options.admins:
        raise MaturityError("name the admins who own the frameworks and settings: --admin @your-org/your-team (repeat for more)")
    bad = [a for a in options.admins if not OWNER.match(a)]
    if bad:
        raise MaturityError(f"admin `{bad[0]}` must be a GitHub @user, @org/team or an email address")
    if not options.site_name.strip():
        raise MaturityError("--name must not be empty")
    tool, ref = tool_source(options.tool_repository, options.tool_ref)
    tokens = {
        "TOOL": tool,
        "REF": ref,
        "SITE_NAME": options.site_name,
        "ADMINS": "\n".join(f"  - {dq(a)}" for a in options.admins),
    }
    files: dict[str, str] = {}
    for fid in chosen:
        source = Path(library[fid].path)
        files[f"{FRAMEWORKS_DIR}/{source.name}"] = _with_schema_line(
            (resources.shipped_frameworks() / source.name).read_text(encoding="utf-8"),
            "# yaml-language-server: $schema=../schemas/framework.schema.json\n",
        )
    files.update(_crosswalk(chosen))
    for name in resources.schema_names():
        files[f"{resources.SCHEMAS_DIR}/{name}.schema.json"] = resources.schema(name).read_text(encoding="utf-8")
    example = NewTeam(EXAMPLE_TEAM.id, EXAMPLE_TEAM.name, EXAMPLE_TEAM.group, options.admins, chosen)
    files[f"{ANSWERS_DIR}/{example.id}.yaml"] = team_text(
        example, [library[f] for f in chosen], "# yaml-language-server: $schema=../schemas/answers.schema.json\n"
    )
    files[SETTINGS_FILE] = _scaffold("maturity.yml", tokens)
    files["mkdocs.yml"] = _scaffold("mkdocs.yml", {**tokens, "SITE_NAME": dq(options.site_name)})
    files["README.md"] = _scaffold("README.md", tokens)
    files[".gitignore"] = _scaffold("gitignore", tokens)
    files[".pre-commit-config.yaml"] = _scaffold("pre-commit-config.yaml", tokens)
    for workflow in ("maturity-review.yml", "maturity-pages.yml"):
        files[f".github/workflows/{workflow}"] = _scaffold(f"workflows/{workflow}", tokens)
    return files


def _crosswalk(chosen: Sequence[str]) -> dict[str, str]:
    """The shipped practice catalogue and the mappings of the chosen frameworks (so their answers cross between them)."""
    shipped = resources.shipped_crosswalk()
    files = {f"{CROSSWALK_DIR}/{CATALOGUE_FILE}": (shipped / CATALOGUE_FILE, "practices")}
    files |= {f"{CROSSWALK_DIR}/{fid}.yaml": (shipped / f"{fid}.yaml", "crosswalk") for fid in chosen}
    line = "# yaml-language-server: $schema=../schemas/{}.schema.json\n"
    return {
        rel: _with_schema_line(source.read_text(encoding="utf-8"), line.format(schema))
        for rel, (source, schema) in files.items()
        if source.is_file()
    }


def _check_target(target: Path, files: Sequence[str], existing_ok: bool) -> None:
    if target.exists() and not target.is_dir():
        raise MaturityError(f"{target} exists and is not a folder")
    if not target.exists() or not any(target.iterdir()):
        return
    if not existing_ok:
        raise MaturityError(f"{target} is not empty; choose a new or empty folder, or add --existing to add the files beside it")
    taken = [f for f in [*files, str(codeowners.CODEOWNERS)] if os.path.lexists(target / f)]
    if taken:
        raise MaturityError(f"{target} already has {', '.join(taken)}; nothing was written (files are never overwritten)")


def init(target: Path, options: InitOptions, *, existing_ok: bool = False) -> list[str]:
    """Write the new repository into ``target``; the relative paths written, sorted."""
    files = plan(options)
    target = target.absolute()
    _check_target(target, list(files), existing_ok)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        project = load_project(staging)
        if project.problems:  # pragma: no cover - the shipped files and the example are tested
            raise MaturityError("the new repository would not be valid; nothing was written", project.problems)
        owners, problems = codeowners.render(project, options.admins)
        if problems:  # pragma: no cover - admins checked in plan()
            raise MaturityError("CODEOWNERS would not be valid; nothing was written", problems)
        (staging / codeowners.CODEOWNERS).write_text(owners, encoding="utf-8")
        (staging / answerschema.ANSWERS_SCHEMA).write_text(answerschema.render(project), encoding="utf-8")
        written = sorted([*files, str(codeowners.CODEOWNERS)])
        world_readable(staging)
        if not target.exists():
            os.replace(staging, target)
            return written
        for rel in written:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target / rel)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def init_command(args: argparse.Namespace) -> int:
    """``maturity init [DIR] --admin OWNER [--framework ID ...] [--name NAME] [--existing]``."""
    options = InitOptions(
        frameworks=tuple(args.framework or ()),
        admins=tuple(args.admin or ()),
        site_name=args.name or "MLOps maturity",
        tool_repository=args.tool_repo or "",
        tool_ref=args.tool_ref or f"v{__version__}",
    )
    target = Path(args.dir)
    written = init(target, options, existing_ok=args.existing)
    frameworks = sum(1 for f in written if f.startswith(f"{FRAMEWORKS_DIR}/"))
    mappings = sum(1 for f in written if f.startswith(f"{CROSSWALK_DIR}/") and not f.endswith(f"/{CATALOGUE_FILE}"))
    print(
        f"created an assessment repository in {target}: {len(written)} files, {frameworks} frameworks "
        f"({mappings} mapped to the practice catalogue), 1 example team"
    )
    print("next: cd into it, `git init`, `maturity new-team ...` for each team, `maturity build --offline` to see the site")
    return 0
