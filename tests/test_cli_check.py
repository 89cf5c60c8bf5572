"""``itpm-site check`` and the command line around it: exit codes, formats, defaults, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from itpm_site import __version__
from itpm_site.cli import EXIT_INTERNAL, cli, main
from itpm_site.load.diagnostics import Summary, format_github, format_json
from itpm_site.load.portfolio import load_portfolio

pytestmark = pytest.mark.usefixtures("plain_env")

CLEAN = textwrap.dedent("""\
    ---
    title: Customer Portal
    phase: implementation
    status: green
    owner: Nino Beridze
    category: software
    start: 2026-01-01
    end: 2026-06-30
    summary: A new portal.
    ---
    Body.
    """)
WARNING_ONLY = CLEAN.replace("summary: A new portal.\n", "")
ERROR = CLEAN.replace("phase: implementation", "phase: Executon")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str | Path):
    return runner.invoke(cli, [str(a) for a in args], prog_name="itpm-site", catch_exceptions=False)


@pytest.fixture
def portfolio(tmp_path, write_portfolio):
    def make(*texts: str) -> Path:
        # Each file a title of its own: one title in two files is an error of its own.
        return write_portfolio(
            tmp_path,
            {
                f"content/projects/p{i}.md": text.replace("Customer Portal", f"Customer Portal {i}")
                for i, text in enumerate(texts)
            },
        )

    return make


# ------------------------------------------------------------------------------ exit codes


def test_clean_portfolio_exits_0(runner, portfolio):
    root = portfolio(CLEAN)
    result = run(runner, "check", "--root", root)
    assert result.exit_code == 0
    assert result.stdout == "0 errors, 0 warnings in 1 file checked\n"
    assert result.stderr == ""


def test_errors_exit_1(runner, portfolio):
    root = portfolio(CLEAN, ERROR)
    result = run(runner, "check", "--root", root)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "content/projects/p1.md:3:8: error: phase: 'Executon' is not a phase; "
        "did you mean 'implementation'?\n"
    )
    assert result.stdout.endswith("1 error, 0 warnings in 2 files checked\n")


@pytest.mark.parametrize(
    ("texts", "strict", "code"),
    [
        ((CLEAN,), False, 0),
        ((CLEAN,), True, 0),
        ((WARNING_ONLY,), False, 0),
        ((WARNING_ONLY,), True, 1),
        ((ERROR,), False, 1),
        ((ERROR, WARNING_ONLY), True, 1),
    ],
)
def test_strict_fails_on_warnings(runner, portfolio, texts, strict, code):
    root = portfolio(*texts)
    result = run(runner, "check", "--root", root, *(["--strict"] if strict else []))
    assert result.exit_code == code


def test_warning_only_output(runner, portfolio):
    result = run(runner, "check", "--root", portfolio(WARNING_ONLY), "--strict")
    assert result.stdout.splitlines() == [
        "content/projects/p0.md:1:1: warning: summary: recommended field 'summary' is missing",
        "  1 | ---",
        "    | ^~~",
        "  = help: add 'summary: …' so the project shows up fully in rollups",
        "",
        "0 errors, 1 warning in 1 file checked",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--no-such-option"],
        ["check", "--format", "xml"],
        ["no-such-command"],
        ["check", "extra-argument"],
    ],
)
def test_usage_errors_exit_2(runner, portfolio, args):
    root = portfolio(CLEAN)
    result = runner.invoke(cli, [*args, "--root", str(root)])
    assert result.exit_code == 2
    assert "Usage:" in result.stderr
    assert result.stdout == ""


def test_missing_root_folder_exits_2(runner, tmp_path):
    result = run(runner, "check", "--root", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"itpm-site: error: no 'content/' folder in {tmp_path / 'nowhere'}: is this a portfolio? "
        "(use --root DIR, or create one with 'itpm-site init DIR')\n"
    )


def test_folder_without_content_exits_2(runner, tmp_path):
    (tmp_path / "site.yaml").write_text("title: X\n")
    result = run(runner, "check", "--root", tmp_path)
    assert result.exit_code == 2
    assert "no 'content/' folder in" in result.stderr


def test_root_that_is_a_file_exits_2(runner, tmp_path):
    (tmp_path / "file.txt").write_text("x")
    result = runner.invoke(cli, ["check", "--root", str(tmp_path / "file.txt")])
    assert result.exit_code == 2
    assert "is a file" in result.stderr


def test_empty_content_folder_is_fine(runner, tmp_path):
    (tmp_path / "content").mkdir()
    result = run(runner, "check", "--root", tmp_path)
    assert result.exit_code == 0
    assert result.stdout == "0 errors, 0 warnings in 0 files checked\n"


def test_every_problem_of_every_file_in_one_run(runner, tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": ERROR,
            "content/projects/b.md": "---\ntitle: Phase 2: rollout\n---\n",
            "content/projects/c.md": b"\xff\xfe",
            "content/projects/d.md": CLEAN.replace("Customer Portal", "Partner Portal"),
        },
    )
    result = run(runner, "check", "--root", tmp_path, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert sorted({d["path"] for d in data["diagnostics"]}) == [
        "content/projects/a.md",
        "content/projects/b.md",
        "content/projects/c.md",
    ]
    assert data["summary"] == {"errors": 3, "warnings": 0, "files": 4}


# ------------------------------------------------------------------------------ formats


def test_format_json_is_the_json_of_the_diagnostics(runner, portfolio):
    root = portfolio(ERROR, WARNING_ONLY)
    result = run(runner, "check", "--root", root, "--format", "json")
    loaded = load_portfolio(root)
    assert result.stdout == format_json(loaded.diagnostics, Summary.of(loaded.diagnostics, loaded.files))
    assert json.loads(result.stdout)["summary"] == {"errors": 1, "warnings": 1, "files": 2}


def test_format_github(runner, portfolio):
    root = portfolio(ERROR)
    result = run(runner, "check", "--root", root, "--format", "github")
    loaded = load_portfolio(root)
    assert result.stdout == format_github(loaded.diagnostics, Summary.of(loaded.diagnostics, loaded.files))
    assert result.stdout.startswith("::error file=content/projects/p0.md,line=3,col=8,")


def test_quiet_prints_nothing_when_clean_and_problems_otherwise(runner, portfolio, tmp_path):
    root = portfolio(CLEAN)
    assert run(runner, "check", "--root", root, "--quiet").stdout == ""
    (root / "content/projects/p1.md").write_text(ERROR)
    result = run(runner, "check", "--root", root, "-q")
    assert result.exit_code == 1
    assert "error: phase:" in result.stdout


def test_no_colour_when_not_a_terminal(runner, portfolio, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    result = run(runner, "check", "--root", portfolio(ERROR))
    assert "\x1b[" not in result.stdout


def test_force_color(runner, portfolio, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run(runner, "check", "--root", portfolio(ERROR))
    assert "\x1b[" in result.stdout
    assert click.unstyle(result.stdout) == run_plain(runner, portfolio(ERROR), monkeypatch)


def run_plain(runner, root, monkeypatch):
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    return run(runner, "check", "--root", root).stdout


# ------------------------------------------------------------------------------ defaults


def _params(command: click.Command) -> dict[str, click.Parameter]:
    return {p.name: p for p in command.params}


def test_check_option_defaults():
    params = _params(cli.get_command(click.Context(cli), "check"))
    assert params["fmt"].default == "human"
    assert params["fmt"].opts == ["--format"]
    assert list(params["fmt"].type.choices) == ["human", "github", "json"]
    assert params["strict"].default is False
    assert params["strict"].is_flag
    assert params["root"].default == Path(".")
    assert params["quiet"].default is False
    assert params["verbose"].default is False


def test_root_defaults_to_the_current_folder(runner, portfolio, monkeypatch):
    root = portfolio(ERROR)
    monkeypatch.chdir(root)
    result = run(runner, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("content/projects/p0.md:3:8: error: phase:")


def test_format_defaults_to_human(runner, portfolio):
    root = portfolio(ERROR)
    assert (
        run(runner, "check", "--root", root).stdout
        == run(runner, "check", "--root", root, "--format", "human").stdout
    )


def test_help_shows_the_defaults(runner):
    result = run(runner, "check", "--help")
    text = " ".join(result.stdout.split())
    assert "--format [human|github|json]" in text
    assert "[default: human]" in text
    assert "--root DIRECTORY" in text and "[default: .]" in text
    assert "--strict" in text


# ------------------------------------------------------------------------------ version and help


def test_version(runner):
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout == f"itpm-site, version {__version__}\n"


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


ALL_COMMANDS = [(), *_all_commands(cli)]


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "itpm-site")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_on_every_command(runner, path, flag):
    result = run(runner, *path, flag)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: itpm-site {' '.join(path)}".rstrip() + " ")
    assert "Options:" in result.stdout


def test_the_foundation_commands_are_there():
    assert {"check", "new", "schema"} <= set(cli.list_commands(click.Context(cli)))
    assert "project" in cli.get_command(click.Context(cli), "new").commands


# ------------------------------------------------------------------------------ main()


def test_internal_error_is_one_line_and_exit_70(monkeypatch, capsys, tmp_path):
    def boom(root):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("itpm_site.commands.check.load_portfolio", boom)
    monkeypatch.setattr(sys, "argv", ["itpm-site", "check", "--root", str(tmp_path)])
    monkeypatch.delenv("ITPM_SITE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == EXIT_INTERNAL == 70
    assert capsys.readouterr().err == (
        "itpm-site: internal error: RuntimeError: kaboom\n"
        "This is a bug in itpm-site. Run again with ITPM_SITE_DEBUG=1 for details.\n"
    )


def test_internal_error_with_debug_raises(monkeypatch, tmp_path):
    def boom(root):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("itpm_site.commands.check.load_portfolio", boom)
    monkeypatch.setattr(sys, "argv", ["itpm-site", "check", "--root", str(tmp_path)])
    monkeypatch.setenv("ITPM_SITE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="kaboom"):
        main()


@pytest.mark.parametrize(
    ("args", "code"),
    [(["check"], 1), (["check", "--strict"], 1), (["--version"], 0), (["check", "--bogus"], 2)],
)
def test_main_exit_codes(monkeypatch, portfolio, capsys, args, code):
    root = portfolio(ERROR)
    monkeypatch.setattr(
        sys, "argv", ["itpm-site", *args, "--root", str(root)] if args[0] == "check" else ["itpm-site", *args]
    )
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == code


# ------------------------------------------------------------------------------ real processes


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "ITPM_SITE_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "itpm_site", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_python_dash_m_check(portfolio):
    root = portfolio(CLEAN, ERROR, WARNING_ONLY)
    done = _python("check", cwd=root)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("content/projects/p1.md:3:8: error: phase: 'Executon'")
    assert done.stdout.endswith("1 error, 1 warning in 3 files checked\n")
    assert "\x1b[" not in done.stdout  # a pipe is not a terminal


def test_python_dash_m_exit_codes(portfolio, tmp_path):
    root = portfolio(WARNING_ONLY)
    assert _python("check", "--root", str(root), cwd=tmp_path).returncode == 0
    strict = _python("check", "--root", str(root), "--strict", "--format", "json", cwd=tmp_path)
    assert strict.returncode == 1
    assert json.loads(strict.stdout)["summary"]["warnings"] == 1
    usage = _python("check", "--root", str(tmp_path / "missing"), cwd=tmp_path)
    assert usage.returncode == 2
    assert "no 'content/' folder" in usage.stderr
    version = _python("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"itpm-site, version {__version__}\n")
