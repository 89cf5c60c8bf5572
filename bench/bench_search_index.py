#!/usr/bin/env python3
"""The search index's own cost, in one process: CPU and bytes of ``search_index`` over a
portfolio's records (loaded, aggregated and rendered first, not timed), and what is left of it
in the parent of a build whose records were indexed by the render workers or kept from the
last build: the index assembled from the packed records (``--assembled``).

    python bench/bench_search_index.py /tmp/pf/itpm-1k [--runs 3] [--assembled]

Run it alternately from two checkouts (``PYTHONPATH=OTHER_CHECKOUT python ...``) to compare
two versions of the index on the same records: the build's own figures mix the index thread
with the render workers on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import itpm_site
from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.load.portfolio import load_portfolio
from itpm_site.outputs import search
from itpm_site.render.markdown import render_markdown


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--as-of", default="2025-06-01")
    ap.add_argument("--assembled", action="store_true", help="also time the assembly from packed records")
    args = ap.parse_args()
    portfolio = build_portfolio(load_portfolio(args.root), dt.date.fromisoformat(args.as_of))
    records = search.search_records(portfolio, render_markdown)
    times, size = [], 0
    for _ in range(args.runs):
        started = time.process_time()
        files = search.search_index(records, portfolio.config.language)
        times.append(time.process_time() - started)
        size = sum(len(data) for data in files.values())
    print(
        f"{Path(itpm_site.__file__).parent}: {len(records):,} records, "
        f"CPU {', '.join(f'{t:.2f} s' for t in times)}, {size:,} bytes in {len(files):,} files"
    )
    if args.assembled:
        assembled(portfolio, records, files, args.runs)
    return 0


def assembled(portfolio, records, files, runs: int) -> None:
    """CPU of ``site_index`` when every record comes packed (from the render workers or the
    cache): the parent's part of the index in a build; and of packing and unpacking."""
    from itpm_site.outputs.search_cache import KeptRecords, pack, record_digest
    from itpm_site.render.markdown import MarkdownCache
    from itpm_site.render.site import SiteBuild

    language = portfolio.config.language
    started = time.process_time()
    made = {r.url: (record_digest(r, language), pack(search.index_record(r))) for r in records}
    indexing = time.process_time() - started
    site = SiteBuild(None, portfolio, [], None, None, "/", MarkdownCache())  # type: ignore[arg-type]
    times = []
    for _ in range(runs):
        kept = KeptRecords()
        started = time.process_time()
        out = search.site_index(site, made, kept)
        times.append(time.process_time() - started)
        assert out == files, "the assembled index differs from search_index's"
    size = sum(len(blob) for _, blob in made.values())
    print(
        f"  made, indexed and packed (the workers' part): CPU {indexing:.2f} s, {size:,} bytes packed; "
        f"assembled from them (the parent's part): CPU {', '.join(f'{t:.2f} s' for t in times)}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
