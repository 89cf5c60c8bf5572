"""A generated portfolio for the search relevance test (``search_relevance.tsv``, site
``generated``): a few hundred look-alike projects, and among them the projects the queries
are after, with names, amounts and phrases that are hard to find."""

from __future__ import annotations

import random

VERBS = [
    "Modernise",
    "Migrate",
    "Consolidate",
    "Automate",
    "Replace",
    "Upgrade",
    "Roll out",
    "Harden",
    "Decommission",
    "Integrate",
    "Standardise",
    "Pilot",
]
OBJECTS = [
    "billing API",
    "data warehouse",
    "service desk tooling",
    "WAN backbone",
    "identity provider",
    "CRM",
    "HR portal",
    "payment gateway",
    "log pipeline",
    "backup platform",
    "VPN concentrators",
    "reporting stack",
    "ticket routing",
    "email gateway",
    "mobile app",
    "asset inventory",
    "DNS and DHCP",
    "ETL jobs",
    "knowledge base",
    "core switches",
    "BI dashboards",
    "payroll interfaces",
]
PLACES = [
    "Tbilisi",
    "Vienna",
    "Boston",
    "Lisbon",
    "Oslo",
    "Berlin",
    "Dublin",
    "Warsaw",
    "Madrid",
    "Prague",
    "Athens",
    "Riga",
]
FIRST = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jakub",
    "Karin",
    "Luis",
    "Maya",
    "Nils",
    "Olga",
    "Pedro",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
]
LAST = [
    "Schmidt",
    "Okafor",
    "Rossi",
    "Novak",
    "Larsen",
    "Kowalski",
    "Tanaka",
    "Silva",
    "Moreau",
    "Andersen",
    "Haddad",
    "Petrov",
    "Fischer",
    "Costa",
    "Nguyen",
    "Connor",
]
# Sentences that share words with the projects the queries are after, never their phrases.
SENTENCES = [
    "The vendor will reset the schedule after the design review.",
    "Password rules follow the group standard.",
    "At the end of each month the team will close open tickets.",
    "The service desk tracks every request until it is closed.",
    "Data from the warehouse feeds the monthly reports.",
    "Scanners and printers stay on the current contract.",
    "The rollout starts with one office and then moves to the branches.",
    "Telephone lines in the branches are out of scope.",
    "Security reviews the design before the first release.",
    "Payroll data is copied nightly to the reporting stack.",
    "New starters use the existing laptops until the refresh.",
    "Recovery time objectives are agreed with the business owners.",
    "The consent of each customer is kept with the record.",
    "The lake of raw files is cleaned up before the migration.",
    "Costs are reported to the steering committee each quarter.",
]
RISKS = [
    "Vendor delivery slips",
    "Key engineer leaves",
    "Budget cut in Q3",
    "Scope creep from the business",
    "Integration tests fail late",
]


def _project(
    slug: str,
    title: str,
    owner: str,
    planned: int,
    currency: str,
    summary: str,
    body: str,
    *,
    team: list[str] | None = None,
    program: str = "Shared Services",
    risks: list[str] | None = None,
    milestones: list[str] | None = None,
    forecast: int | None = None,
) -> tuple[str, str]:
    lines = [
        "---",
        f"title: {title}",
        "phase: implementation",
        "status: green",
        f"owner: {owner}",
        f"program: {program}",
        "category: software",
        "start: 2026-01-05",
        "end: 2026-12-18",
        "status_date: 2026-11-10",
        f"summary: {summary}",
        "budget:",
        f"  planned: {planned}",
        f"  currency: {currency}",
    ]
    if forecast:
        lines.append(f"  forecast: {forecast}")
    if team:
        lines.append("team: [" + ", ".join(team) + "]")
    if risks:
        lines.append("risks:")
        for i, risk in enumerate(risks):
            lines += [f"  - title: {risk}", f"    probability: {2 + i % 3}", "    impact: 3"]
    if milestones:
        lines.append("milestones:")
        for i, name in enumerate(milestones):
            lines += [f"  - name: {name}", f"    date: 2026-{3 + 2 * i:02}-15"]
    return f"content/projects/{slug}.md", "\n".join(lines) + "\n---\n" + body + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


