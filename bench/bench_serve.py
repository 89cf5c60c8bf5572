#!/usr/bin/env python3
"""Save-to-visible latency of ``itpm-site serve``, in headless Chromium, on synthetic portfolios.

    python bench/gen_portfolio.py --n 1000 --out /tmp/pf/itpm-1k      # once per size
    cp -r /tmp/pf/itpm-1k /tmp/pf-serve-1k      # serve edits its input: leave the shared copy alone
    python bench/bench_serve.py --portfolio 1000=/tmp/pf-serve-1k --edits 7

For each portfolio: start ``itpm-site serve`` in a subprocess and wait for its first build, then
open two tabs in Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright's Python
package): the page of one project, and the dashboard. Each edit changes that project's status
(a safe save: temporary file renamed over the original), and each tab is timed from the save to
the moment the change is visible in it: the project page's status badge, and on the dashboard
the counts of projects by status (the health card's legend). The edited file is restored at
the end.

How the time is taken. Python reads ``time.time()`` just before it writes the temporary file.
In each tab a script installed before every document (``add_init_script``) watches the DOM
with a MutationObserver, in the document shown when the edit is made and in any document
loaded after it (live reload navigates), until the watched element is complete (the parser
has gone past it) and differs from what it showed before the edit. It then notes
``performance.timeOrigin + performance.now()`` (milliseconds since the epoch, like
``time.time()``, on the same machine's clock) and again in the next animation frame, which
runs just before the browser paints: that second time is "visible". The page hands its times
to Python afterwards, so the hand-over adds nothing to them. The clocks are compared once per
tab, and the difference is printed (``clock``).

Beside "visible", to read where the time goes: "reload", the ``reload`` server-sent event as a
client of the event stream in this process sees it (the server's side: watcher, rebuild,
publish); "received", when the tab had received the whole fresh page (the navigation's
``responseEnd``; serve answers a page only once it is up to date). The server's own rebuild
times, by stage, are read from its log. With ``BENCH_DEBUG=1`` each edit's figures are printed
as it ends, with "dom" (the new value in the DOM, before the frame) and "subresources" (the
last stylesheet or script the tab had received by then).
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
from typing import Any

#: Issue 29, item 4: milliseconds from the save to the change visible, for the edited page and
#: for every open tab (``None``: no target at that size).
TARGETS_MS: dict[int, tuple[int, int | None]] = {1000: (300, 1000), 10000: (1000, None)}
STATUSES = ("green", "amber", "red")
CHROMIUM = Path("/usr/bin/chromium")

#: What each tab watches, as a JavaScript expression for the value shown (``null`` until the
#: element is complete). Project page: the status badge's text and classes (``rag-<key>``).
#: Dashboard: each status's count in the health card's legend.
PROBES = {
    "project": """(() => {
        const el = document.querySelector('.status-line .badge.rag');
        return complete(el) ? el.className + ': ' + el.textContent.trim() : null;
    })()""",
    "dashboard": """(() => {
        const el = document.querySelector('section[aria-labelledby="health-h"] .rag-legend');
        if (!complete(el)) return null;
        return Array.from(el.querySelectorAll('li'),
            (li) => li.className + ' ' + li.querySelector('.rag-count').textContent).join(', ');
    })()""",
}

#: Installed before every document of a tab. ``__benchArm(edit, before)`` starts watching; the
#: armed state lives in sessionStorage, so the document that live reload loads goes on watching.
WATCHER = """(() => {
  const now = () => performance.timeOrigin + performance.now();
  // The element is complete once the parser has put something after it in document order.
  function complete(el) {
    if (!el) return false;
    if (document.readyState !== 'loading') return true;
    for (let n = el; n; n = n.parentNode) if (n.nextSibling) return true;
    return false;
  }
  window.__benchProbe = () => PROBE;
  let observer = null;
  function check() {
    const edit = sessionStorage.getItem('bench-edit');
    if (edit === null) return;
    const value = window.__benchProbe();
    if (value === null || value === sessionStorage.getItem('bench-before')) return;
    const dom = now();
    sessionStorage.removeItem('bench-edit');
    if (observer) { observer.disconnect(); observer = null; }
    requestAnimationFrame(() => {
      const frame = now();
      const nav = performance.getEntriesByType('navigation')[0];
      // The last stylesheet or script the page had received by then (parsing and the first
      // paint may wait for them): to tell a slow page from slow subresources.
      const ends = performance.getEntriesByType('resource').map((e) => e.responseEnd)
        .filter((t) => t <= dom - performance.timeOrigin);
      window.benchVisible({edit: Number(edit), value, dom, frame,
        origin: performance.timeOrigin, received: performance.timeOrigin + nav.responseEnd,
        subresources: performance.timeOrigin + Math.max(nav.responseEnd, ...ends)});
    });
  }
  function watch() {
    if (observer || sessionStorage.getItem('bench-edit') === null) return;
    observer = new MutationObserver(check);
    observer.observe(document, {childList: true, subtree: true, characterData: true});
    document.addEventListener('DOMContentLoaded', check);
    check();
  }
  window.__benchArm = (edit, before) => {
    sessionStorage.setItem('bench-before', before);
    sessionStorage.setItem('bench-edit', String(edit));
    watch();
  };
  watch();
})();"""


class Server:
    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "itpm_site", "serve", "--root", str(root), "--port", "auto"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: list[str] = []
        self.url: str | None = None
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
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
    """The server's event stream, read in a thread: the wall-clock time of each ``reload``."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
        self.conn.request("GET", "/__itpm__/events")
        self.response = self.conn.getresponse()
        self.reloads: list[float] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event = None
        try:
            for line in self.response:
                text = line.decode("utf-8").rstrip("\n")
                if text.startswith("event:"):
                    event = text[6:].strip()
                elif not text:
                    if event == "reload":
                        self.reloads.append(time.time())
                    event = None
        except (OSError, ValueError):
            pass  # closed at the end of the run

    def first_after(self, t: float) -> float | None:
        return next((r for r in self.reloads if r >= t), None)

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


