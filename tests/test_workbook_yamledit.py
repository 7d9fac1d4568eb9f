"""The answer-file editor: changes land exactly where intended, everything else stays byte for byte."""

from __future__ import annotations

import pytest
from test_workbook_support import PROJECT, load

from generator.answers import read_team
from generator.problems import Problems
from generator.workbook import layout as L
from generator.workbook.yamledit import Entry, dq, edit_answers

PROJ = load(PROJECT)
ORDER = {fid: [s.id for s in fw.statements] for fid, fw in PROJ.frameworks.items()}
HEAD = "team: t\nname: T\n"


def same(fid: str, sid: str, written: str, value: str) -> bool:
    fw = PROJ.frameworks[fid]
    return L.parse_answer(fw, fw.by_id[sid], written) == value


def edit(text: str, edits: dict[str, dict[str, Entry]]) -> str:
    out = edit_answers(text, edits, ORDER, same)
    problems = Problems()
    from pathlib import Path

    team = read_team(
        Path("t.yaml"), PROJ.frameworks, problems, data=out.encode("utf-8-sig" if out.startswith("\ufeff") else "utf-8")
    )
    assert team is not None, (problems.sorted(), out)
    for fid, entries in edits.items():
        for sid, e in entries.items():
            a = team.frameworks[fid].answers[sid]
            assert (a.value, a.note, a.evidence) == (e.value, e.note, e.evidence), out
    return out


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a short answer keeps its quoting style
        (
            HEAD + "frameworks:\n  scale-demo:\n    answers:\n      '1.1': 'no'  # why\n",
            HEAD + "frameworks:\n  scale-demo:\n    answers:\n      '1.1': 'yes'  # why\n",
        ),
        (
            HEAD + "frameworks:\n  scale-demo:\n    answers:\n      1.1: no\n",
            HEAD + "frameworks:\n  scale-demo:\n    answers:\n      1.1: yes\n",
        ),
        # no frameworks yet; no trailing newline
        (HEAD.rstrip("\n"), HEAD + 'frameworks:\n  scale-demo:\n    answers:\n      "1.1": "yes"\n'),
        (HEAD + "frameworks:\n", HEAD + 'frameworks:\n  scale-demo:\n    answers:\n      "1.1": "yes"\n'),
        (HEAD + "frameworks: {}\n", HEAD + 'frameworks: {scale-demo: {answers: {"1.1": "yes"}}}\n'),
        (
            HEAD + "frameworks:\n  scale-demo:\n    answers: ~\n",
            HEAD + 'frameworks:\n  scale-demo:\n    answers: \n      "1.1": "yes"\n',
        ),
        (
            HEAD + "frameworks:\n  scale-demo:\n    target: 50%\n",
            HEAD + 'frameworks:\n  scale-demo:\n    target: 50%\n    answers:\n      "1.1": "yes"\n',
        ),
        (
            HEAD + "frameworks:\n    scale-demo: {target: 50%}\n",
            HEAD + 'frameworks:\n    scale-demo: {target: 50%, answers: {"1.1": "yes"}}\n',
        ),
        (
            HEAD + 'frameworks:\n  scale-demo:\n    answers: {"1.2": no}\n',
            HEAD + 'frameworks:\n  scale-demo:\n    answers: {"1.2": no, "1.1": "yes"}\n',
        ),
        # CRLF line ends are kept for new lines too
        (
            HEAD.replace("\n", "\r\n") + "frameworks:\r\n  levels-demo:\r\n    answers:\r\n      d2: no\r\n",
            HEAD.replace("\n", "\r\n") + 'frameworks:\r\n  levels-demo:\r\n    answers:\r\n      d1: "yes"\r\n      d2: no\r\n',
        ),
    ],
)
def test_short_answers(before: str, after: str) -> None:
    entry = Entry("yes")
    sid = "d1" if "levels-demo" in before else "1.1"
    fid = "levels-demo" if "levels-demo" in before else "scale-demo"
    assert edit(before, {fid: {sid: entry}}) == after


def test_long_form_edits_touch_only_their_lines() -> None:
    before = (
        HEAD + "frameworks:\n  levels-demo:\n    answers:\n"
        "      d1:   # first\n        answer: yes\n        note: old note  # keep me? no, the note changed\n"
        "        evidence:\n          - docs/a.md\n        assessed: 2026-01-02\n"
        "      # a comment before d2\n      d2: partial\n"
    )
    out = edit(before, {"levels-demo": {"d1": Entry("yes", "new note", ("docs/a.md",)), "d2": Entry("partial", "two\nlines")}})
    assert out == (
        HEAD + "frameworks:\n  levels-demo:\n    answers:\n"
        '      d1:   # first\n        answer: yes\n        note: "new note"  # keep me? no, the note changed\n'
        "        evidence:\n          - docs/a.md\n        assessed: 2026-01-02\n"
        "      # a comment before d2\n      d2:\n        answer: partial\n        note: |-\n          two\n          lines\n"
    )
    out2 = edit(out, {"levels-demo": {"d1": Entry("no", "", ()), "d2": Entry("partial", "two\nlines", ("https://x.example/y",))}})
    assert out2 == (
        HEAD + "frameworks:\n  levels-demo:\n    answers:\n"
        "      d1:   # first\n        answer: no\n        assessed: 2026-01-02\n"
        "      # a comment before d2\n      d2:\n        answer: partial\n        note: |-\n          two\n          lines\n"
        "        evidence:\n          - https://x.example/y\n"
    )


def test_awkward_notes_are_quoted_safely() -> None:
    for note in ('says "hi" \\ there', "tab\there", "line\u2028sep", "x\x85y", " lead", "a: b # c", "\u00e9t\u00e9 \U0001f600"):
        edit(
            HEAD + "frameworks:\n  scale-demo:\n    answers:\n      '1.1': yes\n",
            {"scale-demo": {"1.1": Entry("yes", note.strip())}},
        )
    assert dq("a\u2028b\x7f") == '"a\\u2028b\\x7f"'


def test_bom_is_kept(tmp_path: object) -> None:
    text = "\ufeff" + HEAD + "frameworks:\n  scale-demo:\n    answers:\n      '1.1': yes\n"
    out = edit(text, {"scale-demo": {"1.2": Entry("no")}})
    assert out.startswith("\ufeff" + HEAD) and out.endswith("'1.1': yes\n      '1.2': \"no\"\n")
