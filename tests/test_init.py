"""``itpm-site init``: a new portfolio repository that checks, builds and deploys out of the box."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from itpm_site import __version__
from itpm_site.build import BuildOptions, build_site
from itpm_site.cli import cli
from itpm_site.commands import init as init_command
from itpm_site.commands.init_templates import COMMENT_MARKER
from itpm_site.commands.install_source import InstallLine

pytestmark = pytest.mark.usefixtures("plain_env")

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-03-01"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("init") / "my-portfolio"
    # As installed from PyPI (test_install_source covers the other ways).
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(init_command, "install_line", lambda: InstallLine(f"itpm-site=={__version__}", "index"))
        args = ["--as-of", AS_OF, "--owner", "Nino Beridze", "--title", "Acme: IT portfolio"]
        result = CliRunner().invoke(cli, ["init", str(target), *args])
    assert result.exit_code == 0, result.output
    assert "created .github/workflows/portfolio.yml" in result.output
    return target


def workflow(portfolio: Path) -> dict:
    return yaml.safe_load((portfolio / ".github/workflows/portfolio.yml").read_text("utf-8"))


def steps(job: dict) -> list[dict]:
    return job["steps"]


def test_the_files(portfolio):
    found = sorted(
        rel
        for p in portfolio.rglob("*")
        if p.is_file() and not (rel := p.relative_to(portfolio).as_posix()).startswith(".git/")
    )
    assert found == [
        ".github/CODEOWNERS",
        ".github/dependabot.yml",
        ".github/workflows/portfolio.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        "README.md",
        "content/pages/about.md",
        "content/programs/digital-workplace.md",
        "content/projects/network-refresh.md",
        "content/projects/sales-dashboard.md",
        "content/projects/service-desk-virtual-agent.md",
        "site.yaml",
    ]
    assert "/public/" in (portfolio / ".gitignore").read_text().splitlines()


def test_passes_check_strict(portfolio):
    result = CliRunner().invoke(cli, ["check", "--root", str(portfolio), "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_builds_with_three_phases(portfolio, tmp_path):
    result = build_site(
        BuildOptions(
            root=portfolio, output=tmp_path / "public", as_of=dt.date.fromisoformat(AS_OF), search=False
        )
    )
    assert result.ok, [d.headline() for d in result.diagnostics]
    portfolio_view = result.site.portfolio
    assert portfolio_view.config.title == "Acme: IT portfolio"
    assert sorted(p.project.phase.value for p in portfolio_view.projects) == [
        "closure",
        "implementation",
        "initiation",
    ]
    assert (tmp_path / "public/about/index.html").is_file()
    assert (tmp_path / "public/portfolio.json").is_file()


def _commands(wf: dict) -> list[tuple[str, dict]]:
    """(itpm-site command line, its step) for every run step of every job."""
    found = []
    for job in wf["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                if line.strip().startswith("itpm-site "):
                    found.append((line.strip(), step))
    return found


def test_workflow_calls_real_commands_with_real_flags(portfolio):
    commands = _commands(workflow(portfolio))
    lines = [line for line, _ in commands]
    assert "itpm-site check --format github" in lines
    assert any(line.startswith('itpm-site diff "$BASE_SHA"') for line in lines)
    assert 'itpm-site build --base-url "$BASE_URL"' in lines
    for line, _ in commands:
        words = shlex.split(line.split(">")[0])
        command = cli.get_command(click.Context(cli), words[1])
        options = {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}
        for word in words[2:]:
            if word.startswith("--"):
                assert word in options, f"{line}: {word} is not an option of {words[1]}"
        # the line parses with the real command's parser
        ctx = command.make_context(
            words[1],
            [w.replace("$BASE_SHA", "abc").replace("$BASE_URL", "https://a.github.io/r") for w in words[2:]],
            resilient_parsing=True,
        )
        assert ctx is not None


def test_workflow_pull_request_job(portfolio):
    wf = workflow(portfolio)
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert set(on) >= {"pull_request", "push"}
    assert wf["env"]["ITPM_SITE"] == f"itpm-site=={__version__}"
    check = wf["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert check["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout = steps(check)[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("run") == 'python -m pip install "$ITPM_SITE"' for s in steps(check))
    diff_step = next(s for s in steps(check) if "itpm-site diff" in s.get("run", ""))
    assert diff_step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert "success() || failure()" in diff_step["if"]
    comment = next(s for s in steps(check) if s.get("uses", "").startswith("actions/github-script"))
    script = comment["with"]["script"]
    assert COMMENT_MARKER in script and "updateComment" in script and "createComment" in script


def test_workflow_deploys_to_pages(portfolio):
    wf = workflow(portfolio)
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert build["if"] == "github.event_name != 'pull_request'"
    pages = next(s for s in steps(build) if s.get("uses", "").startswith("actions/configure-pages@"))
    build_step = next(s for s in steps(build) if "itpm-site build" in s.get("run", ""))
    assert build_step["env"]["BASE_URL"] == f"${{{{ steps.{pages['id']}.outputs.base_url }}}}"
    upload = steps(build)[-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@")
    assert upload["with"]["path"] == "public"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    step = steps(deploy)[0]
    assert step["uses"].startswith("actions/deploy-pages@")
    assert deploy["environment"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"
    assert wf["permissions"] == {"contents": "read"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_new_folder_becomes_a_repository(tmp_path):
    """The pull-request workflow and the history pages need one."""
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "pf"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pf" / ".git").is_dir()
    assert "initialised a git repository" in result.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_folder_inside_a_repository_is_left_to_it(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "portfolio"), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "portfolio" / ".git").exists()
    assert "inside a git repository already" in result.output


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "site.yaml").write_text("title: Mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert not (tmp_path / "content").exists()
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--force", "--as-of", AS_OF])
    assert result.exit_code == 0
    assert "skipped site.yaml (exists)" in result.output
    assert (tmp_path / "site.yaml").read_text(encoding="utf-8") == "title: Mine\n"
    assert (tmp_path / "content/projects/network-refresh.md").is_file()


def test_pre_commit_hook_names_a_real_command():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "itpm-site-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    program, command = shlex.split(hook["entry"])
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert program in scripts and command in cli.list_commands(click.Context(cli))
    files = re.compile(hook["files"])
    assert files.search("content/projects/a.md") and files.search("site.yaml")
    assert not files.search("README.md") and not files.search("docs/site.yaml.bak")


def test_rejects_an_unknown_currency(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "pf"), "--currency", "XQZ"])
    assert result.exit_code == 2 and "ISO 4217" in result.stderr
    assert not (tmp_path / "pf").exists()


# ------------------------------------------------------------------ hardening (issue 13)

#: A theme template as a pull-request author could add it: unsandboxed Jinja reaches os.system.
HOSTILE_TEMPLATE = """{{ cycler.__init__.__globals__.os.system('touch "' ~ marker ~ '"') }}
{% block content %}{% endblock %}
"""

PINNED = re.compile(r"(?P<action>[\w.-]+/[\w.-]+)@(?P<sha>[0-9a-f]{40})  # v\d+\.\d+\.\d+")


def test_every_action_is_pinned_to_a_commit_with_its_version(portfolio):
    text = (portfolio / ".github/workflows/portfolio.yml").read_text(encoding="utf-8")
    uses = [line.split("uses:", 1)[1].strip() for line in text.splitlines() if "uses:" in line]
    assert len(uses) == 8
    for use in uses:
        assert PINNED.fullmatch(use), f"not pinned to a commit with its version: {use}"
    # dependabot keeps the pins current
    dependabot = yaml.safe_load((portfolio / ".github/dependabot.yml").read_text("utf-8"))
    assert dependabot["updates"][0]["package-ecosystem"] == "github-actions"


def test_no_checkout_keeps_the_token(portfolio):
    checkouts = [
        s
        for job in workflow(portfolio)["jobs"].values()
        for s in steps(job)
        if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert len(checkouts) == 2
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_zizmor_finds_nothing(portfolio):
    """The GitHub Actions static analyser, offline, over init's workflow and dependabot file,
    and over this repository's own workflows and dependabot file."""
    beside_python = Path(sys.executable).parent  # a virtual environment not activated
    zizmor = shutil.which("zizmor", path=os.pathsep.join([str(beside_python), os.environ.get("PATH", "")]))
    assert zizmor, "zizmor is in the test extra"
    targets = [portfolio / ".github"]
    if (REPO / ".github").is_dir():
        targets.append(REPO / ".github")
    run = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--format", "json", *map(str, targets)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout) == []


