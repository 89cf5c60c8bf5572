"""The bound on what rendering one body takes: ``markdown_cost`` never undercounts markdown-it's
tokens, and check refuses a body over the budget. (Peak memory of a body at the budget is
measured in bench/bench_hostile.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itpm_site.load.portfolio import load_portfolio
from itpm_site.render.markdown import _parser, render_markdown

pytestmark = pytest.mark.usefixtures("plain_env")

HEAD = "---\ntitle: Alpha\nphase: planning\nowner: Ana\n---\n"

#: Pieces of Markdown that make many tokens for their size, to be put together at random.
PIECES = [
    "- ",
    "* ",
    "+ ",
    "1. ",
    "1) ",
    "> ",
    "a",
    " ",
    "\n",
    "\n\n",
    "  \n",
    "*a*",
    "**",
    "_",
    "`",
    "~~",
    "[a](b)",
    "![a](b)",
    "[a]",
    "[a]: b\n",
    "<http://a>",
    "&amp;",
    "\\*",
    "#",
    "## ",
    "|",
    "a|b\n-|-\n",
    "|a|b|c|\n|-|-|-|\n",
    "---\n",
    "===\n",
    "    ",
    "```\n",
    "x\n",
]


def tokens(body: str) -> int:
    made = _parser(False).parse(body)
    return len(made) + sum(len(t.children or ()) for t in made)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=200))
def test_the_cost_of_a_body_is_never_below_the_tokens_it_makes(pieces: list[str]) -> None:
    from itpm_site.load.markdown_cost import markdown_cost

    body = "".join(pieces)

    assert markdown_cost(body) >= tokens(body)


@pytest.mark.parametrize(
    "body",
    [
        "- a\n" * 60_000,  # 240 KB, within the 1 MiB limit on size
        "|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n" + "x\n" * 1000,  # rows filled in
    ],
    ids=["list", "wide-table"],
)
def test_a_body_over_the_budget_is_an_error_at_the_file(tmp_path: Path, write_portfolio, body: str) -> None:
    root = write_portfolio(tmp_path, {"content/projects/a.md": HEAD + body})

    found = load_portfolio(root).errors

    assert [(d.code, d.line) for d in found] == [("too-complex", 6)]
    assert "at most 300,000" in found[0].message


def test_a_long_body_of_prose_is_within_the_budget(tmp_path: Path, write_portfolio) -> None:
    prose = "Vendor SSO slipped two weeks (see the plan): recovery agreed, cost 1.2M.\n" * 7000
    root = write_portfolio(tmp_path, {"content/projects/a.md": HEAD + prose})

    assert load_portfolio(root).errors == []


def test_a_body_that_was_never_checked_is_shown_as_written_not_parsed() -> None:
    html = render_markdown("- <a>\n" * 60_000)

    assert html.startswith("<pre>- &lt;a&gt;\n") and "<li>" not in html
