"""Rollup arithmetic: every figure the pages show, computed from small known portfolios."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from itpm_site.aggregate.portfolio import Portfolio, build_portfolio
from itpm_site.load.portfolio import load_portfolio
from itpm_site.load.rules import RESERVED_PAGE_SLUGS
from itpm_site.model.groups import GROUP_FOLDERS, GroupKind
from itpm_site.model.money import (
    Figures,
    format_amount,
    format_percent,
    percent,
    project_money,
    rollup,
)

AS_OF = dt.date(2026, 6, 1)


def project(title: str, phase: str = "implementation", **fields) -> str:
    lines = [f"title: {title}", f"phase: {phase}", f"owner: {fields.pop('owner', 'Ana')}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


def portfolio(
    write_portfolio,
    tmp_path: Path,
    files: dict[str, str],
    site: str = "currency: USD\nexchange_rates: {EUR: 1.1}\n",
) -> Portfolio:
    root = write_portfolio(tmp_path, {"site.yaml": site, **files})
    loaded = load_portfolio(root)
    assert not loaded.errors, [d.headline() for d in loaded.errors]
    return build_portfolio(loaded, AS_OF)


def test_counts_by_phase_status_and_category(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project("A", "planning", status="red", category="software"),
            "content/projects/b.md": project("B", "planning", status="G", category="Web"),
            "content/projects/c.md": project("C", "closure", status="amber", category="BI"),
            "content/projects/d.md": project("D", "execution", category="Quantum"),
        },
    )
    counts = {phase.value: n for phase, n in pf.all.phase_counts.items()}
    assert counts == {"initiation": 0, "planning": 2, "implementation": 1, "monitoring": 0, "closure": 1}
    assert pf.all.status_counts == {"green": 1, "amber": 1, "red": 1, "unknown": 1}
    cats = {c.slug: [p.slug for p in c.projects] for c in pf.categories}
    assert cats == {"data-analytics": ["c"], "quantum": ["d"], "software": ["a", "b"]}
    assert next(c for c in pf.categories if c.slug == "software").title == "Software"
    # The views carry the RAG key and rank the templates show and sort by.
    assert {p.slug: (p.status_key, p.status_rank) for p in pf.projects} == {
        "a": ("red", 0),
        "b": ("green", 2),
        "c": ("amber", 1),
        "d": ("unknown", 3),
    }


def test_budget_sums_convert_with_exchange_rates(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A",
                program="Core",
                budget="{planned: 100000, actual: 50000, forecast: 110000, currency: USD}",
            ),
            "content/projects/b.md": project(
                "B",
                program="Core",
                budget="{planned: 200000, actual: 10000, forecast: 180000, currency: EUR}",
            ),
            "content/projects/c.md": project("C", program="Edge", budget="'1.5M'"),
        },
    )
    core = next(g for g in pf.programs if g.title == "Core").money
    assert [(f.currency, f.planned) for f in core.by_currency] == [
        ("USD", Decimal(100000)),
        ("EUR", Decimal(200000)),
    ]
    assert core.converted_from == ("EUR",) and core.apart == ()
    assert core.converted.planned == Decimal(100000) + Decimal(200000) * Decimal("1.1")
    assert core.converted.actual == Decimal(50000) + Decimal(10000) * Decimal("1.1")
    # variance = EAC - planned, each project converted, then summed in the base currency
    assert core.converted.variance == Decimal(10000) + Decimal(-20000) * Decimal("1.1")
    assert core.converted.spent_pct == percent(Decimal(61000), Decimal(320000))
    everything = pf.all.money.converted
    assert everything.planned == Decimal(320000) + Decimal(1500000)
    # C has no forecast: its EAC is its planned budget, so it adds nothing to the variance
    assert everything.eac == Decimal(110000) + Decimal(198000) + Decimal(1500000)
    assert everything.on_plan == 1 and everything.planned + everything.variance == everything.eac


def test_no_silent_sum_of_mixed_currencies_without_a_rate(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project("A", budget="{planned: 100, currency: USD}"),
            "content/projects/b.md": project("B", budget="{planned: 300, currency: GEL}"),
            "content/projects/c.md": project("C", budget="{planned: 200, forecast: 250, currency: EUR}"),
        },
        site="currency: USD\nexchange_rates: {EUR: 2}\n",
    )
    money = pf.all.money
    # Converted currencies are summed; the one without a rate stays apart, never added.
    assert [(f.currency, f.planned, f.eac) for f in money.series] == [
        ("USD", Decimal(500), Decimal(600)),
        ("GEL", Decimal(300), Decimal(300)),
    ]
    assert money.converted_from == ("EUR",)
    assert [(f.currency, f.projects) for f in money.by_currency] == [("USD", 1), ("EUR", 1), ("GEL", 1)]
    b = pf.by_slug["b"].budget
    assert b.planned == Decimal(300) and b.planned_base is None


def test_every_grouping_covers_the_portfolio(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A", program="Core", category="software", budget="{planned: 100, forecast: 130}"
            ),
            "content/projects/b.md": project("B", budget="{planned: 200}"),
            "content/projects/c.md": project("C", category="Help Desk & Technology Services"),
            "content/projects/d.md": project("D", budget="{forecast: 50}"),
        },
    )
    assert [g.title for g in pf.program_rows] == ["Core", "No program"]
    assert [g.title for g in pf.category_rows] == ["IT services", "Software", "Uncategorised"]
    for tables in (pf.budget_by_program, pf.budget_by_category, pf.budget_by_phase):
        (table,) = tables
        total = table.rows[0].figures
        for row in table.rows[1:]:
            total += row.figures
        assert total == table.total.figures == pf.all.money.converted
    assert pf.all.money.projects == 2 and pf.all.money.without_budget == 2
    assert [p.slug for p in pf.all.without_budget] == ["c", "d"]
    assert pf.all.money.converted.variance == Decimal(30)


def test_top_risk_score_is_none_without_a_live_risk(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A", risks="[{title: r, probability: 3, impact: 3, status: closed}]"
            ),
        },
    )
    assert pf.by_slug["a"].top_risk_score is None


def test_project_budget_variance_spent_and_flags(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A",
                status="green",
                status_date="2026-03-01",
                start="2026-01-01",
                end="2026-05-31",
                forecast_end="2026-06-20",
                budget="{planned: 1000, actual: 1200, forecast: 1300}",
                milestones="[{name: M1, date: 2026-05-01}, {name: M2, date: 2026-05-02, done: true},"
                " {name: M3, date: 2026-06-20}]",
            ),
        },
    )
    a = pf.by_slug["a"]
    assert a.budget.variance == Decimal(300)
    assert a.budget.variance_pct == Decimal("30.0")
    assert a.budget.spent_pct == Decimal("120.0")
    assert a.slip_days == 20
    assert [m.milestone.name for m in a.overdue_milestones] == ["M1"]
    assert a.next_milestone.milestone.name == "M1"
    codes = [f.code for f in a.flags]
    assert codes == ["overdue-milestone", "forecast-past-end", "actual-over-planned", "stale-status"]
    assert a.project.status.value == "green"  # the PM's status is never overwritten


def test_milestone_windows_relative_to_as_of(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A",
                milestones=(
                    "[{name: late, date: 2026-05-31}, {name: today, date: 2026-06-01},"
                    " {name: d30, date: 2026-07-01}, {name: d31, date: 2026-07-02},"
                    " {name: d90, date: 2026-08-30}, {name: d91, date: 2026-08-31},"
                    " {name: done, date: 2026-01-01, done: true}]"
                ),
            ),
        },
    )
    assert [m.milestone.name for m in pf.overdue_milestones] == ["late"]
    windows = {label: [m.milestone.name for m in ms] for label, ms in pf.milestone_windows}
    # Due today is not overdue yet: it is the first upcoming one.
    assert windows == {"Next 30 days": ["today", "d30"], "In 31–60 days": ["d31"], "In 61–90 days": ["d90"]}
    assert [m.milestone.name for m in pf.done_milestones] == ["done"]


def test_risk_scores_bands_and_heat_map(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A",
                risks=(
                    "[{title: r1, probability: 5, impact: 4}, {title: r2, probability: 2, impact: 2},"
                    " {title: r3, probability: 3, impact: 3, status: closed},"
                    " {title: r4, probability: 5, impact: 4, status: monitoring}]"
                ),
            ),
            "content/projects/b.md": project("B", risks="[{title: r5, probability: 2, impact: 5}]"),
        },
    )
    assert [(r.risk.title, r.score, r.band) for r in pf.risks] == [
        ("r1", 20, "critical"),
        ("r4", 20, "critical"),
        ("r5", 10, "high"),
        ("r2", 4, "low"),
        ("r3", 9, "medium"),
    ]
    assert pf.risk_band_counts == {"low": 1, "medium": 0, "high": 1, "critical": 2}
    grid = {(c.probability, c.impact): [r.risk.title for r in c.risks] for row in pf.heatmap for c in row}
    assert grid[(5, 4)] == ["r1", "r4"] and grid[(3, 3)] == []  # closed risks are off the map
    assert [c.probability for c in [row[0] for row in pf.heatmap]] == [5, 4, 3, 2, 1]
    assert pf.by_slug["a"].top_risk_score == 20 and pf.by_slug["a"].has_high_risk


def test_custom_risk_bands(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project("A", risks="[{title: r, probability: 3, impact: 3}]"),
        },
        site="risk_bands: {low: 1, medium: 3, high: 6, critical: 9}\n",
    )
    assert pf.risks[0].band == "critical"


def test_reverse_dependencies_and_owner_load(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project("A", owner="Nino Beridze", budget=100),
            "content/projects/b.md": project("B", owner="Nino Beridze", depends_on="[a]", budget=50),
            "content/projects/c.md": project("C", owner="ნინო", depends_on="[a, b]"),
        },
    )
    a = pf.by_slug["a"]
    assert [d.slug for d in a.dependents] == ["b", "c"]
    assert [d.slug for d in pf.by_slug["c"].depends_on] == ["a", "b"]
    owners = {o.slug: (len(o.projects), o.money.converted.planned) for o in pf.owners}
    assert owners == {"nino-beridze": (2, Decimal(150)), "nino": (1, Decimal(0))}


def test_programs_with_and_without_files(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/programs/digital.md": "---\ntitle: Digital Channels\nowner: Sophie\n"
            "summary: Web and mobile.\n---\nWhy.\n",
            "content/projects/a.md": project("A", program="digital channels"),
            "content/projects/b.md": project("B", program="Data & Analytics"),
        },
    )
    by_slug = {g.slug: g for g in pf.programs}
    assert set(by_slug) == {"digital", "data-analytics"}
    assert by_slug["digital"].owner == "Sophie" and [p.slug for p in by_slug["digital"].projects] == ["a"]
    assert by_slug["data-analytics"].title == "Data & Analytics"


def test_tags_group_projects(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project("A", tags="[web, Cloud]"),
            "content/projects/b.md": project("B", tags="web"),
        },
    )
    assert {t.slug: [p.slug for p in t.projects] for t in pf.tags} == {"cloud": ["a"], "web": ["a", "b"]}


@pytest.mark.parametrize(
    ("amount", "compact", "text"),
    [
        (Decimal("1250000"), False, "1,250,000 USD"),
        (Decimal("1250000"), True, "1.25M USD"),
        (Decimal("999.5"), False, "1,000 USD"),
        (None, False, "–"),
    ],
)
def test_format_amount(amount, compact, text) -> None:
    assert format_amount(amount, "USD" if amount is not None else None, compact) == text


def test_rollup_rounds_each_project_so_tables_add_up() -> None:
    rates = {"GEL": Decimal("0.37")}
    budgets = [project_money(Decimal("1001"), None, Decimal("1003"), "GEL", "USD", rates) for _ in range(3)]
    total = rollup([*budgets, None], "USD")
    # 1001 GEL = 370.37 USD -> 370 each; 1003 GEL = 371.11 -> 371 each
    assert total.converted == Figures("USD", 3, 0, Decimal(1110), Decimal(1113))
    assert total.converted.variance == Decimal(3) and total.without_budget == 1
    assert total.converted.spent_pct is None


@pytest.mark.parametrize(
    ("value", "signed", "text"),
    [
        (Decimal("18.6"), True, "+18.6%"),
        (Decimal("19"), False, "19.0%"),
        (Decimal("-0.04"), True, "0.0%"),
        (Decimal("-2.25"), True, "-2.3%"),
        (None, True, "–"),
    ],
)
def test_one_percentage_format(value, signed, text) -> None:
    assert format_percent(value, signed) == text


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("Help Desk & Technology Services", "it-services"),
        ("Service Desk", "it-services"),
        ("help desk support and other technological services", "it-services"),
        ("Network & Cloud", "network-cloud"),
        ("Cloud and network", "network-cloud"),
        ("Data & Analytics", "data-analytics"),
        ("Business Analytics", "data-analytics"),
        ("Software Development", "software"),
        ("Web and App Development", "software"),
        ("web & app development", "software"),
    ],
)
def test_the_four_kinds_of_it_project_as_people_write_them(written, slug) -> None:
    from itpm_site.model import vocab
    from itpm_site.model.config import SiteConfig

    assert SiteConfig().category_index()[vocab.normalize(written)].slug == slug


def test_body_and_source_are_kept(write_portfolio, tmp_path) -> None:
    pf = portfolio(write_portfolio, tmp_path, {"content/projects/a.md": project("A")})
    a = pf.by_slug["a"]
    assert a.body == "Body.\n" and a.source == "content/projects/a.md" and a.body_line == 6
    assert textwrap.dedent(a.url) == "projects/a/"


def test_a_top_list_counts_what_it_leaves_out_and_the_ties_among_them() -> None:
    from itpm_site.aggregate.portfolio import top

    listed = top([25, 16, 9, 9, 9, 9, 9, 4], 3, lambda score: score)
    assert (listed.shown, listed.more, listed.tied) == ([25, 16, 9], 5, 4)
    short = top([3, 2], 5, lambda score: score)
    assert (short.shown, short.more, short.tied) == ([3, 2], 0, 0)
    assert (top([], 5, lambda score: score).more, top([], 5, lambda score: score).tied) == (0, 0)


def test_flags_count_warnings_apart_from_a_missing_status_date(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project("A", budget="{planned: 100, forecast: 150}"),
            "content/projects/b.md": project("B"),
        },
    )
    assert [p.slug for p in pf.flagged] == ["a"]
    assert [p.slug for p in pf.undated] == ["b"]
    assert [f.code for f in pf.by_slug["a"].warnings] == ["forecast-over-planned"]


def test_each_kind_of_group_has_one_url_folder() -> None:
    folders = {kind: kind.url("x") for kind in GroupKind}
    assert folders == {
        GroupKind.PHASE: "phases/x/",
        GroupKind.PROGRAM: "programs/x/",
        GroupKind.OWNER: "owners/x/",
        GroupKind.CATEGORY: "categories/x/",
        GroupKind.TAG: "tags/x/",
        GroupKind.PORTFOLIO: "",  # the dashboard's figures have no page of their own
    }
    assert GroupKind.OWNER.index_url == "owners/" and GroupKind.PORTFOLIO.index_url == ""
    assert GroupKind.TAG.url("") == ""  # the projects outside every tag: no page
    assert GROUP_FOLDERS <= RESERVED_PAGE_SLUGS


def test_views_link_to_their_groups(write_portfolio, tmp_path) -> None:
    pf = portfolio(
        write_portfolio,
        tmp_path,
        {
            "content/projects/a.md": project(
                "A", owner="Ana Lima", program="Core", category="software", tags="[Cloud]"
            ),
            "content/projects/b.md": project("B"),
        },
    )
    a, b = pf.by_slug["a"], pf.by_slug["b"]
    assert (a.owner_url, a.program_url, a.category_url) == (
        "owners/ana-lima/",
        "programs/core/",
        "categories/software/",
    )
    assert [(t.url, t.label) for t in a.tag_slugs] == [("tags/cloud/", "Cloud")]
    assert (b.program_url, b.category_url) == ("", "")
    assert pf.owners[0].kind is GroupKind.OWNER
    assert {g.url for g in (*pf.owners, *pf.programs, *pf.categories, *pf.tags)} >= {
        a.owner_url,
        a.program_url,
        a.category_url,
        "tags/cloud/",
    }
    assert pf.all.url == "" and pf.program_rows[-1].url == ""  # "No program" has no page
