"""The money arithmetic is exact for every amount and rate the contract admits.

An amount has up to 24 digits (and a suffix such as 'bn'), and so has an exchange rate: their
product, and sums of many of them, outgrow the global decimal context's 28 digits. Rounding
to whole units there raised InvalidOperation, so a portfolio that ``check`` accepted crashed
``build``.
"""

from __future__ import annotations

import csv
import decimal
import io
import json
import textwrap
from decimal import Decimal

import pytest

from itpm_site.build import BuildOptions, build_site
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.amounts import MAX_DIGITS, parse_amount
from itpm_site.model.money import (
    Figures,
    format_amount,
    format_percent,
    percent,
    project_figures,
    project_money,
    rollup,
    whole,
)

pytestmark = pytest.mark.usefixtures("plain_env")

BIGGEST = parse_amount("9" * MAX_DIGITS)  # the longest amount: 24 nines
BIGGEST_BN = parse_amount("9" * MAX_DIGITS + "bn")  # and scaled by a billion
# Expected figures are worked out in Python integers, which never round.
N = int("9" * MAX_DIGITS)
N_BN = N * 10**9


def test_whole_rounds_figures_longer_than_the_global_context():
    assert whole(Decimal("1" * 40 + ".5")) == Decimal("1" * 39 + "2")
    assert whole(Decimal(N_BN * N_BN)) == N_BN * N_BN


def test_conversion_at_the_largest_rate_is_exact():
    figures = project_figures(BIGGEST, BIGGEST, BIGGEST_BN, "EUR", BIGGEST_BN, "USD")
    assert figures is not None
    assert figures.planned == N * N_BN
    assert figures.eac == N_BN * N_BN
    assert figures.variance == N_BN * N_BN - N * N_BN
    assert figures.spent_pct == Decimal("100.0")
    assert figures.variance_pct == Decimal("99999999900.0")  # (10**9 - 1) * 100


def test_sums_of_many_large_figures_are_exact():
    one = project_money(BIGGEST, None, BIGGEST_BN, "EUR", "USD", {"EUR": Decimal(100000)})
    total = rollup([one] * 1000, "USD")
    assert total.converted.planned == N * 100000 * 1000
    assert total.converted.eac == N_BN * 100000 * 1000
    assert total.converted.variance == (N_BN - N) * 100000 * 1000
    by_eur = total.by_currency[0]
    assert by_eur.currency == "EUR" and by_eur.eac == N_BN * 1000


def test_percentages_and_formatting_of_huge_figures():
    assert percent(Decimal(N_BN * N_BN), Decimal(1)) == N_BN * N_BN * 100
    assert format_percent(Decimal(N_BN * N_BN)) == f"{N_BN * N_BN}.0%"
    assert format_amount(Decimal(N * 100000), "USD") == f"{N * 100000:,} USD"
    assert format_amount(BIGGEST_BN, compact=True) == f"{BIGGEST:f}bn"


def test_the_global_context_is_left_alone():
    before = decimal.getcontext().prec
    total = Figures("USD", planned=Decimal(N_BN * N_BN)) + Figures("USD", planned=BIGGEST_BN)
    assert total.planned == N_BN * N_BN + N_BN
    assert decimal.getcontext().prec == before == 28


FILES = {
    "site.yaml": "title: Big money\nas_of: 2026-06-01\nexchange_rates: {EUR: 100000}\n",
    "content/projects/big.md": textwrap.dedent("""\
        ---
        title: Big
        phase: planning
        owner: O
        budget: {planned: 999999999999999999999999, actual: 1, currency: EUR}
        ---
        """),
    "content/projects/bigger.md": textwrap.dedent("""\
        ---
        title: Bigger
        phase: planning
        owner: O
        budget: {planned: 999999999999999999999999bn, forecast: 999999999999999999999999bn, currency: EUR}
        ---
        """),
}


def test_a_portfolio_check_accepts_builds_with_exact_figures(tmp_path, write_portfolio):
    root = write_portfolio(tmp_path, FILES)
    errors = [d.headline() for d in load_portfolio(root).diagnostics if d.severity.value == "error"]
    assert errors == []
    out = tmp_path / "out"
    result = build_site(BuildOptions(root=root, output=out, search=False))
    assert result.ok, [d.headline() for d in result.diagnostics]

    rows = {
        r["slug"]: r
        for r in csv.DictReader(io.StringIO((out / "projects.csv").read_text(encoding="utf-8-sig")))
    }
    assert rows["big"]["planned"] == "9" * 24
    assert rows["big"]["planned_base"] == "9" * 24 + "00000"
    assert rows["bigger"]["eac_base"] == "9" * 24 + "000000000" + "00000"

    data = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    converted = data["rollup"]["budget"]["converted"]
    assert int(converted["planned"]) == N * 100000 + N_BN * 100000
    assert int(converted["eac"]) == N * 100000 + N_BN * 100000
    assert int(converted["actual"]) == 100000
    assert int(converted["planned"]) + int(converted["variance"]) == int(converted["eac"])
    assert "999,999,999,999,999,999,999,999" in (out / "projects" / "big" / "index.html").read_text("utf-8")
