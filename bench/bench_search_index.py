#!/usr/bin/env python3
"""The search index's own cost, in one process: CPU and bytes of ``search_index`` over a
portfolio's records (loaded, aggregated and rendered first, not timed).

    python bench/bench_search_index.py /tmp/pf/itpm-1k [--runs 3]

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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
