#!/usr/bin/env python3
"""Deterministic synthetic portfolio for benchmarks, in itpm-site's layout.

    python bench/gen_portfolio.py --n 10000 --out /tmp/pf/itpm-10k [--seed 42] [--people 2000]

The projects are the peer harness's (``../shared/bench/gen_portfolio.py``, same seed), so
itpm-site builds exactly what Hugo, MkDocs and Pelican build in the same run. Two values of
that generator fall outside itpm-site's data contract and are mapped to the nearest valid
value (risk status ``mitigating`` -> ``monitoring``, ``accepted`` -> ``mitigated``); the
harness's ``service-desk`` category is kept (it matches the ``it-services`` alias); a title
the generator has already given another project gets a number (``Roll out CRM (2)``), and so
does a risk title or milestone name repeated within a project, since each is an error in
itpm-site. A
``site.yaml`` with exchange rates for the generator's currencies and a fixed ``as_of`` is
added, so the build is reproducible. Bodies, owners, budgets, risks and milestones are
byte-for-byte the harness's.

``--people N`` adds a people directory (``content/people/``, N people in eight teams, some on
leave) and one to three allocations to every project's ``team:``, drawn from its own seeded
generator: the peers have no people, so this measures what the people pages cost itpm-site.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_HARNESS = HERE.parent.parent / "shared" / "bench"

RISK_STATUS = {"mitigating": "monitoring", "accepted": "mitigated"}

SITE_YAML = """\
title: Synthetic portfolio ({n} projects)
currency: EUR
exchange_rates: {{USD: 0.92, GEL: 0.34, GBP: 1.17}}
as_of: 2025-06-01
"""


TEAMS = (
    "Business Data",
    "Security",
    "Procurement",
    "Infrastructure",
    "Digital Delivery",
    "Finance Systems",
    "Service Desk",
    "Architecture",
)
FIRST = (
    "Ana", "Nino", "Giorgi", "Luka", "Tamar", "Davit", "Mariam", "Levan", "Eka", "Irakli",
    "Sophie", "David", "Maria", "Jonas", "Elena", "Tomas", "Sara", "Peter", "Lea", "Marek",
    "Olga", "Ivan", "Clara", "Hugo", "Nora", "Felix", "Maya", "Omar", "Lina", "Paul",
    "Rosa", "Emil", "Ines", "Karl", "Zoe", "Adam", "Ida", "Leon", "Mila", "Noah",
)  # fmt: skip
LAST = (
    "Lomidze", "Beridze", "Kapanadze", "Meskhi", "Gelashvili", "Lordkipanidze", "Tsereteli",
    "Abashidze", "Chavchavadze", "Dadiani", "Martin", "Chen", "Novak", "Berger", "Rossi",
    "Horvat", "Kowalski", "Nielsen", "Silva", "Moreau", "Fischer", "Costa", "Weber", "Janssen",
    "Dubois", "Varga", "Popescu", "Petrov", "Larsen", "Keller", "Meyer", "Romano", "Lambert",
    "Svoboda", "Nowak", "Jensen", "Garcia", "Olsen", "Bauer", "Ricci", "Hansen", "Schmidt",
    "Wagner", "Richter", "Vogel", "Krause", "Brandt", "Hoffmann", "Lange", "Frank",
)  # fmt: skip


def make_people(n: int, seed: int) -> list[dict]:
    """``n`` people with unique names (first × last), a team, a capacity and some leave."""
    if n > len(FIRST) * len(LAST):
        sys.exit(f"--people is at most {len(FIRST) * len(LAST)}")
    rng = random.Random(seed)
    names = [f"{f} {last}" for last in LAST for f in FIRST][:n]
    people = []
    for i, name in enumerate(names):
        person: dict = {"name": name, "team": TEAMS[i % len(TEAMS)], "role": "Engineer"}
        if rng.random() < 0.2:
            person["capacity"] = rng.choice((50, 60, 80))
        if rng.random() < 0.1:
            start = rng.randrange(1, 12)
            person["unavailable"] = [{"from": f"2025-{start:02d}-01", "to": f"2025-{start:02d}-20"}]
        people.append(person)
    return people


def write_people(out: Path, people: list[dict], yaml) -> None:
    folder = out / "content" / "people"
    folder.mkdir(parents=True)
    for i, person in enumerate(people):
        front = yaml.safe_dump(person, allow_unicode=True, sort_keys=False, width=1000)
        text = f"---\n{front}---\n\n{person['role']}.\n"
        (folder / f"person-{i:05d}.md").write_text(text, encoding="utf-8")


def load_harness(folder: Path):
    path = folder / "gen_portfolio.py"
    if not path.is_file():
        sys.exit(f"peer harness not found at {path}; pass --harness DIR")
    spec = importlib.util.spec_from_file_location("peer_gen_portfolio", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--harness", type=Path, default=DEFAULT_HARNESS)
    ap.add_argument("--people", type=int, default=0, help="add a people directory of this size")
    args = ap.parse_args(argv)
    gen = load_harness(args.harness)
    projects = gen.make_projects(args.n, args.seed)
    if args.out.exists():
        shutil.rmtree(args.out)
    folder = args.out / "content" / "projects"
    folder.mkdir(parents=True)
    titles: dict[str, int] = {}
    people = make_people(args.people, args.seed) if args.people else []
    rng = random.Random(args.seed + 1)
    for p in projects:
        titles[p["title"]] = titles.get(p["title"], 0) + 1
        if titles[p["title"]] > 1:
            p["title"] = f"{p['title']} ({titles[p['title']]})"
        for items, key in ((p["risks"], "title"), (p.get("milestones", []), "name")):
            seen: dict[str, int] = {}
            for item in items:  # one title per risk, one name per milestone in a project
                seen[item[key]] = seen.get(item[key], 0) + 1
                if seen[item[key]] > 1:
                    item[key] = f"{item[key]} ({seen[item[key]]})"
        for risk in p["risks"]:
            risk["status"] = RISK_STATUS.get(risk["status"], risk["status"])
        p["summary"] = f"{p['title']}: {p['program']} project owned by {p['owner']}."
        if people:
            chosen = rng.sample(people, rng.randint(1, 3))
            p["team"] = [{"person": x["name"], "allocation": rng.choice((5, 10, 10, 20, 25))} for x in chosen]
        (folder / f"{p['slug']}.md").write_text(gen.yaml_front(p), encoding="utf-8")
    if people:
        write_people(args.out, people, gen.yaml)
    (args.out / "site.yaml").write_text(SITE_YAML.format(n=args.n), encoding="utf-8")
    print(f"wrote {args.n} projects{f' and {len(people)} people' if people else ''} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
