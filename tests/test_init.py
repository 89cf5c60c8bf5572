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


# ------------------------------------------------------------------ the build cache (issue 29)

CACHE_HOME = "${{ runner.temp }}/itpm-site-cache"


def cache_steps(job: dict) -> list[dict]:
    return [s for s in steps(job) if s.get("uses", "").startswith("actions/cache")]


def test_workflow_text_is_yaml_with_the_three_jobs(portfolio):
    wf = workflow(portfolio)
    assert isinstance(wf, dict) and set(wf["jobs"]) == {"check", "build", "deploy"}


def test_only_the_build_job_uses_the_cache(portfolio):
    """A pull request, from a fork too, runs in the check job: it must never write a cache
    that a build of main reads (what the cache holds runs as code when read)."""
    jobs = workflow(portfolio)["jobs"]
    assert len(cache_steps(jobs["build"])) == 1
    assert cache_steps(jobs["check"]) == [] and cache_steps(jobs["deploy"]) == []
    text = (portfolio / ".github/workflows/portfolio.yml").read_text(encoding="utf-8")
    assert text.count("actions/cache") == 1
    assert "ITPM_SITE_CACHE_DIR" not in json.dumps(jobs["check"])


def test_the_cache_is_restored_before_the_build_with_the_folder_it_passes(portfolio):
    build = workflow(portfolio)["jobs"]["build"]
    names = [s.get("uses", s.get("run", "")) for s in steps(build)]
    cache = cache_steps(build)[0]
    at = steps(build).index(cache)
    build_at = next(i for i, s in enumerate(steps(build)) if "itpm-site build" in s.get("run", ""))
    checkout_at = next(i for i, n in enumerate(names) if n.startswith("actions/checkout@"))
    # after the checkout (which would clean public/ away), before the build
    assert checkout_at < at < build_at
    # the build is given the very folder that is restored and saved, outside the repository,
    # and the previous site, at the path the build writes (public/, as uploaded)
    assert steps(build)[build_at]["env"]["ITPM_SITE_CACHE_DIR"] == CACHE_HOME
    assert cache["with"]["path"].splitlines() == [CACHE_HOME, "public"]
    assert steps(build)[-1]["with"]["path"] == "public"


def test_the_cache_key_and_its_fallbacks(portfolio):
    build = workflow(portfolio)["jobs"]["build"]
    cache = cache_steps(build)[0]
    keys = next(s for s in steps(build) if s.get("id") == "keys")
    assert steps(build).index(keys) < steps(build).index(cache)
    assert keys["env"]["SETTINGS"] == "${{ hashFiles('site.yaml', 'themes/**') }}"
    settings, version = "${{ steps.keys.outputs.settings }}", "${{ steps.keys.outputs.version }}"
    # unique per run (a cache is never overwritten), after the version and the settings
    assert cache["with"]["key"] == settings + "${{ github.run_id }}-${{ github.run_attempt }}"
    # the latest cache of the same version and settings, else of the same version, else any
    assert cache["with"]["restore-keys"].splitlines() == [settings, version, "itpm-site-${{ runner.os }}-"]


@pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("sha256sum") is None, reason="no bash/sha256sum"
)
def test_the_keys_follow_itpm_site_python_and_settings(portfolio, tmp_path):
    """The keys step digests ITPM_SITE (a version, or a URL at a commit) and the Python; each
    fallback is a prefix of the one before, and GitHub's keys allow no commas."""
    build = workflow(portfolio)["jobs"]["build"]
    step = next(s for s in steps(build) if s.get("id") == "keys")

    def run(requirement: str, python: str = "3.12", settings: str = "ab" * 32) -> dict[str, str]:
        out = tmp_path / "output"
        out.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "ITPM_SITE": requirement,
            "PYTHON_VERSION": python,
            "SETTINGS": settings,
            "RUNNER_OS": "Linux",
            "GITHUB_OUTPUT": str(out),
        }
        subprocess.run(["bash", "-e", "-c", step["run"]], check=True, env=env, timeout=30)
        found = dict(line.split("=", 1) for line in out.read_text(encoding="utf-8").splitlines())
        assert set(found) == {"version", "settings"}
        assert re.fullmatch(r"itpm-site-Linux-[0-9a-f]{16}-", found["version"])
        assert found["settings"] == found["version"] + settings + "-"
        assert "," not in found["settings"]
        return found

    pinned = run(workflow(portfolio)["env"]["ITPM_SITE"])
    assert pinned == run(f"itpm-site=={__version__}")
    assert pinned["version"] != run("itpm-site @ git+https://github.com/o/itpm-site@" + "a" * 40)["version"]
    assert pinned["version"] != run(f"itpm-site=={__version__}", python="3.13")["version"]
    assert run(f"itpm-site=={__version__}", settings="")["settings"].endswith("--")  # no site.yaml


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_a_restored_site_without_the_marker_is_dropped(portfolio, tmp_path):
    """A restore that failed half-way must only cost time: a public/ without the marker that
    lets itpm-site replace it would fail the build, so the workflow removes it first."""
    build = workflow(portfolio)["jobs"]["build"]
    at = steps(build).index(cache_steps(build)[0])
    guard = steps(build)[at + 1]
    assert "public/.itpm-site-output" in guard["run"]
    for marker in (True, False):
        work = tmp_path / str(marker)
        (work / "public/projects").mkdir(parents=True)
        (work / "public/projects/a.html").write_text("x", encoding="utf-8")
        if marker:
            (work / "public/.itpm-site-output").write_text("", encoding="utf-8")
        subprocess.run(["bash", "-e", "-c", guard["run"]], check=True, cwd=work, timeout=30)
        assert (work / "public").exists() == marker
    subprocess.run(["bash", "-e", "-c", guard["run"]], check=True, cwd=tmp_path, timeout=30)  # none restored


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
    assert len(uses) == 9
    assert any(use.startswith("actions/cache@") for use in uses)
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
