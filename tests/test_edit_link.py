"""'Edit this file' on a project page: a link to the file in the forge when site.yaml names
the repository (repo_url, edit_uri as MkDocs joins them), plain text when it does not."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sitetools import parse

from itpm_site.build import BuildOptions, build_site
from itpm_site.model.config import SiteConfig

SOURCE = "content/projects/crm.md"


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "expected"),
    [
        (
            "https://github.com/acme/portfolio",
            None,
            "https://github.com/acme/portfolio/edit/main/content/projects/crm.md",
        ),
        (
            "https://github.com/acme/portfolio/",
            "edit/trunk/",
            "https://github.com/acme/portfolio/edit/trunk/content/projects/crm.md",
        ),
        (
            "https://gitlab.example.com/pmo/portfolio",
            None,
            "https://gitlab.example.com/pmo/portfolio/-/edit/main/content/projects/crm.md",
        ),
        (
            "https://bitbucket.org/acme/portfolio",
            None,
            "https://bitbucket.org/acme/portfolio/src/main/content/projects/crm.md",
        ),
        (
            "https://git.example.com/acme/portfolio",
            "_edit/main",
            "https://git.example.com/acme/portfolio/_edit/main/content/projects/crm.md",
        ),
        # A full address in edit_uri is used as it is (a query ending in '=' takes the path).
        (
            "https://example.com/repo",
            "https://cms.example.com/edit?path=",
            "https://cms.example.com/edit?path=content/projects/crm.md",
        ),
    ],
)
def test_the_edit_address_joins_repo_url_edit_uri_and_the_file(repo_url, edit_uri, expected) -> None:
    config = SiteConfig(repo_url=repo_url, edit_uri=edit_uri)
    assert config.edit_url(SOURCE) == expected


def test_no_link_without_a_repository_or_a_known_forge() -> None:
    assert SiteConfig().edit_url(SOURCE) is None
    # An unknown forge has no default edit path: no guessed link.
    assert SiteConfig(repo_url="https://git.example.com/acme/portfolio").edit_url(SOURCE) is None


@pytest.mark.parametrize(
    "bad",
    [
        {"repo_url": "javascript:alert(1)"},
        {"repo_url": "github.com/acme/portfolio"},
        {"repo_url": "https://x.example", "edit_uri": "ftp://x/edit/"},
    ],
)
def test_only_web_addresses_are_accepted(bad) -> None:
    with pytest.raises(ValidationError, match="must be an http"):
        SiteConfig(**bad)


def test_the_schema_documents_both_keys() -> None:
    props = SiteConfig.model_json_schema()["properties"]
    assert "MkDocs" in props["edit_uri"]["description"]
    assert "repository" in props["repo_url"]["description"]


PROJECT = """---
title: CRM
phase: planning
owner: Nino Beridze
---
Body.
"""


@pytest.mark.parametrize("site_yaml", ["title: T\n", "title: T\nrepo_url: https://github.com/acme/p\n"])
def test_the_project_page_links_the_file_only_with_a_repository(
    write_portfolio, tmp_path, site_yaml: str
) -> None:
    root = write_portfolio(tmp_path / "p", {"site.yaml": site_yaml, SOURCE: PROJECT})
    result = build_site(BuildOptions(root=root, output=tmp_path / "out", as_of=dt.date(2026, 5, 1)))
    assert result.ok
    page = parse(tmp_path / "out" / "projects" / "crm" / "index.html")
    edit_links = [a for a in page.find_all("a") if "/edit/" in a.get("href", "")]
    assert "Edit this file" in page.text and SOURCE in page.text
    if "repo_url" in site_yaml:
        assert [a["href"] for a in edit_links] == [
            "https://github.com/acme/p/edit/main/content/projects/crm.md"
        ]
    else:
        assert edit_links == []
