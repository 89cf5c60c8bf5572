"""Every rule of the data contract, table-driven, through ``load_portfolio``.

Each case is a project file and the exact diagnostics it gives: severity, field, line, column
and message (the opening ``---`` is line 1). "Recommended field is missing" warnings are left
out of the tables (one test covers them) so that each case shows only what it is about.
"""

from __future__ import annotations

import itertools
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from itpm_site.load.portfolio import load_portfolio
from itpm_site.load.rules import find_cycles
from itpm_site.model.project import Project
from itpm_site.model.vocab import Phase, Status, normalize

pytestmark = pytest.mark.usefixtures("plain_env")

P = "content/projects/p.md"
PROGRAMS = "content/programs"


def dd(text: str) -> str:
    return textwrap.dedent(text)


def problems(root: Path, *, path: bool = False) -> list[tuple]:
    """(severity, field, line, column, message) of each diagnostic except 'recommended'."""
    return [
        ((d.path,) if path else ()) + (d.severity.value, d.field, d.line, d.column, d.message)
        for d in load_portfolio(root).diagnostics
        if d.code != "recommended"
    ]


def load_one(root: Path, write_portfolio, text: str):
    write_portfolio(root, {P: dd(text)})
    return load_portfolio(root)


def E(field: str, line: int, column: int, message: str) -> tuple:
    return ("error", field, line, column, message)


def W(field: str, line: int, column: int, message: str) -> tuple:
    return ("warning", field, line, column, message)


# ------------------------------------------------------------------------------ single-file rules

