"""``maturity diff`` and ``maturity codeowners``: argument handling, I/O and exit codes only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.fsio import write_atomic
from generator.problems import MaturityError
from generator.project import find_root, load_valid_project
from generator.review import codeowners
from generator.review.chunked import diff_listings
from generator.review.gitrepo import Git
from generator.review.render import NO_LINKS, SiteLinks, json_text, markdown, text
from generator.review.snapshot import list_revision, list_worktree

MAIN_BRANCHES = ("main", "origin/main", "master", "origin/master")


def default_base(git: Git, main_branch: str | None, head: str) -> tuple[str, str]:
    """(label, sha) of the merge-base of the main branch with ``head``."""
    candidates = (main_branch,) if main_branch else MAIN_BRANCHES
    for branch in candidates:
        if git.exists(branch):
            base = git.merge_base(branch, head)
            if base is None:
                raise MaturityError(f"`{branch}` and `{head}` have no common history; name the base revision")
            return f"merge-base with {branch}", base
    if main_branch:
        raise MaturityError(f"`{main_branch}` is not a branch or revision in this repository")
    raise MaturityError("no `main` or `master` branch found; name the base revision, e.g. `maturity diff origin/develop`")


def site_links(root: Path, site_url: str | None) -> SiteLinks:
    """Where the site is published: ``--site-url``, else ``site_url`` in mkdocs.yml; no links when neither says."""
    from generator.site.mkdocs_config import published_at

    try:
        configured, directory_urls = published_at(root)
    except MaturityError:  # a broken mkdocs.yml is for `maturity build` to report; the diff goes on without links
        configured, directory_urls = "", True
    url = site_url if site_url is not None else configured
    if not url.startswith(("https://", "http://")):
        return NO_LINKS
    return SiteLinks(url, directory_urls)


def diff_command(args: argparse.Namespace) -> int:
    """Compare two revisions (default: merge-base with main vs the working tree) and print the diff."""
    root = (args.root or find_root()).resolve()
    git = Git(root)
    if not git.has_commits():
        raise MaturityError("the repository has no commits yet; there is nothing to compare with")
    if args.head is None:
        head = list_worktree(root)
        head_rev = "HEAD"
    else:
        head = list_revision(git, args.head, git.resolve(args.head))
        head_rev = head.sha or "HEAD"
    if args.base is None:
        label, base_sha = default_base(git, args.main_branch, head_rev)
    else:
        label, base_sha = args.base, git.resolve(args.base)
    base = list_revision(git, label, base_sha)
    diff = diff_listings(base, head, getattr(args, "max_drop", None))
    fmt = args.format or ("text" if sys.stdout.isatty() else "markdown")
    links = site_links(root, getattr(args, "site_url", None)) if fmt != "json" else NO_LINKS
    if fmt == "json":
        sys.stdout.write(json_text(diff))
    else:
        sys.stdout.write(text(diff, links) if fmt == "text" else markdown(diff, links=links))
    sys.stdout.flush()
    if getattr(args, "full_output", None):
        full = json_text(diff) if fmt == "json" else markdown(diff, full=True, links=links)
        write_atomic(args.full_output, full)
    if diff.regressions:
        listed = ", ".join(f"{t} ({f})" for t, f in diff.regressions)
        print(f"maturity: {len(diff.regressions)} regression(s): {listed}", file=sys.stderr)
        if args.fail_on_regression:
            return 1
    return 0


def codeowners_command(args: argparse.Namespace) -> int:
    """Write (or with ``--check`` verify) ``.github/CODEOWNERS`` from the teams' owners and the admins."""
    root = (args.root or find_root()).resolve()
    project = load_valid_project(root, "CODEOWNERS not written")
    current = codeowners.read_current(project)
    admins = codeowners.resolve_admins(project, codeowners.parse_admins(args.admins), current)
    text, problems = codeowners.render(project, admins)
    if problems:
        raise MaturityError("CODEOWNERS not written: some owners are not valid GitHub owners", problems)
    if args.check:
        if current != text:
            what = "is missing" if current is None else "is out of date"
            print(f"{codeowners.CODEOWNERS} {what}; run `maturity codeowners` to update it", file=sys.stderr)
            return 1
        print(f"{codeowners.CODEOWNERS} is up to date")
        return 0
    if current == text:
        print(f"{codeowners.CODEOWNERS} is up to date")
        return 0
    write_atomic(project.root / codeowners.CODEOWNERS, text)
    print(f"wrote {codeowners.CODEOWNERS}: {len(project.teams)} team{'s' if len(project.teams) != 1 else ''}")
    return 0