def test_pull_request_job_runs_only_check_and_diff(portfolio):
    check = workflow(portfolio)["jobs"]["check"]
    run = [line.strip() for s in steps(check) for line in s.get("run", "").splitlines()]
    commands = {shlex.split(line)[1] for line in run if line.startswith("itpm-site ")}
    assert commands == {"check", "diff"}
    others = [line for line in run if line and not line.startswith("itpm-site ")]
    assert others == ['python -m pip install "$ITPM_SITE"', 'cat portfolio-diff.md >> "$GITHUB_STEP_SUMMARY"']


def test_check_and_diff_never_render_a_pull_requests_theme(portfolio, tmp_path):
    """A theme template runs code when rendered (the trust model: themes are code); the two
    commands a pull request runs load no template at all."""
    pr = tmp_path / "pr"
    shutil.copytree(portfolio, pr)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(pr)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    marker = tmp_path / "template-ran"
    theme = pr / "themes/evil/templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text(HOSTILE_TEMPLATE.replace("marker", repr(str(marker))), encoding="utf-8")
    with (pr / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("theme: evil\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "a pull request"], check=True)
    for args in (["check", "--format", "github"], ["diff", "HEAD~1"]):
        done = subprocess.run(
            [sys.executable, "-m", "itpm_site", *args, "--root", str(pr)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert not marker.exists(), f"{args[0]} rendered the pull request's template"
    # The fixture is really hostile: a build (which the PR workflow never runs) runs it.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "itpm_site",
            "build",
            "--root",
            str(pr),
            "-q",
            "--no-search",
            "--output",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        timeout=120,
    )
    assert marker.exists()


def test_codeowners_guard_what_runs_as_code(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "pf"), "--as-of", AS_OF, "--maintainer", "@acme/pmo", "--maintainer", "nino"],
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "pf/.github/CODEOWNERS").read_text(encoding="utf-8")
    rules = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    assert rules == [[path, "@acme/pmo", "@nino"] for path in ("/themes/", "/site.yaml", "/.github/")]


def test_codeowners_without_maintainers_says_what_to_replace(portfolio):
    text = (portfolio / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "# Replace @your-org/portfolio-maintainers" in text
    assert "/themes/    @your-org/portfolio-maintainers" in text


@pytest.mark.parametrize("maintainer", ["a b", "@x\n* @evil", "@"])
def test_rejects_a_maintainer_that_is_not_a_handle(tmp_path, maintainer):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "pf"), "--maintainer", maintainer])
    assert result.exit_code == 2 and "--maintainer" in result.stderr
    assert not (tmp_path / "pf").exists()