# The projects the queries are after: (slug, title, owner, planned, currency, summary, body,
# extra fields).
PLANTED = [
    (
        "nordic-payroll",
        "Nordic Payroll Consolidation",
        "Søren Ødegård",
        3217500,
        "EUR",
        "One payroll provider for Oslo, Stockholm and Copenhagen.",
        "Payroll for the three countries moves to one provider. The month-end close moves from "
        "day five to day three.",
        {
            "risks": ["Works council objects to the new provider"],
            "milestones": ["Parallel payroll run signed off"],
            "forecast": 3350000,
            "program": "Nordic Operations",
        },
    ),
    (
        "oslo-identity",
        "Oslo Identity Federation",
        "Søren Ødegård",
        420000,
        "EUR",
        "Staff in Oslo sign in with the group identity provider.",
        "The Oslo directory is merged into the group directory.",
        {"program": "Nordic Operations"},
    ),
    (
        "berlin-warehouse",
        "Berlin Warehouse Scanners",
        "Jürgen Straßmann",
        612300,
        "EUR",
        "Handheld scanners for the Berlin warehouse.",
        "Handheld scanners replace paper pick lists in the Berlin warehouse.",
        {},
    ),
    (
        "dublin-onboarding",
        "Dublin Service Desk Onboarding",
        "Siobhán O'Connor",
        455500,
        "EUR",
        "New starters in Dublin get a laptop and accounts on their first day.",
        "Self-service password reset goes live for every new starter. Onboarding checklists are "
        "kept in the service desk.",
        {"milestones": ["First cohort onboarded"]},
    ),
    (
        "krakow-lakehouse",
        "Kraków Data Lakehouse",
        "Łukasz Wójcik",
        1480500,
        "EUR",
        "A data lakehouse for finance and risk reporting.",
        "The lakehouse replaces three data marts. Finance reports read from curated tables.",
        {},
    ),
    (
        "belgrade-telephony",
        "Belgrade Contact Centre Telephony",
        "Đorđe Petrović",
        781200,
        "USD",
        "Cloud telephony for the Belgrade contact centre.",
        "Agents move from desk phones to a cloud telephony platform with call recording.",
        {},
    ),
    (
        "reykjavik-drill",
        "Reykjavík Ransomware Recovery Drill",
        "Þóra Jónsdóttir",
        95400,
        "GBP",
        "A ransomware recovery drill for the Reykjavík office.",
        "The drill restores the file servers from immutable backups within a day.",
        {"risks": ["Backups found to be incomplete during the drill"]},
    ),
    (
        "paris-consent",
        "Paris Cookie Consent Banner",
        "Gwenaëlle Le Bœuf",
        1648000,
        "EUR",
        "A cookie consent banner on every public site in France.",
        "The banner stores each visitor's choice and honours it on every page.",
        {},
    ),
    (
        "copenhagen-wifi",
        "Copenhagen Branch Wi-Fi Upgrade",
        "Bjørn Dæhlie",
        233700,
        "EUR",
        "Wi-Fi 6 access points for the Copenhagen branches.",
        "Access points are replaced branch by branch over weekends.",
        {},
    ),
    (
        "warsaw-switches",
        "Warsaw Core Switch Replacement",
        "Małgorzata Kowalska",
        874900,
        "EUR",
        "The core switches of the Warsaw data centre are replaced.",
        "Two new core switches run side by side with the old pair before the cut-over.",
        {},
    ),
    (
        "cork-print",
        "Cork Print Fleet Retirement",
        "Aoife D'Arcy",
        120700,
        "EUR",
        "The Cork office retires its printers for secure follow-me printing.",
        "Most printers go; a few follow-me printers stay on each floor.",
        {},
    ),
    (
        "istanbul-mobile",
        "Istanbul Mobile Banking Launch",
        "Işıl Yılmaz",
        2365000,
        "USD",
        "Mobile banking for retail customers in Türkiye.",
        "The app launches with card payments and transfers.",
        {},
    ),
]


def search_portfolio(count: int = 400, seed: int = 15) -> dict[str, str]:
    """``site.yaml``, a program and ``count`` look-alike projects plus ``PLANTED``."""
    rng = random.Random(seed)
    files = {
        "site.yaml": "title: Generated search portfolio\nas_of: 2026-11-20\n"
        "currency: EUR\nexchange_rates: {USD: 0.92, GBP: 1.17}\n",
        "content/programs/nordic-operations.md": "---\ntitle: Nordic Operations\nowner: Søren Ødegård\n---\n"
        "Shared services for the Nordic countries.\n",
    }
    people = [f"{f} {last}" for f in FIRST for last in LAST]
    for i in range(count):
        verb, thing, place = rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(PLACES)
        title = f"{verb} {thing} in {place} ({i})"
        team = rng.sample(people, 2) + (["Søren Ødegård"] if i % 80 == 0 else [])
        body = " ".join(rng.sample(SENTENCES, 5))
        rel, text = _project(
            f"p{i:04}",
            title,
            rng.choice(people),
            rng.randrange(4, 40) * 25000,
            rng.choice(["EUR", "USD", "GBP"]),
            f"{verb} the {thing} for {place}.",
            body,
            team=team,
            risks=rng.sample(RISKS, 2),
            milestones=[f"{thing} live in {place}"],
        )
        files[rel] = text
    for slug, title, owner, planned, currency, summary, body, extra in PLANTED:
        rel, text = _project(slug, title, _quoted(owner), planned, currency, _quoted(summary), body, **extra)
        files[rel] = text
    return files
