"""``init`` writes an install line that reproduces the running itpm-site (PEP 610).

Each way of installing is a dist-info folder written here, as pip writes it: from an index
(no ``direct_url.json``), from a git URL, from a local checkout, from a URL to an archive,
from a local wheel. The workflow and the pre-commit hook that ``init`` writes install the
same requirement, and pip can parse it.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from history_repo import git
from packaging.requirements import Requirement

from itpm_site.cli import cli
from itpm_site.commands import install_source
from itpm_site.commands.install_source import install_line

pytestmark = pytest.mark.usefixtures("plain_env")

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def dist(tmp_path: Path, direct_url: dict | None, version: str = "0.1.0") -> importlib.metadata.Distribution:
    folder = tmp_path / f"itpm_site-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: itpm-site\nVersion: {version}\n")
    (folder / "INSTALLER").write_text("pip\n")
    if direct_url is not None:
        (folder / "direct_url.json").write_text(json.dumps(direct_url))
    return importlib.metadata.PathDistribution(folder)


def test_from_pypi_the_pinned_version(tmp_path: Path) -> None:
    line = install_line(dist(tmp_path, None, "0.3.1"))
    assert (line.requirement, line.source, line.warning) == ("itpm-site==0.3.1", "index", "")


def test_from_a_git_url_that_url_at_its_commit(tmp_path: Path) -> None:
    line = install_line(
        dist(
            tmp_path,
            {
                "url": "https://github.com/acme/itpm-site.git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"},
            },
        )
    )
    assert line.requirement == f"itpm-site @ git+https://github.com/acme/itpm-site.git@{COMMIT}"
    assert line.source == "vcs" and not line.loud
    # What to change, and when.
    assert COMMIT[:12] in line.warning and "'itpm-site==0.1.0'" in line.warning
    assert "ITPM_SITE" in line.warning and ".pre-commit-config.yaml" in line.warning


def test_from_a_local_checkout_its_origin_at_head(tmp_path: Path) -> None:
    checkout = tmp_path / "itpm-site"
    checkout.mkdir()
    git(checkout, "init", "-q", "-b", "main")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'itpm-site'\n")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "one")
    git(checkout, "remote", "add", "origin", "git@github.com:acme/itpm-site.git")
    head = git(checkout, "rev-parse", "HEAD")
    installed = dist(tmp_path / "site", {"url": checkout.as_uri(), "dir_info": {"editable": True}})
    line = install_line(installed)
    # A runner has no SSH key: the SSH remote becomes its https address.
    assert line.requirement == f"itpm-site @ git+https://github.com/acme/itpm-site.git@{head}"
    assert "uncommitted" not in line.warning
    (checkout / "pyproject.toml").write_text("[project]\nname = 'itpm-site'\nversion = '2'\n")
    assert "uncommitted changes are not in that commit" in install_line(installed).warning


def test_from_a_local_folder_without_a_remote_a_loud_warning(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    line = install_line(dist(tmp_path / "site", {"url": folder.as_uri(), "dir_info": {}}))
    assert line.requirement == "itpm-site==0.1.0" and line.loud
    assert "fails until version 0.1.0 is published" in line.warning
    assert "itpm-site @ git+https://github.com/OWNER/itpm-site@COMMIT" in line.warning


def test_from_a_local_wheel_a_loud_warning(tmp_path: Path) -> None:
    wheel = "file:///tmp/dist/itpm_site-0.1.0-py3-none-any.whl"
    line = install_line(dist(tmp_path, {"url": wheel, "archive_info": {"hashes": {"sha256": "ab" * 32}}}))
    assert line.source == "unknown" and line.loud
    assert wheel in line.warning and "Fix:" in line.warning


def test_from_an_archive_url_with_its_hash(tmp_path: Path) -> None:
    url = "https://example.com/itpm_site-0.1.0-py3-none-any.whl"
    line = install_line(dist(tmp_path, {"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}}))
    assert line.requirement == f"itpm-site @ {url}#sha256={'ab' * 32}"
    assert not line.loud


@pytest.mark.parametrize(
    "direct_url",
    [
        None,
        {"url": "https://github.com/acme/itpm-site.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
        {"url": "file:///tmp/w/itpm_site-0.1.0-py3-none-any.whl", "archive_info": {}},
    ],
)
def test_init_writes_the_line_to_the_workflow_and_the_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct_url: dict | None
) -> None:
    installed = dist(tmp_path / "site", direct_url)
    monkeypatch.setattr(install_source, "running_distribution", lambda: installed)
    expected = install_line(installed)
    target = tmp_path / "portfolio"
    result = CliRunner().invoke(cli, ["init", str(target), "--as-of", "2026-03-01", "--owner", "N"])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((target / ".github/workflows/portfolio.yml").read_text("utf-8"))
    assert workflow["env"]["ITPM_SITE"] == expected.requirement
    Requirement(expected.requirement)  # pip's own parser takes it
    hooks = yaml.safe_load((target / ".pre-commit-config.yaml").read_text("utf-8"))["repos"][0]
    assert hooks["repo"] == "local"
    assert hooks["hooks"][0]["additional_dependencies"] == [expected.requirement]
    assert hooks["hooks"][0]["entry"] == "itpm-site check"
    assert f"the workflow installs: {expected.requirement}" in result.output
    if expected.warning:
        assert expected.warning in result.output  # on stderr, which CliRunner mixes in
    if expected.loud:
        assert "warning: the workflow may not install" in result.output


def test_the_running_installation_is_the_installed_one() -> None:
    # The source tree's itpm_site.egg-info (on sys.path when tests run from the repository)
    # records no installation: the dist-info pip wrote is the one read.
    found = install_source.running_distribution()
    assert found is not None and found.read_text("INSTALLER") is not None