CASES = {
    # --- required fields ------------------------------------------------------------------
    "missing-title": (
        """\
        ---
        phase: planning
        owner: O
        ---
        """,
        [E("title", 1, 1, "required field 'title' is missing")],
    ),
    "missing-phase": (
        """\
        ---
        title: T
        owner: O
        ---
        """,
        [E("phase", 1, 1, "required field 'phase' is missing")],
    ),
    "missing-owner": (
        """\
        ---
        title: T
        phase: planning
        ---
        """,
        [E("owner", 1, 1, "required field 'owner' is missing")],
    ),
    "missing-all-three": (
        """\
        ---
        summary: S
        ---
        """,
        [
            E("owner", 1, 1, "required field 'owner' is missing"),
            E("phase", 1, 1, "required field 'phase' is missing"),
            E("title", 1, 1, "required field 'title' is missing"),
        ],
    ),
    "empty-title": (
        """\
        ---
        title:
        phase: planning
        owner: O
        ---
        """,
        [E("title", 2, 7, "'title' is empty")],
    ),
    "empty-phase": (
        """\
        ---
        title: T
        phase:
        owner: O
        ---
        """,
        [E("phase", 3, 7, "'phase' is empty")],
    ),
    "blank-owner": (
        """\
        ---
        title: T
        phase: planning
        owner: '  '
        ---
        """,
        [E("owner", 4, 8, "'owner' is empty")],
    ),
    # --- phase and status -------------------------------------------------------------------
    "phase-typo": (
        """\
        ---
        title: T
        phase: Execut
        owner: O
        ---
        """,
        [E("phase", 3, 8, "'Execut' is not a phase; did you mean 'implementation'?")],
    ),
    "phase-unknown": (
        """\
        ---
        title: T
        phase: banana
        owner: O
        ---
        """,
        [E("phase", 3, 8, "'banana' is not a phase")],
    ),
    "phase-number": (
        """\
        ---
        title: T
        phase: 3
        owner: O
        ---
        """,
        [E("phase", 3, 8, "'3' is not a phase")],
    ),
    "phase-list": (
        """\
        ---
        title: T
        phase: [planning]
        owner: O
        ---
        """,
        [E("phase", 3, 8, "a list is not a phase")],
    ),
    "status-typo": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        status: grean
        ---
        """,
        [E("status", 5, 9, "'grean' is not a RAG status; did you mean 'green'?")],
    ),
    "status-unknown": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        status: purple
        ---
        """,
        [E("status", 5, 9, "'purple' is not a RAG status")],
    ),
    "state-typo": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        state: on-hld
        ---
        """,
        [E("state", 5, 8, "'on-hld' is not a state; did you mean 'on-hold'?")],
    ),
    "risk-response-unknown": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - {title: R, probability: 1, impact: 1, response: panic}
        ---
        """,
        [E("risks[0].response", 6, 53, "'panic' is not a risk response")],
    ),
    # --- amounts ----------------------------------------------------------------------------
    "amount-decimal-comma": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: 1,5
        ---
        """,
        [
            E(
                "budget.planned",
                6,
                12,
                "'1,5' is ambiguous: is the separator a decimal mark or a thousands separator?",
            )
        ],
    ),
    "amount-with-currency": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          actual: 250 EUR
        ---
        """,
        [E("budget.actual", 6, 11, "'250 EUR' contains a currency; amounts are plain numbers")],
    ),
    "amount-negative": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          forecast: -5
        ---
        """,
        [E("budget.forecast", 6, 13, "'-5' is negative; amounts are never below zero")],
    ),
    "amount-word": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: abc
        ---
        """,
        [E("budget.planned", 6, 12, "'abc' is not an amount")],
    ),
    "amount-shorthand-negative": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget: -5
        ---
        """,
        [E("budget.planned", 5, 9, "'-5' is negative; amounts are never below zero")],
    ),
    "budget-list": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget: [1, 2]
        ---
        """,
        [E("budget", 5, 9, "expected a group of 'key: value' lines")],
    ),
    # --- currency ---------------------------------------------------------------------------
    "currency-name": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: 5
          currency: euro
        ---
        """,
        [E("budget.currency", 7, 13, "'euro' is not an ISO 4217 currency code; did you mean 'EUR'?")],
    ),
    "currency-typo": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          currency: USDD
        ---
        """,
        [E("budget.currency", 6, 13, "'USDD' is not an ISO 4217 currency code; did you mean 'USD'?")],
    ),
    "currency-unknown": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          currency: XYZ
        ---
        """,
        [E("budget.currency", 6, 13, "'XYZ' is not an ISO 4217 currency code")],
    ),
    # --- dates ------------------------------------------------------------------------------
    "end-before-start": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        start: 2026-02-01
        end: 2026-01-31
        ---
        """,
        [E("end", 6, 6, "end (2026-01-31) is before start (2026-02-01)")],
    ),
    "forecast-end-before-start": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        start: 2026-02-01
        end: 2026-03-01
        forecast_end: 2026-01-01
        ---
        """,
        [E("forecast_end", 7, 15, "forecast_end (2026-01-01) is before start (2026-02-01)")],
    ),
    "both-ends-before-start": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        end: 2025-12-31
        forecast_end: 2025-12-30
        start: 2026-01-01
        ---
        """,
        [
            E("end", 5, 6, "end (2025-12-31) is before start (2026-01-01)"),
            E("forecast_end", 6, 15, "forecast_end (2025-12-30) is before start (2026-01-01)"),
        ],
    ),
    "not-iso-date": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        start: 01/02/2026
        ---
        """,
        [E("start", 5, 8, "'01/02/2026' is not a date")],
    ),
    "unpadded-date": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        start: 2026-2-1
        ---
        """,
        [E("start", 5, 8, "'2026-2-1' is not a date")],
    ),
    "impossible-date": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        end: 2026-02-30
        ---
        """,
        [E("end", 5, 6, "'2026-02-30' is not a real date (day is out of range for month)")],
    ),
    "datetime-is-not-a-date": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        status_date: 2026-02-01 10:00
        ---
        """,
        [E("status_date", 5, 14, "'2026-02-01 10:00' is not a date")],
    ),
    "bad-start-does-not-also-flag-end": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        start: soon
        end: 2020-01-01
        ---
        """,
        [E("start", 5, 8, "'soon' is not a date")],
    ),
    "milestone-date": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        milestones:
          - name: Beta
            date: June
        ---
        """,
        [E("milestones[0].date", 7, 11, "'June' is not a date")],
    ),
    # --- probability, impact, progress ----------------------------------------------------
    "probability-above-5": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - title: R
            probability: 6
            impact: 1
        ---
        """,
        [E("risks[0].probability", 7, 18, "6 is not between 1 and 5")],
    ),
    "impact-zero": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - title: R
            probability: 1
            impact: 0
        ---
        """,
        [E("risks[0].impact", 8, 13, "0 is not between 1 and 5")],
    ),
    "probability-word": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - title: R
            probability: high
            impact: 2.5
        ---
        """,
        [
            E("risks[0].probability", 7, 18, "'high' is not a 1-5 rating"),
            E("risks[0].impact", 8, 13, "'2.5' is not a 1-5 rating"),
        ],
    ),
    "risk-missing-impact": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - title: R
            probability: 2
        ---
        """,
        [E("risks[0].impact", 6, 5, "required field 'risks[0].impact' is missing")],
    ),
    "progress-over-100": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        progress: 120%
        ---
        """,
        [E("progress", 5, 11, "120 is not between 0 and 100")],
    ),
    # --- booleans and text ------------------------------------------------------------------
    "done-yes": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        milestones:
          - name: Beta
            date: 2026-06-01
            done: yes
        ---
        """,
        [E("milestones[0].done", 8, 11, "'yes' is not true or false")],
    ),
    "title-true": (
        """\
        ---
        title: true
        phase: planning
        owner: O
        ---
        """,
        [E("title", 2, 8, "expected text, got true")],
    ),
    "title-mapping": (
        """\
        ---
        title: {en: T}
        phase: planning
        owner: O
        ---
        """,
        [E("title", 2, 8, "expected text, got a mapping")],
    ),
    # --- slugs and links --------------------------------------------------------------------
    "invalid-slug": (
        """\
        ---
        title: T
        slug: My Slug
        phase: planning
        owner: O
        ---
        """,
        [E("slug", 3, 7, "'My Slug' is not a valid slug (lowercase letters, digits and '-' only)")],
    ),
    "javascript-link": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        links:
          - title: X
            url: "javascript:alert(1)"
        ---
        """,
        [E("links[0].url", 7, 10, "'javascript:alert(1)' uses a scheme that is not allowed")],
    ),
    # --- duplicate keys ---------------------------------------------------------------------
    "duplicate-key": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        title: U
        ---
        """,
        [E("title", 5, 1, "'title' appears twice (first on line 2)")],
    ),
    "duplicate-nested-key": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: 1
          planned: 2
        ---
        """,
        [E("budget.planned", 7, 3, "'planned' appears twice (first on line 6)")],
    ),
    # --- unknown keys -----------------------------------------------------------------------
    "unknown-key-typo": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        ownr: P
        ---
        """,
        [E("ownr", 5, 1, "unknown key 'ownr'; did you mean 'owner'?")],
    ),
    "unknown-key-no-suggestion": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        colour: red
        ---
        """,
        [E("colour", 5, 1, "unknown key 'colour'")],
    ),
    "unknown-key-in-risks-1": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - title: A
            probability: 1
            impact: 1
          - title: B
            probability: 2
            impact: 2
            mitgation: Weekly sync
        ---
        """,
        [E("risks[1].mitgation", 12, 5, "unknown key 'mitgation'; did you mean 'mitigation'?")],
    ),
    "unknown-key-in-budget": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget: {planed: 5}
        ---
        """,
        [E("budget.planed", 5, 10, "unknown key 'planed'; did you mean 'planned'?")],
    ),
    "unknown-key-in-milestone-and-link": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        milestones:
          - {name: M, date: 2026-01-01, dne: true}
        links:
          - {title: L, url: "https://x.example", titel: Y}
        ---
        """,
        [
            E("milestones[0].dne", 6, 33, "unknown key 'dne'; did you mean 'done'?"),
            E("links[0].titel", 8, 42, "unknown key 'titel'; did you mean 'title'?"),
        ],
    ),
    # --- categories -------------------------------------------------------------------------
    "category-typo": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        category: softwar
        ---
        """,
        [E("category", 5, 11, "'softwar' is not a known category; did you mean 'software'?")],
    ),
    "category-unknown": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        category: Procurement
        ---
        """,
        [W("category", 5, 11, "'Procurement' is not a known category")],
    ),
    # --- closure with open risks --------------------------------------------------------------
    "closure-open-risk": (
        """\
        ---
        title: T
        phase: closure
        owner: O
        risks:
          - {title: Handover slips, probability: 2, impact: 2, status: closed}
          - title: Licence audit
            probability: 2
            impact: 3
            status: monitoring
          - title: Data loss
            probability: 1
            impact: 5
        ---
        """,
        [
            W(
                "risks[1].status",
                10,
                13,
                "the project is in closure but risk 'Licence audit' is still monitoring",
            ),
            W("risks[2].status", 11, 5, "the project is in closure but risk 'Data loss' is still open"),
        ],
    ),
    # --- mistakes that YAML accepts and that would change what is published -------------------
    "key-outdented-out-of-budget": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: 100
        actual: 50
        ---
        """,
        [
            E(
                "actual",
                7,
                1,
                "'actual' belongs in 'budget', not at the top level: written here its value is lost",
            )
        ],
    ),
    "risk-key-outdented": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - {title: R, probability: 2, impact: 2}
        mitigation: Weekly sync
        ---
        """,
        [
            E(
                "mitigation",
                7,
                1,
                "'mitigation' belongs in an item of 'risks', not at the top level: "
                "written here its value is lost",
            )
        ],
    ),
    "top-level-key-in-budget": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: 100
          summary: S
        ---
        """,
        [
            E(
                "budget.summary",
                7,
                3,
                "'summary' belongs in the top level of the front matter, not in 'budget': "
                "written here its value is lost",
            )
        ],
    ),
    "thousands-comma-in-a-one-line-budget": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget: {planned: 250,000, currency: USD}
        ---
        """,
        [
            E(
                "budget.planned",
                5,
                19,
                "'250,000' is read as 250 and the key '000': inside { } a comma separates entries",
            )
        ],
    ),
    "thousands-point": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        budget:
          planned: 250.000
        ---
        """,
        [
            E(
                "budget.planned",
                6,
                12,
                "'250.000' is ambiguous: 250,000 if the point groups thousands, 250 if it is a decimal point",
            )
        ],
    ),
    "comma-list": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        tags: aws, cloud, landing-zone
        ---
        """,
        [E("tags", 5, 7, "'aws, cloud, landing-zone' is one text with commas or semicolons, not a list")],
    ),
    "front-matter-continues": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        ---
        risks:
          - {title: R, probability: 2, impact: 2}
        ---
        Body.
        """,
        [
            E(
                "",
                5,
                1,
                "the front matter ends at line 5, but continues: line 6 'risks:' is a front-matter key",
            )
        ],
    ),
    "placeholder": (
        """\
        ---
        title: T
        phase: planning
        owner: TBD
        ---
        """,
        [E("owner", 4, 8, "'TBD' is a placeholder, not a value")],
    ),
    "extra-is-not-checked": (
        """\
        ---
        title: T
        phase: planning
        owner: O
        extra:
          cost_centre: CC-104
          anything: {goes: [here]}
        ---
        """,
        [],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_rule(tmp_path, write_portfolio, text, expected):
    write_portfolio(tmp_path, {P: dd(text)})
    assert problems(tmp_path) == expected


def test_every_diagnostic_has_a_hint_and_a_code(tmp_path, write_portfolio):
    for i, (text, _) in enumerate(CASES.values()):
        write_portfolio(tmp_path, {f"content/projects/p{i}.md": dd(text)})
    diagnostics = load_portfolio(tmp_path).diagnostics
    assert len(diagnostics) > len(CASES)
    for d in diagnostics:
        assert d.hint and d.code, d


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (CASES["invalid-slug"][0], "use 'my-slug'"),
        (CASES["phase-typo"][0], "use one of: initiation, planning, implementation, monitoring, closure"),
        (CASES["missing-owner"][0], "add a line 'owner: …'; a project needs at least title, phase and owner"),
        (
            CASES["unknown-key-no-suggestion"][0],
            # Every key of the contract, in its order, but extra:, which the hint names apart.
            f"valid keys here are: {', '.join(k for k in Project.model_fields if k != 'extra')}; "
            "keep data only a theme uses under 'extra:'",
        ),
        (CASES["done-yes"][0], "write true or false (yes/no/on/off are read as text)"),
        (
            CASES["amount-with-currency"][0],
            "put the currency in budget.currency (e.g. currency: EUR) and the number alone here",
        ),
    ],
)
def test_hints(tmp_path, write_portfolio, text, hint):
    write_portfolio(tmp_path, {P: dd(text)})
    (diagnostic,) = [d for d in load_portfolio(tmp_path).diagnostics if d.code != "recommended"]
    assert diagnostic.hint == hint


def test_errors_reject_the_file_and_warnings_do_not(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/bad.md": dd(CASES["phase-typo"][0]),
            "content/projects/warned.md": dd(CASES["category-unknown"][0]).replace("title: T", "title: W"),
        },
    )
    result = load_portfolio(tmp_path)
    assert [e.slug for e in result.projects] == ["warned"]
    assert result.rejected == ["content/projects/bad.md"]


# ------------------------------------------------------------------------------ accepted values

VALID = "---\ntitle: T\nphase: {phase}\nowner: O\n{extra}---\n"


@pytest.mark.parametrize(
    ("written", "phase"),
    [
        ("Monitoring and Control", Phase.MONITORING),
        ("monitoring-and-control", Phase.MONITORING),
        ("execution", Phase.IMPLEMENTATION),
        ("Execution", Phase.IMPLEMENTATION),
        ("closed", Phase.CLOSURE),
        ("PLANNING", Phase.PLANNING),
        ("initiation", Phase.INITIATION),
    ],
)
def test_phase_synonyms_are_accepted(tmp_path, write_portfolio, written, phase):
    result = load_one(tmp_path, write_portfolio, VALID.format(phase=written, extra=""))
    assert result.errors == []
    assert result.projects[0].model.phase is phase


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("On-Track", Status.GREEN),
        ("G", Status.GREEN),
        ("green", Status.GREEN),
        ("yellow", Status.AMBER),
        ("at-risk", Status.AMBER),
        ("A", Status.AMBER),
        ("off-track", Status.RED),
        ("R", Status.RED),
        ("Red", Status.RED),
    ],
)
def test_status_synonyms_are_accepted(tmp_path, write_portfolio, written, status):
    text = VALID.format(phase="planning", extra=f"status: {written}\n")
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    assert result.projects[0].model.status is status


@pytest.mark.parametrize(
    ("budget", "planned", "actual", "forecast", "currency"),
    [
        ("budget: 250000", "250000", None, None, None),
        ("budget: '250,000'", "250000", None, None, None),
        ("budget: 250k", "250000", None, None, None),
        ("budget: 1.2M", "1200000", None, None, None),
        (
            "budget: {planned: 1.1M, actual: '1,250,000.50', forecast: 3bn, currency: eur}",
            "1100000",
            "1250000.50",
            "3000000000",
            "EUR",
        ),
        ("budget:\n  planned: 0\n  currency: gel", "0", None, None, "GEL"),
    ],
)
def test_amounts_are_understood_exactly(
    tmp_path, write_portfolio, budget, planned, actual, forecast, currency
):
    text = VALID.format(phase="planning", extra=budget + "\n")
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    b = result.projects[0].model.budget
    expected = [None if v is None else Decimal(v) for v in (planned, actual, forecast)]
    assert [b.planned, b.actual, b.forecast] == expected
    assert all(v is None or type(v) is Decimal for v in (b.planned, b.actual, b.forecast))
    assert b.currency == currency


def test_end_may_equal_start_and_dates_are_dates(tmp_path, write_portfolio):
    text = VALID.format(
        phase="planning",
        extra="start: 2026-01-01\nend: 2026-01-01\nforecast_end: 2026-01-15\nstatus_date: '2026-01-02'\n",
    )
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    model = result.projects[0].model
    assert (model.start.isoformat(), model.end.isoformat()) == ("2026-01-01", "2026-01-01")
    assert model.slip_days == 14
    assert model.status_date.isoformat() == "2026-01-02"


def test_forecast_end_may_be_before_end(tmp_path, write_portfolio):
    text = VALID.format(
        phase="planning", extra="start: 2026-01-01\nend: 2026-06-01\nforecast_end: 2026-05-01\n"
    )
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    assert result.projects[0].model.slip_days == -31


def test_ratings_accept_every_whole_number_from_1_to_5(tmp_path, write_portfolio):
    risks = "".join(f"  - {{title: R{n}, probability: {n}, impact: '{6 - n}'}}\n" for n in range(1, 6))
    text = VALID.format(phase="planning", extra="progress: 45%\nrisks:\n" + risks)
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    model = result.projects[0].model
    assert [(r.probability, r.impact, r.score) for r in model.risks] == [
        (1, 5, 5),
        (2, 4, 8),
        (3, 3, 9),
        (4, 2, 8),
        (5, 1, 5),
    ]
    assert model.progress == 45


def test_single_strings_become_lists(tmp_path, write_portfolio):
    text = VALID.format(phase="planning", extra="tags: web\nteam: Ana Lomidze\n")
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    model = result.projects[0].model
    assert model.tags == ["web"]
    assert model.team == ["Ana Lomidze"]


def test_text_stays_text(tmp_path, write_portfolio):
    text = dd("""\
        ---
        title: no
        slug: 007
        phase: planning
        owner: 0123
        sponsor: yes
        program: off
        summary: 1.50
        milestones:
          - {name: M1, date: 2026-01-01, done: true}
          - {name: M2, date: 2026-02-01, done: false}
          - {name: M3, date: 2026-03-01}
        ---
        """)
    result = load_one(tmp_path, write_portfolio, text)
    assert result.errors == []
    (entry,) = result.projects
    model = entry.model
    assert (model.title, model.owner, model.sponsor, model.program, model.summary) == (
        "no",
        "0123",
        "yes",
        "off",
        "1.50",
    )
    assert entry.slug == model.slug == "007"
    assert [m.done for m in model.milestones] == [True, False, False]


def test_defaults(tmp_path, write_portfolio):
    result = load_one(tmp_path, write_portfolio, VALID.format(phase="planning", extra=""))
    model = result.projects[0].model
    assert model.state.value == "active"
    assert model.risks == [] and model.milestones == [] and model.depends_on == []
    assert model.budget is None and model.status is None


def test_recommended_fields_are_warnings(tmp_path, write_portfolio):
    write_portfolio(tmp_path, {P: VALID.format(phase="planning", extra="status: green\n")})
    result = load_portfolio(tmp_path)
    assert [(d.severity.value, d.field, d.line, d.column, d.message, d.code) for d in result.diagnostics] == [
        ("warning", "category", 1, 1, "recommended field 'category' is missing", "recommended"),
        ("warning", "end", 1, 1, "recommended field 'end' is missing", "recommended"),
        ("warning", "start", 1, 1, "recommended field 'start' is missing", "recommended"),
        ("warning", "summary", 1, 1, "recommended field 'summary' is missing", "recommended"),
    ]
    assert len(result.projects) == 1


COMPLETE = dd("""\
    ---
    title: {title}
    phase: implementation
    status: green
    owner: O
    category: {category}
    start: 2026-01-01
    end: 2026-06-30
    summary: S
    {extra}---
    """)


_TITLES = itertools.count(1)


def complete(title: str | None = None, category: str = "software", extra: str = "") -> str:
    """A complete project file; each gets a title of its own unless given one (two files with
    one title are an error)."""
    title = title or f"Project {next(_TITLES)}"
    return COMPLETE.format(title=title, category=category, extra=extra)


def test_a_complete_project_has_no_diagnostics(tmp_path, write_portfolio):
    write_portfolio(tmp_path, {P: complete()})
    result = load_portfolio(tmp_path)
    assert result.diagnostics == []
    assert result.files == 1


# ------------------------------------------------------------------------------ categories


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("software", "software"),
        ("Software", "software"),
        ("WEB", "software"),
        ("Software development", "software"),
        ("network-cloud", "network-cloud"),
        ("Network & Cloud", "network-cloud"),
        ("network and cloud", "network-cloud"),
        ("Data & Analytics", "data-analytics"),
        ("BI", "data-analytics"),
        ("IT Services", "it-services"),
        ("help desk", "it-services"),
        ("Helpdesk", "it-services"),
    ],
)
def test_categories_match_slug_label_or_alias(tmp_path, write_portfolio, written, slug):
    write_portfolio(tmp_path, {P: complete(category=f'"{written}"')})
    result = load_portfolio(tmp_path)
    assert result.diagnostics == []
    index = result.config.category_index()
    assert index[normalize(result.projects[0].model.category)].slug == slug


def test_site_yaml_replaces_the_category_taxonomy(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "site.yaml": dd("""\
            categories:
              - slug: apps
                label: Applications
                aliases: [Mobile apps]
            """),
            "content/projects/a.md": complete(category="applications"),
            "content/projects/b.md": complete(category="MOBILE APPS"),
            "content/projects/c.md": complete(category="software"),
            "content/projects/d.md": complete(category="app"),
        },
    )
    assert problems(tmp_path, path=True) == [
        ("content/projects/c.md", "warning", "category", 6, 11, "'software' is not a known category"),
        # A near miss of a known spelling is an error: the project would leave its category.
        (
            "content/projects/d.md",
            "error",
            "category",
            6,
            11,
            "'app' is not a known category; did you mean 'apps'?",
        ),
    ]
    (diag,) = [d for d in load_portfolio(tmp_path).diagnostics if d.path.endswith("c.md")]
    assert diag.hint == ("known categories: apps; other values get a category page of their own")


# ------------------------------------------------------------------------------ portfolio rules


def test_duplicate_slugs_are_an_error_in_both_files(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/portal.md": complete(),
            "content/projects/web/portal.md": complete(),
            "content/projects/other.md": complete(extra="slug: portal\n"),
            "content/projects/fine.md": complete(extra="depends_on: [portal]\n"),
        },
    )
    result = load_portfolio(tmp_path)
    assert [(d.path, d.severity.value, d.field, d.line, d.column, d.message) for d in result.diagnostics] == [
        (
            "content/projects/other.md",
            "error",
            "slug",
            10,
            7,
            "slug 'portal' is also used by content/projects/portal.md, content/projects/web/portal.md",
        ),
        (
            "content/projects/portal.md",
            "error",
            "slug",
            2,
            8,
            "slug 'portal' is also used by content/projects/other.md, content/projects/web/portal.md",
        ),
        (
            "content/projects/web/portal.md",
            "error",
            "slug",
            2,
            8,
            "slug 'portal' is also used by content/projects/other.md, content/projects/portal.md",
        ),
    ]
    assert [e.slug for e in result.projects] == ["fine"]
    assert sorted(result.rejected) == [
        "content/projects/other.md",
        "content/projects/portal.md",
        "content/projects/web/portal.md",
    ]


def test_programs_and_projects_have_separate_slugs(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/digital.md": complete(),
            "content/programs/digital.md": "---\ntitle: Digital\nowner: O\n---\n",
            "content/pages/digital.md": "---\ntitle: Digital\n---\n",
        },
    )
    result = load_portfolio(tmp_path)
    assert result.diagnostics == []
    assert (len(result.projects), len(result.programs), len(result.pages)) == (1, 1, 1)


def test_program_and_page_rules(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/programs/a.md": "---\ntitle: Digital\n---\n",
            "content/programs/b.md": "---\ntitle: Data\nowner: O\n---\n",
            "content/programs/c.md": "---\ntitle: DATA\nowner: P\n---\n",
            "content/pages/projects.md": "---\ntitle: Projects\n---\n",
        },
    )
    assert problems(tmp_path, path=True) == [
        (
            "content/pages/projects.md",
            "error",
            "slug",
            2,
            8,
            "the page slug 'projects' is used by the site itself",
        ),
        ("content/programs/a.md", "error", "owner", 1, 1, "required field 'owner' is missing"),
        # One title in two program files: projects name a program by its title.
        (
            "content/programs/b.md",
            "error",
            "title",
            2,
            8,
            f"program title 'Data' is also used by {PROGRAMS}/c.md",
        ),
        (
            "content/programs/c.md",
            "error",
            "title",
            2,
            8,
            f"program title 'DATA' is also used by {PROGRAMS}/b.md",
        ),
    ]


def test_a_file_name_in_another_script_is_spelt_in_latin_letters(tmp_path, write_portfolio):
    write_portfolio(tmp_path, {"content/projects/ქართული.md": complete()})
    result = load_portfolio(tmp_path)
    assert result.diagnostics == [] and [p.slug for p in result.projects] == ["kartuli"]
    write_portfolio(tmp_path, {"content/projects/ქართული.md": complete(extra="slug: mine\n")})
    result = load_portfolio(tmp_path)
    assert result.diagnostics == [] and [p.slug for p in result.projects] == ["mine"]


def test_unknown_dependency_with_did_you_mean(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/customer-portal.md": complete(),
            "content/projects/a.md": complete(extra="depends_on: [customer-portal, custmer-portl]\n"),
            "content/projects/b.md": complete(extra="depends_on: zzz\n"),
            "content/projects/c.md": complete(extra="depends_on: [c]\n"),
        },
    )
    assert problems(tmp_path, path=True) == [
        (
            "content/projects/a.md",
            "error",
            "depends_on[1]",
            10,
            31,
            "no project has the slug 'custmer-portl'; did you mean 'customer-portal'?",
        ),
        ("content/projects/b.md", "error", "depends_on[0]", 10, 13, "no project has the slug 'zzz'"),
        ("content/projects/c.md", "error", "depends_on[0]", 10, 14, "a project cannot depend on itself"),
    ]


def test_a_dependency_on_a_broken_file_is_not_reported_again(tmp_path, write_portfolio):
    # broken.md has its own error; naming it (by file name or by its explicit slug) is fine.
    write_portfolio(
        tmp_path,
        {
            "content/projects/broken.md": complete(extra="slug: real-slug\nprogress: lots\n"),
            "content/projects/unreadable.md": b"\xff",
            "content/projects/a.md": complete(extra="depends_on: [real-slug, broken, unreadable]\n"),
        },
    )
    result = load_portfolio(tmp_path)
    assert [(d.path, d.field, d.message) for d in result.errors] == [
        ("content/projects/broken.md", "progress", "'lots' is not a percentage"),
        ("content/projects/unreadable.md", "", "the file is not valid UTF-8 (byte 0xff)"),
    ]
    assert [e.slug for e in result.projects] == ["a"]


@pytest.mark.parametrize(
    ("graph", "message", "at"),
    [
        ({"a": "b", "b": "a"}, "dependency cycle: a → b → a", "a"),
        ({"b": "c", "c": "a", "a": "b"}, "dependency cycle: a → b → c → a", "a"),
        ({"x": "y", "y": "z", "z": "y"}, "dependency cycle: y → z → y", "y"),
    ],
)
def test_dependency_cycles(tmp_path, write_portfolio, graph, message, at):
    files = {
        f"content/projects/{slug}.md": complete(extra=f"depends_on: [{dep}]\n") for slug, dep in graph.items()
    }
    files["content/projects/ok.md"] = complete(extra=f"depends_on: [{at}]\n")
    write_portfolio(tmp_path, files)
    result = load_portfolio(tmp_path)
    members = sorted(set(message.removeprefix("dependency cycle: ").split(" → ")))
    # Every file of the cycle is annotated, at its own link into the cycle.
    assert [(d.path, d.severity.value, d.field, d.line, d.column, d.message) for d in result.diagnostics] == [
        (f"content/projects/{m}.md", "error", "depends_on[0]", 10, 14, message) for m in members
    ]
    assert at == members[0]
    assert result.diagnostics[0].hint == (
        "a project cannot (indirectly) depend on itself; remove one of these links"
    )
    in_cycle = set(message.removeprefix("dependency cycle: ").split(" → "))
    assert {e.slug for e in result.projects} == {"ok", *graph} - in_cycle


def test_cycle_message_names_only_real_links(tmp_path, write_portfolio):
    # a → b; b → c and b → d; c → b; d → a. The cycle through 'a' is a → b → d → a
    # (a greedy walk would report 'a → b → c → a', but c does not depend on a).
    deps = {"a": "[b]", "b": "[c, d]", "c": "[b]", "d": "[a]"}
    write_portfolio(
        tmp_path, {f"content/projects/{s}.md": complete(extra=f"depends_on: {d}\n") for s, d in deps.items()}
    )
    cycle = "dependency cycle: a → b → d → a"
    # a.md's link to b, b.md's link to d (its second entry), d.md's link to a.
    assert problems(tmp_path) == [
        E("depends_on[0]", 10, 14, cycle),
        E("depends_on[1]", 10, 17, cycle),
        E("depends_on[0]", 10, 14, cycle),
    ]


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({}, []),
        ({"a": []}, []),
        ({"a": ["b"], "b": []}, []),
        ({"a": ["b"], "b": ["a"]}, [["a", "b"]]),
        ({"b": ["a"], "a": ["b"]}, [["a", "b"]]),
        ({"a": ["b"], "b": ["c"], "c": ["a"], "x": ["a"]}, [["a", "b", "c"]]),
        ({"a": ["b"], "b": ["c", "d"], "c": ["b"], "d": ["a"]}, [["a", "b", "d"]]),
        ({"a": ["c", "b"], "b": ["a"], "c": ["d"], "d": ["a"]}, [["a", "b"]]),
        ({"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c"]}, [["a", "b"], ["c", "d"]]),
    ],
)
def test_find_cycles(graph, cycles):
    found = find_cycles(graph)
    assert sorted(found) == cycles
    for cycle in found:  # every reported link exists
        for here, there in zip(cycle, cycle[1:] + cycle[:1], strict=True):
            assert there in graph[here]


def test_find_cycles_on_a_long_chain_does_not_recurse():
    n = 5000
    graph = {f"p{i}": [f"p{i + 1}"] for i in range(n)}
    graph[f"p{n}"] = ["p0"]
    (cycle,) = find_cycles(graph)
    assert len(cycle) == n + 1


# ------------------------------------------------------------------------------ one run, all files


def test_all_problems_of_all_files_in_one_run(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/one.md": dd("""\
            ---
            title: One
            phase: Execut
            owner: O
            progress: lots
            ---
            """),
            "content/projects/two.md": "---\ntitle: Phase 2: rollout\n---\n",
            "content/projects/three.md": dd("""\
            ---
            title: Three
            phase: planning
            budget: 250 EUR
            ---
            """),
            "content/projects/fine.md": complete(),
        },
    )
    result = load_portfolio(tmp_path)
    assert [(d.path, d.line, d.column, d.field) for d in result.errors] == [
        ("content/projects/one.md", 3, 8, "phase"),
        ("content/projects/one.md", 5, 11, "progress"),
        ("content/projects/three.md", 1, 1, "owner"),
        ("content/projects/three.md", 4, 9, "budget.planned"),
        ("content/projects/two.md", 2, 15, ""),
    ]
    assert [e.slug for e in result.projects] == ["fine"]
    assert result.files == 4


# ------------------------------------------------------------------------------ site.yaml


@pytest.mark.parametrize("text", ["", "\n\n", "# all defaults\n"])
def test_an_empty_site_yaml_means_all_defaults(tmp_path, write_portfolio, text):
    write_portfolio(tmp_path, {"site.yaml": text, P: complete()})
    result = load_portfolio(tmp_path)
    assert result.diagnostics == []
    assert result.config.currency == "USD"
    assert result.files == 2


def test_site_yaml_diagnostics_count_lines_from_1(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "site.yaml": dd("""\
            title: Portfolio
            curency: USD
            currency: euro
            risk_bands:
              low: 1
              mid: 3
            exchange_rates:
              EUR: 0
            """),
            P: complete(),
        },
    )
    assert problems(tmp_path, path=True) == [
        ("site.yaml", "error", "curency", 2, 1, "unknown key 'curency'; did you mean 'currency'?"),
        (
            "site.yaml",
            "error",
            "currency",
            3,
            11,
            "'euro' is not an ISO 4217 currency code; did you mean 'EUR'?",
        ),
        ("site.yaml", "error", "risk_bands.mid", 6, 3, "unknown key 'mid'"),
        ("site.yaml", "error", "exchange_rates.EUR", 8, 8, "exchange rate for EUR must be above zero"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("title: [Portfolio\n", 1, 8, "YAML syntax error: the list opened here with '[' is not closed"),
        (
            "title: A\n\tcurrency: USD\n",
            2,
            1,
            "YAML syntax error: found a tab character that violates indentation",
        ),
        ("- a\n- b\n", 1, 1, "the file must be a set of 'key: value' lines"),
    ],
)
def test_a_broken_site_yaml_is_a_diagnostic(tmp_path, write_portfolio, text, line, column, message):
    write_portfolio(tmp_path, {"site.yaml": text, P: complete()})
    result = load_portfolio(tmp_path)
    assert [(d.path, d.severity.value, d.line, d.column, d.message) for d in result.errors] == [
        ("site.yaml", "error", line, column, message)
    ]
    assert len(result.projects) == 1


def test_a_dependency_on_a_slug_clash_is_not_reported_again(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/b.md": complete(),
            "content/projects/c.md": complete(extra="slug: b\n"),
            "content/projects/d.md": complete(extra="depends_on: [b]\n"),
        },
    )
    result = load_portfolio(tmp_path)
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("content/projects/b.md", "slug 'b' is also used by content/projects/c.md"),
        ("content/projects/c.md", "slug 'b' is also used by content/projects/b.md"),
    ]
    assert [e.slug for e in result.projects] == ["d"]


def test_a_misspelt_required_key_is_one_error_at_the_misspelling(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": (
                "---\ntitle: A\nphase: planning\nownr: Ana\nsummary: s\nstatus: green\n"
                "category: software\nstart: 2026-01-01\nend: 2026-02-01\n---\n"
            )
        },
    )
    result = load_portfolio(tmp_path)
    assert [(d.severity.value, d.field, d.line, d.column, d.message, d.hint) for d in result.diagnostics] == [
        (
            "error",
            "owner",
            4,
            1,
            "required field 'owner' is missing; 'ownr' looks like a misspelling",
            "rename 'ownr' to 'owner'",
        )
    ]


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="links need privileges")
def test_a_content_file_linking_outside_the_portfolio_is_not_read(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", {"content/pages/about.md": "---\ntitle: About\n---\nHello.\n"})
    outside = tmp_path / "private.md"
    outside.write_text("---\ntitle: Private\n---\nThe first line of a secret.\n", encoding="utf-8")
    (root / "content" / "pages" / "leak.md").symlink_to(outside)
    (root / "content" / "pages" / "alias.md").symlink_to(root / "content/pages/about.md")
    result = load_portfolio(root)
    assert [(d.path, d.line, d.message, d.hint) for d in result.errors] == [
        (
            "content/pages/leak.md",
            1,
            "cannot read the file: it is reached through a link that "
            "leads out of content/, which itpm-site does not follow",
            "copy the file into content/ instead of linking to it",
        )
    ]
    assert all("secret" not in (d.source_line or "") for d in result.diagnostics)
    assert "content/pages/alias.md" not in result.rejected  # a link inside is read as usual


def test_the_theme_named_in_site_yaml_is_a_folder_of_themes(tmp_path: Path, write_portfolio) -> None:
    files = {
        "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
        "themes/corporate/static/css/site.css": "body {}\n",
    }
    for name, expected in [
        ("default", []),
        ("corporate", []),
        ("corprate", [("error", "theme", 2, 8, "there is no theme folder themes/corprate/")]),
        ("../../etc", [("error", "theme", 2, 8, "'../../etc' is not the name of a folder under themes/")]),
    ]:
        root = write_portfolio(
            tmp_path / name.replace("/", "_").replace(".", "d"),
            {**files, "site.yaml": f"title: T\ntheme: {name}\n"},
        )
        assert problems(root) == expected, name
    hint = load_portfolio(tmp_path / "corprate").errors[0].hint
    assert hint.endswith("or use one of: default, corporate")


def test_a_did_you_mean_is_kept_as_data_beside_the_message(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "site.yaml": "categories:\n  - {slug: software, label: Software}\n",
            "content/projects/a.md": (
                "---\ntitle: A\nphase: planning\nowner: Ana\nsumary: s\n"
                "category: sofware\ndepends_on: [bb]\n---\n"
            ),
            "content/projects/b.md": "---\ntitle: B\nphase: planning\nowner: Ana\n---\n",
            "content/projects/c.md": "---\ntitle: C\nphase: planning\nowner: Ana\nstatus: gren\n---\n",
        },
    )
    result = load_portfolio(tmp_path)
    suggested = {d.code: d.suggestion for d in result.diagnostics}
    assert suggested["unknown-key"] == "summary"
    assert suggested["status"] == "green"
    assert suggested["category"] == "software"
    assert suggested["unknown-dependency"] == "b"
    for d in result.diagnostics:
        assert ("did you mean" in d.message) == bool(d.suggestion)
        assert f"did you mean '{d.suggestion}'" in d.message or not d.suggestion
        assert "suggestion" not in d.to_json()  # the JSON format keeps its keys


def test_the_misspelt_required_key_merge_reads_the_suggestion_not_the_message():
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.loader import _merge_misspelled_required
    from itpm_site.model.diagnostic import Diagnostic, Severity

    out = Collector()
    out.items += [
        Diagnostic(
            "a.md", 1, 1, Severity.ERROR, "owner", "required field 'owner' is missing", code="missing"
        ),
        # Worded otherwise than the loader words it: only the field says what was meant.
        Diagnostic(
            "a.md",
            4,
            1,
            Severity.WARNING,
            "ownr",
            "'ownr' is not a key",
            code="unknown-key",
            suggestion="owner",
        ),
        Diagnostic("a.md", 5, 1, Severity.WARNING, "colour", "unknown key 'colour'", code="unknown-key"),
    ]
    _merge_misspelled_required(out, 0)
    assert [(d.field, d.line, d.code, d.severity) for d in out.items] == [
        ("owner", 4, "missing", Severity.ERROR),
        ("colour", 5, "unknown-key", Severity.WARNING),
    ]


@pytest.mark.parametrize(
    ("weeks", "message"),
    [
        ("-1", "'-1' is too small: the least allowed is 1"),
        ("9999", "'9999' is too large: the most allowed is 520"),
    ],
)
def test_a_setting_out_of_its_range_names_the_range(tmp_path, write_portfolio, weeks, message):
    write_portfolio(tmp_path, {"site.yaml": f"history:\n  weeks: {weeks}\n", P: complete()})
    (diag,) = [d for d in load_portfolio(tmp_path).diagnostics if d.path == "site.yaml"]
    assert (diag.field, diag.line, diag.message) == ("history.weeks", 2, message)
    assert diag.hint == "write a number from 1 to 520"


# ------------------------------------------------------------------------------ across files, always


def test_a_file_with_its_own_error_still_gets_its_cross_file_errors(tmp_path, write_portfolio):
    """Fix, push, fail again is what a PR author must never live through: a file's own error
    and its misspelt dependency, slug clash and duplicate title come in one run."""
    write_portfolio(
        tmp_path,
        {
            "content/projects/crm.md": complete(title="CRM"),
            "content/projects/portal.md": complete(title="Portal"),
            "content/projects/broken.md": dd("""\
                ---
                title: CRM
                phase: Implemntation
                owner: O
                slug: portal
                depends_on: [crn]
                ---
                """),
        },
    )
    found = [(d.path.rsplit("/", 1)[1], d.field, d.code) for d in load_portfolio(tmp_path).errors]
    assert sorted(found) == [
        ("broken.md", "depends_on[0]", "unknown-dependency"),
        ("broken.md", "phase", "phase"),
        ("broken.md", "slug", "duplicate-slug"),
        ("broken.md", "title", "duplicate-title"),
        ("crm.md", "title", "duplicate-title"),
        ("portal.md", "slug", "duplicate-slug"),
    ]


def test_a_copy_left_beside_the_original_is_named_as_a_copy(tmp_path, write_portfolio):
    original = complete(title="Data Lake")
    write_portfolio(
        tmp_path, {"content/projects/data-lake.md": original, "content/projects/data-lake copy.md": original}
    )
    result = load_portfolio(tmp_path)
    assert result.projects == []
    assert [(d.path, d.message) for d in result.errors] == [
        (
            "content/projects/data-lake copy.md",
            "this file is a copy of content/projects/data-lake.md: the project would be counted twice",
        ),
        (
            "content/projects/data-lake.md",
            "this file is a copy of content/projects/data-lake copy.md: the project would be counted twice",
        ),
    ]


def test_names_written_two_ways_are_a_warning_naming_the_other(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": complete(extra="tags: [cloud]\n").replace(
                "owner: O", "owner: Nino Beridze"
            ),
            "content/projects/b.md": complete(extra="tags: [cloud]\n").replace(
                "owner: O", "owner: Nino Beridze"
            ),
            "content/projects/c.md": complete(extra="tags: [Cloud]\n").replace(
                "owner: O", "owner: Nino Berdize"
            ),
            "content/projects/d.md": complete().replace("owner: O", "owner: Ana Lomidze"),
        },
    )
    result = load_portfolio(tmp_path)
    assert [(d.path, d.message) for d in result.diagnostics if d.code == "near-spelling"] == [
        (
            "content/projects/c.md",
            "owner 'Nino Berdize' is written almost like 'Nino Beridze' (content/projects/a.md)",
        ),
        ("content/projects/c.md", "tag 'Cloud' is written 'cloud' in content/projects/a.md"),
    ]
    assert result.errors == [] and len(result.projects) == 4


def test_names_that_differ_in_digits_are_not_near_spellings(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            f"content/projects/{n}.md": complete().replace("owner: O", f"owner: Delivery Team {n}")
            for n in (12, 21, 2)
        },
    )
    assert [d for d in load_portfolio(tmp_path).diagnostics if d.code == "near-spelling"] == []


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("content/project/a.md", "the folder content/project/ is not read; did you mean content/projects/?"),
        ("content/a.md", "a Markdown file directly in content/ is not read"),
        ("content/projects/a.markdown", "'a.markdown' is not read: only files ending in '.md' are"),
        (
            "content/programs/sub/a.md",
            "programs are read only from content/programs/ itself, not from its sub-folders",
        ),
        ("content/projects/README.md", "'README.md' is not read: a README is never content"),
        ("content/projects/a.txt", "'a.txt' is not read: only files ending in '.md' are"),
        ("projects/a.md", "the folder projects/ is not read"),
    ],
)
def test_content_that_is_not_read_is_an_error(tmp_path, write_portfolio, rel, message):
    """A project saved where it is not read would drop out of every figure without a word."""
    write_portfolio(tmp_path, {rel: complete(), "content/README.md": "# How this folder works\n"})
    write_portfolio(tmp_path, {"content/_drafts/idea.md": "draft", "content/projects/img.png": b"\x89PNG"})
    result = load_portfolio(tmp_path)
    assert [(d.path, d.line, d.message, d.code) for d in result.diagnostics] == [
        (rel, 1, message, "not-read")
    ]
    assert result.rejected == [rel]
