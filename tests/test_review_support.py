"""Helpers (no tests) for the review tests: real git repositories with small frameworks and teams."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

from conftest import DEMO_FRAMEWORK, RUBRIC_FRAMEWORK

DEMO = DEMO_FRAMEWORK

RUB = RUBRIC_FRAMEWORK.split("  - id: people")[0]  # the rubric demo with its first dimension only


def team_yaml(team: str, name: str, answers: dict[str, str], owners: tuple[str, ...] = (), rub: str | None = None) -> str:
    """An answer file for ``demo`` (and optionally ``rub``); answer values may be 'value|note'."""
    lines = [f"team: {team}", f"name: {name}", "group: Demo"]
    if owners:
        lines.append("owners: [" + ", ".join(f'"{o}"' for o in owners) + "]")
    lines += ["frameworks:", "  demo:", "    answers:"]
    for sid, raw in answers.items():
        value, _, note = raw.partition("|")
        if note:
            lines += [f'      {sid}:', f'        answer: "{value}"', f"        note: {note!r}".replace("note: '", "note: '")]
        else:
            lines.append(f'      {sid}: "{value}"')
    if rub is not None:
        lines += ["  rub:", "    answers:", f"      strategy: {rub}"]
    return "\n".join(lines) + "\n"


class GitRepo:
    """A throwaway git repository with deterministic commit dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test User")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def env(self) -> dict[str, str]:
        date = f"2026-01-{self.day + 1:02d}T12:00:00+00:00"
        return {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}

    def git(self, *args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, env=self.env(), capture_output=True, text=True, check=True)
        return proc.stdout.strip()

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def commit(self, message: str) -> str:
        """Commit everything (dated one day after the previous commit); the new sha."""
        self.day += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def sha(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", rev)


def base_repo(root: Path) -> GitRepo:
    """main: frameworks demo + rub, five teams, a README."""
    r = GitRepo(root)
    r.write("frameworks/demo.yaml", DEMO)
    r.write("frameworks/rub.yaml", RUB)
    r.write("answers/alpha.yaml", team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": "no"}, ("@org/alpha",)))
    r.write("answers/beta.yaml", team_yaml("beta", "Beta", {"b1": "yes", "r1": "yes"}, ("@bob",), rub="1"))
    r.write("answers/gamma.yaml", team_yaml("gamma", "Gamma", {"b1": "no"}))
    r.write("answers/old.yaml", team_yaml("old", "Old team", {"b1": "yes", "r1": "yes"}))
    r.write("answers/delta.yaml", team_yaml("delta", "Delta", {"b1": "partial"}))
    r.write("README.md", "# Assessments\n")
    r.commit("initial assessments")
    return r


def feature_branch(r: GitRepo) -> None:
    """A branch with every kind of change: up, down, moved, removed, added, id changed, README."""
    r.git("checkout", "-q", "-b", "feature")
    hostile = "Done <script>alert(1)</script> | *see* [x](javascript:alert(1)) @everyone"
    r.write(
        "answers/alpha.yaml",
        team_yaml("alpha", "Alpha", {"b1": "yes", "r1": "yes", "b2": f"yes|{hostile}", "r2": "yes"}, ("@org/alpha",)),
    )
    r.write("answers/beta.yaml", team_yaml("beta", "Beta", {"b1": "yes", "r1": "partial|Alerts are manual"}, ("@bob",), rub="2"))
    r.remove("answers/gamma.yaml")
    r.write("answers/ml/gamma.yaml", team_yaml("gamma", "Gamma", {"b1": "no"}))
    r.remove("answers/old.yaml")
    r.write("answers/new.yaml", team_yaml("new", "New team", {"b1": "yes"}))
    r.remove("answers/delta.yaml")
    r.write("answers/delta-ml.yaml", team_yaml("delta-ml", "Delta", {"b1": "partial"}))
    r.write("README.md", "# Assessments\n\nMore words.\n")
    r.commit("feature changes")
