"""Helpers for the serve tests: a tiny theme, HTTP requests that are sent exactly as written,
a Server-Sent Events client, waiting for a condition with a deadline, and a log of the
rebuilds a session's watcher starts (to show that some changes start none, without sleeping)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from itpm_site.render.theme import default_theme_dir
from itpm_site.serve import background
from itpm_site.serve import session as serve_session

# A theme of our own that shows, on each page, what the real theme's pages show: a project's
# dependencies (and their status) both ways, the projects of a group, the free pages in the
# navigation, the site title, the whole portfolio on the rollup pages.
TINY_BASE = """<!doctype html><html><head><title>{{ page.title }} · {{ site.title }}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{ url('static/css/site.css') }}"></head><body>
<nav>{% for href, label in nav %}<a href="{{ url(href) }}">{{ label }}</a>{% endfor %}
{% for fp in portfolio.pages %}<a href="{{ url(fp.url) }}">{{ fp.page.title }}</a>{% endfor %}</nav>
<main>{% block main %}{% endblock %}</main></body></html>
"""
TINY_LIST = """{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>
{% for v in portfolio.projects %}<p>{{ v.title }} {{ v.project.phase.value }}
{{ v.project.status.value if v.project.status else '-' }} {{ v.project.owner }}
{{ v.program_slug or '' }} {{ v.budget.planned if v.budget else '' }} {{ v.top_risk_score }}
{% for f in v.flags %}[{{ f.code }}]{% endfor %}</p>{% endfor %}
{% for q in portfolio.quality %}<p>{{ q.path }} {{ q.diagnostics|length }}</p>{% endfor %}
{% for g in portfolio.programs %}<p>{{ g.title }} {{ g.projects|length }}</p>{% endfor %}
{% endblock %}
"""
TINY_PROJECT = """{% extends "base.html" %}{% block main %}<h1>{{ p.title }}</h1>
<p>{{ p.project.phase.value }} {{ p.project.owner }} {{ p.owner_slug }} {{ p.program_slug }}</p>
{% for d in p.depends_on %}<p>needs {{ d.title }}
({{ d.project.status.value if d.project.status else '?' }})</p>{% endfor %}
{% for d in p.dependents %}<p>needed by {{ d.title }} {{ d.project.phase.value }}</p>{% endfor %}
{% for r in p.risks %}<p>{{ r.risk.title }} {{ r.score }} {{ r.band }}</p>{% endfor %}
{% for t in p.tag_slugs %}<a href="{{ url('tags/' ~ t[0] ~ '/') }}">{{ t[1] }}</a>{% endfor %}
{{ p.body|markdown }}{% endblock %}
"""
TINY_GROUP = """{% extends "base.html" %}{% block main %}<h1>{{ group.title }}</h1>
<p>{{ group.summary }} {{ group.owner }}</p>{{ group.body|markdown }}
{% for v in group.projects %}<p>{{ v.title }} {{ v.project.status.value if v.project.status else '' }}
{{ v.budget.planned if v.budget else '' }}</p>{% endfor %}<p>{{ group.status_counts }}</p>
{% endblock %}
"""
TINY_PAGE = """{% extends "base.html" %}{% block main %}{% set fp = fp if fp is defined else page %}
<h1>{{ fp.page.title }}</h1>{{ fp.body|markdown }}{% endblock %}
"""
LIST_TEMPLATES = (
    "dashboard",
    "projects",
    "phases",
    "programs",
    "owners",
    "categories",
    "tags",
    "risks",
    "budget",
    "roadmap",
    "milestones",
    "quality",
    "404",
)
GROUP_TEMPLATES = ("phase", "program", "owner", "category", "tag")


def tiny_theme() -> dict[str, str]:
    files = {
        "themes/default/templates/base.html": TINY_BASE,
        "themes/default/templates/project.html": TINY_PROJECT,
        "themes/default/templates/page.html": TINY_PAGE,
        "themes/default/static/css/site.css": "body { color: #222; }\n",
    }
    for name in GROUP_TEMPLATES:
        files[f"themes/default/templates/{name}.html"] = TINY_GROUP
    # Any other page template of the real theme (a new section, say) gets the generic one.
    real = default_theme_dir() / "templates"
    others = {p.stem for p in real.glob("*.html") if not p.name.startswith("_")} if real.is_dir() else set()
    for name in sorted(others | set(LIST_TEMPLATES)):
        files.setdefault(f"themes/default/templates/{name}.html", TINY_LIST)
    return files


def wait_for(
    condition: Callable[[], object], timeout: float = 10.0, step: float = 0.02, what: str = "the condition"
):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


class RebuildLog:
    """The batches of changed paths a serve session's watcher hands to its rebuilds, in order,
    each recorded once its rebuild is over (paths relative to the portfolio).

    To show that some file events cause *no* rebuild, a test makes, after them, a change it
    knows counts (a *sentinel*) through the same folder watch, and waits for the rebuild that
    includes it: a watch delivers its events in order, so every earlier event has been handled
    by then, and any rebuild it caused is in ``batches`` — no sleeping, no guessing how long
    "long enough" is."""

    def __init__(self, session: serve_session.ServeSession) -> None:
        self.root = session.root
        self.batches: list[set[str]] = []
        self._cond = threading.Condition()
        watcher = session.watcher
        handle = watcher.on_change

        def recorded(paths: set[str]) -> None:
            try:
                handle(paths)
            finally:
                with self._cond:
                    self.batches.append({self._rel(p) for p in paths})
                    self._cond.notify_all()

        watcher.on_change = recorded

    def _rel(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return path

    def wait_for(self, *rels: str, timeout: float = 30.0) -> list[set[str]]:
        """Wait until rebuilds have included every one of ``rels``; all batches so far."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not set(rels) <= set().union(*self.batches):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no rebuild for {rels} within {timeout} s: {self.batches}")
                self._cond.wait(left)
            return [set(b) for b in self.batches]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def request(
    url: str,
    path: str | None = None,
    method: str = "GET",
    body: bytes | None = None,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request with ``path`` sent as is (no normalising of '..' or escapes)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            method, path if path is not None else parts.path or "/", body=body, headers=headers or {}
        )
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


