"""Body headings: unique anchors made in linear time, and a cap on headings per body.

(How long 20,000 duplicate headings take is measured in bench/bench_hostile.py, not here.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from itpm_site.load.portfolio import load_portfolio
from itpm_site.render.markdown import render_markdown

pytestmark = pytest.mark.usefixtures("plain_env")

HEAD = "---\ntitle: Alpha\nphase: planning\nowner: Ana\n---\n"  # the body starts on line 6


def ids(html: str) -> list[str]:
    return re.findall(r'<h[23] id="([^"]*)"', html)


def test_repeated_headings_get_the_next_free_suffix_in_order() -> None:
    body = "## Same\n\n## Same 1\n\n## Same\n\n## Same-1\n\n### Same\n\n## Other\n\n## Same\n"

    assert ids(render_markdown(body)) == [
        "h-same",
        "h-same-1",
        "h-same-2",  # h-same-1 is taken by "Same 1"
        "h-same-1-1",
        "h-same-3",
        "h-other",
        "h-same-4",
    ]


def test_thousands_of_equal_headings_all_get_distinct_ids() -> None:
    found = ids(render_markdown("## Same\n\n" * 3000))

    assert found == ["h-same"] + [f"h-same-{n}" for n in range(1, 3000)]


def _body(headings: int, extra: str = "") -> str:
    return HEAD + extra + "".join(f"## Part {n}\n\ntext\n\n" for n in range(headings))


def test_a_body_with_more_headings_than_the_cap_is_an_error_at_the_first_one_over(
    tmp_path: Path, write_portfolio
) -> None:
    root = write_portfolio(tmp_path, {"content/projects/a.md": _body(1001)})

    found = [(d.code, d.line) for d in load_portfolio(root).errors]

    # Heading n (from 0) is on body line 4n; the 1,001st is n = 1000.
    assert found == [("too-many-headings", 6 + 4 * 1000)]
    assert "more than 1,000 headings" in load_portfolio(root).errors[0].message


def test_headings_up_to_the_cap_and_lines_in_code_blocks_are_fine(tmp_path: Path, write_portfolio) -> None:
    fenced = "```\n" + "# not a heading\n" * 50 + "```\n\n~~~~\n" + "## nor this\n" * 50 + "~~~~\n\n"
    root = write_portfolio(tmp_path, {"content/projects/a.md": _body(1000, fenced)})

    assert load_portfolio(root).errors == []
