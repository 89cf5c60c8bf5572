#!/usr/bin/env python3
"""Edit-to-reload latency of ``itpm-site serve`` on synthetic portfolios.

    python bench/gen_portfolio.py --n 1000 --out /tmp/pf/itpm-1k      # once per size
    python bench/bench_serve.py --portfolio 1000=/tmp/pf/itpm-1k --portfolio 10000=/tmp/pf/itpm-10k

For each portfolio: start ``itpm-site serve`` in a subprocess, wait for the first build, connect
to the event stream, then change one project's status (a safe save: temporary file renamed over
the original) and time until the ``reload`` event arrives; the median of ``--edits`` edits is
compared with the target. After each reload event the edited project's page and then the
dashboard are fetched, as a reloading browser would, and timed from the edit too (serve answers
a page only once it is up to date, so these are "edit -> fresh page" times). The edited file is
restored at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

TARGETS_MS = {1000: 300, 10000: 1500}
STATUSES = ("green", "amber", "red")


class Server:
    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "itpm_site", "serve", "--root", str(root), "--port", "auto"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.url: str | None = None
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("serving at "):
                self.url = line.split()[2]
                self.ready.set()
        self.ready.set()

    def rebuild_times(self) -> list[float]:
        return [
            float(m.group(1))
            for line in self.lines
            if (m := re.search(r"rebuilt \(incremental\) in (\d+) ms", line))
        ]

    def stage_times(self) -> dict[str, list[float]]:
        """The server's own split of each incremental rebuild: load, model, plan, ..."""
        stages: dict[str, list[float]] = {}
        for line in self.lines:
            m = re.search(r"rebuilt \(incremental\) in \d+ ms \(([^)]*)\)", line)
            for part in m.group(1).split(", ") if m else ():
                name, _, value = part.partition(" ")
                stages.setdefault(name, []).append(float(value))
        return stages

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Events:
    """The server's event stream; ``wait('reload')`` returns when that event arrives."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.conn.request("GET", "/__itpm__/events")
        self.response = self.conn.getresponse()

    def wait(self, name: str) -> float:
        event = None
        while True:
            line = self.response.readline()
            if not line:
                raise RuntimeError("the event stream ended")
            text = line.decode().rstrip("\n")
            if text.startswith("event:"):
                event = text[6:].strip()
            elif not text:
                if os.environ.get("BENCH_DEBUG"):
                    print(f"  {time.perf_counter():.3f} event {event}", file=sys.stderr)
                if event == name:
                    return time.perf_counter()
                event = None

    def close(self) -> None:
        self.conn.close()


def set_status(path: Path, text: str, status: str) -> str:
    new = re.sub(r"^status: .*$", f"status: {status}", text, count=1, flags=re.MULTILINE)
    if new == text:  # no status line: add one after the title
        new = text.replace("\ntitle:", f"\nstatus: {status}\ntitle:", 1)
    tmp = path.with_name(f".{path.name}.bench")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)
    return new


def fetch(url: str) -> float:
    """GET ``url`` and read it all; the time it was complete."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        conn.request("GET", parts.path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return time.perf_counter()
    finally:
        conn.close()


def bench(size: int, root: Path, edits: int, pause: float) -> dict:
    projects = sorted((root / "content" / "projects").rglob("*.md"))
    path = projects[len(projects) // 2]
    original = path.read_text(encoding="utf-8")
    explicit = re.search(r"^slug: *(\S+)", original, flags=re.MULTILINE)
    slug = explicit.group(1) if explicit else path.stem
    server = Server(root)
    try:
        if not server.ready.wait(timeout=1800) or server.url is None:
            raise RuntimeError("serve did not start:\n" + "\n".join(server.lines[-20:]))
        first = time.perf_counter() - server.started
        events = Events(server.url)
        events.wait("status")
        latencies, project_pages, dashboards = [], [], []
        text = original
        for i in range(edits):
            current = re.search(r"^status: (\w+)", text, flags=re.MULTILINE)
            status = next(s for s in STATUSES[i % 3 :] + STATUSES if not current or s != current.group(1))
            time.sleep(pause)  # let the previous rebuild settle, as between real edits
            started = time.perf_counter()
            if os.environ.get("BENCH_DEBUG"):
                print(f"  {started:.3f} edit {i}: {status}", file=sys.stderr)
            text = set_status(path, text, status)
            latencies.append((events.wait("reload") - started) * 1000)
            project_pages.append((fetch(f"{server.url}projects/{slug}/") - started) * 1000)
            dashboards.append((fetch(server.url) - started) * 1000)
        events.close()
    finally:
        server.stop()
        path.write_text(original, encoding="utf-8")
    return {
        "size": size,
        "first": first,
        "latencies": latencies,
        "project": project_pages,
        "dashboard": dashboards,
        "rebuilds": server.rebuild_times(),
        "stages": server.stage_times(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--portfolio",
        action="append",
        metavar="N=DIR",
        help="projects=folder, e.g. 1000=/tmp/pf/itpm-1k (repeatable) "
        "[default: 1000=/tmp/pf/itpm-1k and 10000=/tmp/pf/itpm-10k]",
    )
    ap.add_argument("--edits", type=int, default=7, help="edits per portfolio [7]")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between edits [1.0]")
    args = ap.parse_args(argv)
    specs = args.portfolio or ["1000=/tmp/pf/itpm-1k", "10000=/tmp/pf/itpm-10k"]
    rows = []
    for spec in specs:
        size, _, folder = spec.partition("=")
        result = bench(int(size), Path(folder), args.edits, args.pause)
        rows.append(result)
        print(
            f"{size} projects: first build {result['first']:.1f} s; edit -> reload "
            f"{', '.join(f'{x:.0f}' for x in result['latencies'])} ms",
            file=sys.stderr,
        )
    print(
        f"\n{'projects':>9} {'first build':>12} {'median':>8} {'min':>6} {'max':>6} "
        f"{'rebuild':>8} {'target':>7}  ok  {'project page':>12} {'dashboard':>10}"
    )
    failed = False
    for r in rows:
        lat = r["latencies"]
        median = statistics.median(lat)
        target = TARGETS_MS.get(r["size"])
        ok = target is None or median <= target
        failed |= not ok
        rebuild = statistics.median(r["rebuilds"]) if r["rebuilds"] else float("nan")
        print(
            f"{r['size']:>9} {r['first']:>10.1f} s {median:>5.0f} ms {min(lat):>4.0f} "
            f"{max(lat):>6.0f} {rebuild:>5.0f} ms {target or '-'!s:>4} ms  "
            f"{'yes' if ok else 'NO ':<3} {statistics.median(r['project']):>9.0f} ms "
            f"{statistics.median(r['dashboard']):>7.0f} ms"
        )
    for r in rows:
        stages = ", ".join(f"{name} {statistics.median(values):.0f}" for name, values in r["stages"].items())
        print(f"{r['size']:>9} projects, the server's rebuild by stage (median ms): {stages}")
    print(
        "\nmedian/min/max: edit -> 'reload' event (median of "
        f"{args.edits} edits); rebuild: the server's own figure; project page, dashboard: "
        "edit -> that page fully received, fresh (medians)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
