"""The three output formats of diagnostics, against golden files.

The golden files in tests/golden/diagnostics/ are the exact output of ``itpm-site check`` for
the small broken portfolio below, in each format. After an intended change of the output,
regenerate them and review the diff before committing:

    pytest tests/test_diagnostics_formats.py --update-golden
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from goldenfiles import check_golden

from itpm_site.cli import cli
from itpm_site.load.diagnostics import (
    JSON_FORMAT_VERSION,
    Summary,
    format_github,
    format_human,
    format_json,
    sort_diagnostics,
    use_color,
)
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.diagnostic import Diagnostic, Severity

pytestmark = pytest.mark.usefixtures("plain_env")

GOLDEN = Path(__file__).parent / "golden" / "diagnostics"

# A small, fixed, broken portfolio: errors and warnings, a caret under a value, Georgian text,
# a file that is not UTF-8 (no source line), a YAML syntax error, and a path and a message
# with the characters GitHub needs escaped ('%', ':', ',').
BROKEN_PORTFOLIO: dict[str, str | bytes] = {
    "site.yaml": "title: Golden\ncurrency: USD\n",
    "content/projects/crm.md": textwrap.dedent("""\
        ---
        title: CRM upgrade
        phase: Executon
        owner: Nino Beridze
        ownr: Nino
        status: green
        summary: Replace the CRM.
        category: software
        start: 2026-03-01
        end: 2026-02-01
        budget:
          planned: 1,5
          currency: euro
        risks:
          - title: Vendor is late
            probability: 7
            impact: 3
        ---
        Body.
        """),
    "content/projects/georgian.md": textwrap.dedent("""\
        ---
        title: პორტალი
        phase: დახურვა
        owner: ნინო ბერიძე
        status: green
        summary: ვებ-პორტალი
        category: ვებ
        start: 2026-01-01
        end: 2026-12-31
        ---
        """),
    "content/projects/100%-cloud, phase 1.md": textwrap.dedent("""\
        ---
        title: "100% cloud, phase 1"
        phase: closure
        owner: Luka
        status: amber
        summary: Move the last servers.
        category: network-cloud
        start: 2026-01-01
        end: 2026-03-31
        risks:
          - title: "Licence audit: 50%, maybe"
            probability: 3
            impact: 4
        ---
        """),
    "content/projects/rollout.md": "---\ntitle: Phase 2: rollout\nphase: planning\n---\n",
    "content/projects/latin1.md": b"---\ntitle: Caf\xe9\nphase: planning\nowner: O\n---\n",
}


@pytest.fixture
def broken(tmp_path, write_portfolio):
    write_portfolio(tmp_path, BROKEN_PORTFOLIO)
    result = load_portfolio(tmp_path)
    return result.diagnostics, Summary.of(result.diagnostics, result.files)


def test_golden_human(request, broken):
    diagnostics, summary = broken
    check_golden(request, GOLDEN / "check.human.txt", format_human(diagnostics, summary, color=False))


def test_golden_github(request, broken):
    diagnostics, summary = broken
    check_golden(request, GOLDEN / "check.github.txt", format_github(diagnostics, summary))


def test_golden_json(request, broken):
    diagnostics, summary = broken
    check_golden(request, GOLDEN / "check.json", format_json(diagnostics, summary))


@pytest.mark.parametrize(
    ("fmt", "name"), [("human", "check.human.txt"), ("github", "check.github.txt"), ("json", "check.json")]
)
def test_check_command_prints_the_golden_output(tmp_path, write_portfolio, fmt, name):
    write_portfolio(tmp_path, BROKEN_PORTFOLIO)
    result = CliRunner().invoke(
        cli, ["check", "--root", str(tmp_path), "--format", fmt], prog_name="itpm-site"
    )
    assert result.exit_code == 1
    assert result.stdout == (GOLDEN / name).read_text(encoding="utf-8")


def test_the_portfolio_covers_what_the_formats_must_handle(broken):
    diagnostics, summary = broken
    assert summary.errors and summary.warnings
    assert summary.files == 6
    assert {d.path for d in diagnostics} == {
        "content/projects/crm.md",
        "content/projects/georgian.md",
        "content/projects/100%-cloud, phase 1.md",
        "content/projects/rollout.md",
        "content/projects/latin1.md",
    }
    latin1 = next(d for d in diagnostics if d.path.endswith("latin1.md"))
    assert latin1.source_line == "title: Caf\ufffd"  # shown with a replacement character
    assert any("%" in d.message and ":" in d.message and "," in d.message for d in diagnostics)


# ------------------------------------------------------------------------------ human


def test_human_is_compiler_style_with_a_caret_under_the_value():
    d = Diagnostic(
        "content/projects/crm.md",
        7,
        8,
        Severity.ERROR,
        "phase",
        "'Execution' is not a phase; did you mean 'implementation'?",
        hint="use one of: a, b",
        code="phase",
        length=9,
        source_line="phase: Execution",
    )
    assert format_human([d], Summary(1, 0, 1)) == (
        "content/projects/crm.md:7:8: error: phase: 'Execution' is not a phase; "
        "did you mean 'implementation'?\n"
        "  7 | phase: Execution\n"
        "    |        ^~~~~~~~~\n"
        "  = help: use one of: a, b\n"
        "\n"
        "1 error, 0 warnings in 1 file checked\n"
    )


def test_human_caret_never_runs_past_the_line_and_gutter_widens():
    d = Diagnostic("a.md", 120, 7, Severity.WARNING, "", "m", length=50, source_line="phase:")
    assert format_human([d], Summary(0, 1, 2)).splitlines() == [
        "a.md:120:7: warning: m",
        "  120 | phase:",
        "      |       ^",
        "",
        "0 errors, 1 warning in 2 files checked",
    ]


def test_human_shows_tabs_as_one_visible_column():
    d = Diagnostic("a.md", 4, 1, Severity.ERROR, "", "tab", length=1, source_line="\towner: O")
    lines = format_human([d], Summary(1, 0, 1)).splitlines()
    assert lines[1:3] == ["  4 | →owner: O", "    | ^"]


def test_human_with_nothing_to_report():
    assert format_human([], Summary(0, 0, 3)) == "0 errors, 0 warnings in 3 files checked\n"


def test_human_colour_only_when_asked(broken):
    diagnostics, summary = broken
    assert "\x1b[" not in format_human(diagnostics, summary, color=False)
    assert "\x1b[" in format_human(diagnostics, summary, color=True)


@pytest.mark.parametrize(
    ("env", "isatty", "expected"),
    [
        ({}, False, False),
        ({}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_color(monkeypatch, env, isatty, expected):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    class Stream:
        def isatty(self):
            return isatty

    assert use_color(Stream()) is expected


# ------------------------------------------------------------------------------ github


def test_github_workflow_commands_are_escaped():
    d = Diagnostic(
        "content/projects/a,b:c%.md",
        3,
        5,
        Severity.WARNING,
        "risks[0].status",
        "risk 'Audit: 50%, maybe'\r\nis open",
        hint="close it: now",
        code="x",
    )
    assert format_github([d], Summary(0, 1, 1)) == (
        "::warning file=content/projects/a%2Cb%3Ac%25.md,line=3,col=5,"
        "title=itpm-site%3A risks[0].status::risk 'Audit: 50%25, maybe'%0D%0Ais open"
        "%0Ahelp: close it: now\n"
        "0 errors, 1 warning in 1 file checked\n"
    )


def test_github_without_field_or_hint():
    d = Diagnostic("a.md", 1, 1, Severity.ERROR, "", "the file is empty")
    assert format_github([d], Summary(1, 0, 1)).splitlines()[0] == (
        "::error file=a.md,line=1,col=1,title=itpm-site::the file is empty"
    )


def test_github_every_line_but_the_last_is_a_command(broken):
    diagnostics, summary = broken
    lines = format_github(diagnostics, summary).splitlines()
    assert len(lines) == len(diagnostics) + 1
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines[:-1])


# ------------------------------------------------------------------------------ json


def test_json_shape(broken):
    diagnostics, summary = broken
    data = json.loads(format_json(diagnostics, summary))
    assert data["version"] == JSON_FORMAT_VERSION == 1
    assert data["summary"] == {"errors": summary.errors, "warnings": summary.warnings, "files": 6}
    assert len(data["diagnostics"]) == len(diagnostics)
    for item in data["diagnostics"]:
        assert list(item) == [
            "path",
            "line",
            "column",
            "severity",
            "field",
            "message",
            "hint",
            "code",
            "length",
        ]
        assert item["severity"] in ("error", "warning")
    assert "პორტალი" in format_json(diagnostics, summary) or any(
        "დახურვა" in d["message"] for d in data["diagnostics"]
    )  # not \u-escaped


def test_json_with_nothing_to_report():
    assert json.loads(format_json([], Summary(0, 0, 0))) == {
        "version": 1,
        "summary": {"errors": 0, "warnings": 0, "files": 0},
        "diagnostics": [],
    }


# ------------------------------------------------------------------------------ model


def test_headline():
    d = Diagnostic("a.md", 2, 3, Severity.WARNING, "ownr", "unknown key 'ownr'")
    assert d.headline() == "a.md:2:3: warning: ownr: unknown key 'ownr'"
    assert Diagnostic("a.md", 1, 1, Severity.ERROR, "", "empty").headline() == ("a.md:1:1: error: empty")


def test_sorting_is_by_path_then_position():
    def d(path, line, column, message="m"):
        return Diagnostic(path, line, column, Severity.ERROR, "", message)

    items = [
        d("b.md", 1, 1),
        d("A.md", 9, 1),
        d("a.md", 10, 2),
        d("a.md", 10, 1, "z"),
        d("a.md", 10, 1, "a"),
        d("a.md", 2, 5),
    ]
    assert [(x.path, x.line, x.column, x.message) for x in sort_diagnostics(items)] == [
        ("A.md", 9, 1, "m"),
        ("a.md", 2, 5, "m"),
        ("a.md", 10, 1, "a"),
        ("a.md", 10, 1, "z"),
        ("a.md", 10, 2, "m"),
        ("b.md", 1, 1, "m"),
    ]


@pytest.mark.parametrize(
    ("summary", "sentence"),
    [
        (Summary(0, 0, 0), "0 errors, 0 warnings in 0 files checked"),
        (Summary(1, 1, 1), "1 error, 1 warning in 1 file checked"),
        (Summary(2, 3, 4), "2 errors, 3 warnings in 4 files checked"),
    ],
)
def test_summary_sentence(summary, sentence):
    assert summary.sentence() == sentence


def test_summary_of_counts_errors_and_warnings():
    items = [
        Diagnostic("a", 1, 1, Severity.ERROR, "", "x"),
        Diagnostic("a", 2, 1, Severity.WARNING, "", "y"),
        Diagnostic("a", 3, 1, Severity.WARNING, "", "z"),
    ]
    assert Summary.of(items, 7) == Summary(1, 2, 7)
