"""At most 50 distinct tags per project: each tag makes a page, so a project's tags are what
its file adds to the site."""

from __future__ import annotations

from pathlib import Path

import pytest

from itpm_site.load.portfolio import load_portfolio

pytestmark = pytest.mark.usefixtures("plain_env")

HEAD = "---\ntitle: Alpha\nphase: planning\nowner: Ana\ntags:\n"  # the first tag is on line 6


def _file(tags: list[str]) -> str:
    return HEAD + "".join(f"  - {t}\n" for t in tags) + "---\n"


def test_a_project_with_more_distinct_tags_than_the_cap_is_an_error_at_the_first_one_over(
    tmp_path: Path, write_portfolio
) -> None:
    root = write_portfolio(tmp_path, {"content/projects/a.md": _file([f"tag {n}" for n in range(1000)])})

    loaded = load_portfolio(root)

    assert [(d.code, d.line, d.field) for d in loaded.errors] == [("too-many-tags", 6 + 50, "tags[50]")]
    assert "1,000 distinct tags; at most 50" in loaded.errors[0].message
    assert loaded.projects == []


def test_tags_that_make_the_same_page_count_once(tmp_path: Path, write_portfolio) -> None:
    tags = [f"Tag {n}" for n in range(50)] + [f"tag-{n}" for n in range(50)]
    root = write_portfolio(tmp_path, {"content/projects/a.md": _file(tags)})

    loaded = load_portfolio(root)

    assert loaded.errors == []
    assert len(loaded.projects[0].model.tags) == 100
