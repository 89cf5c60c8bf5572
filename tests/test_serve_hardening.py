"""``serve`` against a web page elsewhere and against edit storms (issue 13, finding 9): only
requests for localhost are answered unless --host is given (DNS rebinding), and no request
waits more than a few seconds for a page being re-rendered."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servetools import (
    EventStream,
    request,
    worker_irrelevant,
    worker_start,  # noqa: F401 - an autouse fixture, for this module
)
from test_serve import AS_OF, portfolio_files, project, save

from itpm_site.build import BuildOptions
from itpm_site.serve import session as serve_session
from itpm_site.serve.server import host_name, is_local_host
from itpm_site.serve.session import ServeSession

#: Host headers a browser sends for the preview itself.
LOCAL = [
    "127.0.0.1:{port}",
    "localhost:{port}",
    "LOCALHOST",
    "localhost.:{port}",
    "portfolio.localhost:{port}",
    "127.0.0.2:{port}",
]
#: Host headers of a page elsewhere whose name now resolves to this machine.
FOREIGN = [
    "attacker.example:{port}",
    "attacker.example",
    "127.0.0.1.attacker.example",
    "localhost.attacker.example:{port}",
    "10.0.0.5:{port}",
    "[::1]x",
    "",
]


@pytest.fixture
def portfolio(tmp_path: Path, write_portfolio) -> Path:
    return write_portfolio(tmp_path / "portfolio", portfolio_files())


@pytest.fixture(scope="module")
def shared_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeSession]:
    """One session for the tests that only send it requests (``worker_irrelevant``)."""
    from conftest import _write_portfolio

    root = _write_portfolio(tmp_path_factory.mktemp("served") / "portfolio", portfolio_files())
    with ServeSession(BuildOptions(root=root, as_of=AS_OF), port=0) as s:
        s.start()
        yield s


def get(s: ServeSession, path: str, host: str):
    return request(s.url, path, headers={"Host": host.format(port=s.server.port)})


@worker_irrelevant
@pytest.mark.parametrize("host", LOCAL)
def test_localhost_names_are_answered(shared_session, host):
    page = get(shared_session, "/portfolio/projects/alpha/", host)
    assert page.status == 200 and b"Alpha" in page.body


@worker_irrelevant
@pytest.mark.parametrize("host", FOREIGN)
@pytest.mark.parametrize(
    "path", ["/portfolio/projects/alpha/", "/portfolio/portfolio.json", "/__itpm__/events", "/"]
)
def test_other_names_are_refused(shared_session, host, path):
    answer = get(shared_session, path, host)
    assert answer.status == 421
    assert b"Alpha" not in answer.body and b"--host" in answer.body


@worker_irrelevant
def test_with_host_any_name_is_answered(portfolio):
    with ServeSession(BuildOptions(root=portfolio, as_of=AS_OF), port=0, any_host=True) as s:
        s.start()
        page = get(s, "/portfolio/projects/alpha/", "preview.example.org:{port}")
        assert page.status == 200 and b"Alpha" in page.body


@worker_irrelevant
def test_host_names():
    assert host_name("LocalHost:8000") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("example.org") == "example.org"
    assert host_name("a:b:c") is None and host_name("a:80x") is None
    assert is_local_host("::1", "127.0.0.1") and is_local_host("192.168.1.9", "192.168.1.9")
    assert not is_local_host("192.168.1.9", "127.0.0.1")


# ------------------------------------------------------------------------------ waits


@pytest.fixture
def stormy(portfolio: Path, monkeypatch) -> Iterator[ServeSession]:
    """A session whose background work never gets to finish, as in a burst of edits (where it
    starts over on every change): it is not started; the test does it with ``finish()``."""
    monkeypatch.setattr(serve_session, "FRESH_WAIT_SECONDS", 1.0)
    with ServeSession(BuildOptions(root=portfolio, as_of=AS_OF), port=0) as s:
        s.rebuild()
        threading.Thread(target=s.serve_forever, daemon=True).start()
        yield s


def timed(s: ServeSession, path: str):
    started = time.monotonic()
    answer = request(s.url, path)
    return answer, time.monotonic() - started


def test_a_page_being_rerendered_is_served_as_it_was(stormy, portfolio):
    stormy.builder.finish()
    save(portfolio / "content/projects/alpha.md", project("Alpha Renamed"))
    stormy.rebuild([str(portfolio / "content/projects/alpha.md")])
    assert stormy.waiting("index.html")
    with EventStream(stormy.url) as events:
        events.next("status")
        page, seconds = timed(stormy, "/portfolio/")
        assert seconds < 3
        assert page.status == 200 and b"Alpha" in page.body and b"Alpha Renamed" not in page.body
        stormy.builder.finish()  # the storm is over: the page served stale is reloaded
        events.next("reload")
    assert b"Alpha Renamed" in request(stormy.url, "/portfolio/").body


def test_a_page_served_stale_is_reloaded_once_it_is_fresh_not_once_all_is_done(stormy, portfolio):
    """The reload owed to a page served stale goes out the moment that page is rendered: not
    after the rest of the background work (the other big pages, the exports, the search index),
    which takes a minute on a big portfolio."""
    builder = stormy.builder
    builder.finish()
    save(portfolio / "content/projects/alpha.md", project("Alpha Renamed"))
    stormy.rebuild([str(portfolio / "content/projects/alpha.md")])
    order: list[str] = []
    take, listener = builder._take, builder.listener
    assert listener is not None
    builder._take = lambda message, *rest: order.append(f"{message[0]} {message[1]}") or take(message, *rest)
    builder.listener = lambda kind, data: order.append(kind) or listener(kind, data)
    with EventStream(stormy.url) as events:
        events.next("status")
        page, _ = timed(stormy, "/portfolio/")
        assert b"Alpha Renamed" not in page.body  # served stale
        token = re.search(rb'data-token="([^"]+)"', page.body)
        assert token is not None
        builder.finish()
        _, reload = events.next("reload")
    assert order.index("fresh") == order.index("page index.html") + 1
    assert order.index("fresh") < next(i for i, what in enumerate(order) if what.startswith("emitted"))
    assert order.count("fresh") == 1
    # The stale page carries an older token than the reload's: connecting late, it would
    # still reload.
    assert token.group(1).decode() != reload["token"]
    assert b"Alpha Renamed" in request(stormy.url, "/portfolio/").body


def test_a_file_not_yet_written_is_asked_for_again(stormy):
    answer, seconds = timed(stormy, "/portfolio/projects.csv")  # the emitters have not run
    assert seconds < 3
    assert answer.status == 503 and answer.headers["retry-after"] == "1"
    assert b'http-equiv="refresh"' in answer.body
    stormy.builder.finish()
    assert request(stormy.url, "/portfolio/projects.csv").status == 200