def load_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("bench_serve.py needs Playwright's Python package: pip install -e '.[test]'")
    return sync_playwright


def open_tab(context: Any, name: str, url: str, seen: list[dict]) -> Any:
    page = context.new_page()
    page.add_init_script(WATCHER.replace("PROBE", PROBES[name]))
    page.expose_binding("benchVisible", lambda _source, record: seen.append({**record, "tab": name}))
    page.goto(url, wait_until="load")
    if page.evaluate("document.visibilityState") != "visible":
        raise RuntimeError(f"the {name} tab is not visible: live reload would not reach it")
    return page


def clock_offset(page: Any) -> tuple[float, float]:
    """The page's clock minus Python's, in ms, and its uncertainty (half the round trip): the
    reading with the shortest round trip of a few, as the machine may be busy."""
    readings = []
    for _ in range(7):
        before = time.time()
        page_ms = float(page.evaluate("performance.timeOrigin + performance.now()"))
        after = time.time()
        readings.append(((after - before) * 500, page_ms - (before + after) * 500))
    half, offset = min(readings)
    return offset, half


def bench(size: int, root: Path, edits: int, pause: float, chromium: Path, timeout: float) -> dict:
    projects = sorted((root / "content" / "projects").rglob("*.md"))
    if not projects or not (root / "site.yaml").is_file():
        raise RuntimeError(f"{root}: not a portfolio folder (site.yaml and content/projects/*.md)")
    path = projects[len(projects) // 2]
    original = path.read_text(encoding="utf-8")
    explicit = re.search(r"^slug: *(\S+)", original, flags=re.MULTILINE)
    slug = explicit.group(1) if explicit else path.stem
    load = [os.getloadavg()[0]]
    sync_playwright = load_playwright()
    from playwright.sync_api import Error as PlaywrightError

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from sitetools import launch_chromium  # the tests' browser, with the same flags

    server = Server(root)
    rows: list[dict[str, float]] = []
    offsets: dict[str, tuple[float, float]] = {}
    try:
        if not server.ready.wait(timeout=1800) or server.url is None:
            raise RuntimeError("serve did not start:\n" + "\n".join(server.lines[-20:]))
        first = time.perf_counter() - server.started
        events = Events(server.url)
        with sync_playwright() as p:
            try:
                browser = launch_chromium(p, chromium)
            except PlaywrightError as error:
                raise RuntimeError(
                    f"Chromium ({chromium}) did not start: {error.message.splitlines()[0]}"
                ) from None
            context = browser.new_context()
            seen: list[dict] = []
            tabs = {
                "project": open_tab(context, "project", f"{server.url}projects/{slug}/", seen),
                "dashboard": open_tab(context, "dashboard", server.url, seen),
            }
            for name, page in tabs.items():
                if page.evaluate("window.__benchProbe()") is None:
                    raise RuntimeError(f"the {name} tab has no element to watch ({page.url})")
                offsets[name] = clock_offset(page)
            text = original
            for i in range(edits):
                current = re.search(r"^status: (\w+)", text, flags=re.MULTILINE)
                status = next(s for s in STATUSES[i % 3 :] + STATUSES if not current or s != current.group(1))
                tabs["project"].wait_for_timeout(pause * 1000)  # let background work settle
                for page in tabs.values():
                    page.evaluate(
                        "([i, before]) => __benchArm(i, before)", [i, page.evaluate("__benchProbe()")]
                    )
                started = time.time()
                text = set_status(path, text, status)
                deadline = started + timeout
                # Waiting inside Playwright lets it deliver the tabs' reports meanwhile.
                while {r["tab"] for r in seen if r["edit"] == i} != set(tabs) and time.time() < deadline:
                    tabs["project"].wait_for_timeout(10)
                found = {r["tab"]: r for r in seen if r["edit"] == i}
                if set(found) != set(tabs):
                    missing = ", ".join(sorted(set(tabs) - set(found)))
                    raise RuntimeError(f"edit {i + 1}: no visible change in {missing} after {timeout:.0f} s")
                if f"rag-{status}" not in found["project"]["value"]:  # a change, but not this one
                    raise RuntimeError(f"edit {i + 1}: the project page shows {found['project']['value']!r}")
                reload = events.first_after(started)
                row = {"reload": (reload - started) * 1000 if reload else float("nan")}
                for name, r in found.items():
                    row[f"{name} received"] = r["received"] - started * 1000
                    row[f"{name} visible"] = r["frame"] - started * 1000
                    row[f"{name} dom"] = r["dom"] - started * 1000
                    row[f"{name} subresources"] = r["subresources"] - started * 1000
                rows.append(row)
                if os.environ.get("BENCH_DEBUG"):
                    print(
                        f"  edit {i + 1} ({status}): " + ", ".join(f"{k} {v:.0f}" for k, v in row.items()),
                        file=sys.stderr,
                    )
            browser.close()
        events.close()
    finally:
        server.stop()
        path.write_text(original, encoding="utf-8")
        load.append(os.getloadavg()[0])
    return {
        "size": size,
        "first": first,
        "rows": rows,
        "offsets": offsets,
        "load": load,
        "rebuilds": server.rebuild_times(),
        "stages": server.stage_times(),
    }


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def series(rows: list[dict[str, float]], key: str) -> str:
    return ", ".join(f"{r[key]:.0f}" for r in rows)


def report(results: list[dict], edits: int) -> bool:
    """Print the table; whether every target was met."""
    print(
        f"\n{'projects':>8} {'tab':<10} {'reload':>7} {'received':>9} {'visible':>8} "
        f"{'min':>6} {'max':>6} {'target':>7}  ok"
    )
    met = True
    for r in results:
        edited_target, every_target = TARGETS_MS.get(r["size"], (None, None))
        for tab, target in (("project", edited_target), ("dashboard", every_target)):
            visible = [row[f"{tab} visible"] for row in r["rows"]]
            value = statistics.median(visible)
            ok = target is None or value <= target
            met &= ok
            print(
                f"{r['size']:>8} {tab:<10} {median(r['rows'], 'reload'):>4.0f} ms "
                f"{median(r['rows'], f'{tab} received'):>6.0f} ms {value:>5.0f} ms "
                f"{min(visible):>6.0f} {max(visible):>6.0f} {f'{target} ms' if target else '-':>7}  "
                f"{'-' if target is None else 'yes' if ok else 'NO'}"
            )
    for r in results:
        rebuild = statistics.median(r["rebuilds"]) if r["rebuilds"] else float("nan")
        stages = ", ".join(f"{name} {statistics.median(v):.0f}" for name, v in r["stages"].items())
        clocks = ", ".join(f"{tab} {ms:+.1f} ± {half:.1f} ms" for tab, (ms, half) in r["offsets"].items())
        print(
            f"{r['size']:>8} projects: first build {r['first']:.1f} s; the server's rebuild "
            f"{rebuild:.0f} ms (median; by stage: {stages}); load average "
            f"{r['load'][0]:.2f} before, {r['load'][1]:.2f} after; clock {clocks}"
        )
    print(
        f"\nMedians of {edits} edits, in ms from the save (temporary file renamed over the project "
        "file): reload, the 'reload' event on the event stream; received, the tab has the whole "
        "fresh page; visible, the first animation frame with the new status in that tab (min, "
        "max: of visible). Targets (issue 29): the edited page <= 300 ms at 1,000 projects and "
        "<= 1 s at 10,000; every open tab <= 1 s at 1,000."
    )
    return met


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument(
        "--portfolio",
        action="append",
        metavar="N=DIR",
        help="projects=folder, e.g. 1000=/tmp/pf-serve-1k (repeatable); one project file in it is "
        "edited and restored [default: 1000=/tmp/pf/itpm-1k and 10000=/tmp/pf/itpm-10k]",
    )
    ap.add_argument("--edits", type=int, default=7, help="edits per portfolio [7]")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between edits [1.0]")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for a change [120]")
    ap.add_argument("--chromium", type=Path, default=CHROMIUM, help=f"the browser [{CHROMIUM}]")
    args = ap.parse_args(argv)
    if not args.chromium.is_file():
        sys.exit(
            f"bench_serve.py needs Chromium at {args.chromium} (apt-get install chromium, or --chromium)"
        )
    load_playwright()
    specs = args.portfolio or ["1000=/tmp/pf/itpm-1k", "10000=/tmp/pf/itpm-10k"]
    results = []
    for spec in specs:
        size, _, folder = spec.partition("=")
        try:
            result = bench(int(size), Path(folder), args.edits, args.pause, args.chromium, args.timeout)
        except (RuntimeError, ValueError, OSError) as error:
            sys.exit(f"bench_serve.py: {spec}: {error}")
        except KeyboardInterrupt:  # serve is stopped and the edited file restored by then
            sys.exit(f"bench_serve.py: {spec}: interrupted")
        results.append(result)
        print(
            f"{size} projects: first build {result['first']:.1f} s; save -> visible, project page "
            f"{series(result['rows'], 'project visible')} ms; dashboard "
            f"{series(result['rows'], 'dashboard visible')} ms",
            file=sys.stderr,
        )
    return 0 if report(results, args.edits) else 1


if __name__ == "__main__":
    sys.exit(main())