class EventStream:
    """A client of /__itpm__/events: every event, in order, as (name, data)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.conn.request("GET", "/__itpm__/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        self.content_type = self.response.getheader("Content-Type")
        self.events: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "message", []
        try:
            while True:
                line = self.response.readline()
                if not line:
                    break
                line = line.decode().rstrip("\n")
                if not line:
                    if data:
                        self.events.put((name, json.loads("\n".join(data))))
                    name, data = "message", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
        except (OSError, ValueError):
            pass
        self.events.put(("closed", None))

    def next(
        self, *names: str, timeout: float = 10.0, where: Callable[[dict], bool] = lambda d: True
    ) -> tuple[str, dict]:
        """The next event named one of ``names`` (others are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {names} event within {timeout} s")
            try:
                name, data = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if name in names and where(data):
                return name, data
            if name == "closed" and "closed" not in names:
                raise AssertionError(f"the event stream ended while waiting for {names}")

    def drain(self) -> list[tuple[str, dict]]:
        out = []
        while True:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture(autouse=True)
def patient_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests wait for fresh files as long as it takes: these tests check what is served
    once it is up to date, on machines that may be busy. (The bound on that wait, which serves
    the last good version after a few seconds, has its own tests.) Import it to use it."""
    monkeypatch.setattr(serve_session, "FRESH_WAIT_SECONDS", 120.0)


#: For a test in which the background worker plays no part (it only reads what a session
#: serves, or starts no worker at all): it runs once, with the platform's own start method,
#: instead of once per start method (``worker_start``).
worker_irrelevant = pytest.mark.parametrize("worker_start", ["default"])


def _level_with_us(pid: int, timeout: float = 60.0) -> None:
    """Once the worker ``pid`` has lowered its own priority (its first act), raise it back to
    this process's, where the system allows it (root, or a nice limit); else leave it be."""
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    deadline = time.monotonic() + timeout
    with contextlib.suppress(OSError):  # the worker is gone (ProcessLookupError), or no right
        while os.getpriority(os.PRIO_PROCESS, pid) == ours:
            if time.monotonic() > deadline:
                return
            time.sleep(0.005)
        os.setpriority(os.PRIO_PROCESS, pid, ours)


def worker_at_our_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve's background worker lowers its priority (``nice``) so that on a busy machine the
    reload comes first. The other processes of a parallel test run keep theirs, so each wait
    for the worker (``finish()``, a page being rendered) would last several times longer
    than the work. The tests here check what the worker writes, not when: where the system
    allows it, each worker started gets this process's priority back (the nice call itself
    still runs: the worker is started exactly as serve starts it)."""
    if not hasattr(os, "getpriority"):
        return
    start = background.Worker._start

    def start_level(worker: background.Worker) -> None:
        start(worker)
        if worker._process is not None and worker._process.pid is not None:
            args = (worker._process.pid,)
            threading.Thread(target=_level_with_us, args=args, name="level-worker", daemon=True).start()

    monkeypatch.setattr(background.Worker, "_start", start_level)


@pytest.fixture(autouse=True, params=["forkserver", pytest.param("spawn", marks=pytest.mark.slow)])
def worker_start(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test twice: with the background worker as serve starts it on Linux and macOS
    (forkserver; it forks a child per job) and as on Windows (spawn; it renders each job
    itself and is ended to stop one; every new worker imports the package again, so these
    are ``slow``: the quick selection has the first only). Import it to use it. A test
    parametrized with ``"default"`` for it (indirectly) gets the platform's own."""
    if request.param != "default":
        monkeypatch.setenv(background.WORKER_ENV, request.param)
    worker_at_our_priority(monkeypatch)
    return request.param
