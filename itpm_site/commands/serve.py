"""``itpm-site serve``: build, serve on 127.0.0.1, rebuild on change, reload the browser."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading
from pathlib import Path

import click

from itpm_site.build import BuildOptions
from itpm_site.commands.common import (
    EXIT_OK,
    EXIT_USAGE,
    as_of_option,
    base_url_option,
    exit_unless_portfolio,
    language_option,
    os_problem,
    root_option,
    since_option,
    usage_error,
    verbosity_options,
)
from itpm_site.load.diagnostics import use_color


def _port(ctx, param, value: str) -> int | None:
    """A port number; 'auto' or 0 means the first free port from 8000 on (None)."""
    if value.strip().lower() in ("auto", "0"):
        return None
    try:
        port = int(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a port number (or 'auto')") from None
    if not 0 < port < 65536:
        raise click.BadParameter(f"{port} is not a port number (1-65535, or 'auto')")
    return port


def _stop_on_sigterm() -> None:
    # `kill PID` (and test harnesses) should stop serve as cleanly as Ctrl-C does.
    def handler(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


@click.command()
@root_option
@click.option(
    "--host",
    default=None,
    metavar="ADDRESS",
    help="Address to listen on, and answer for any host name (0.0.0.0 makes the site "
    "reachable from other machines). [default: 127.0.0.1, answering only for "
    "localhost]",
)
@click.option(
    "--port",
    default="8000",
    show_default=True,
    callback=_port,
    metavar="PORT",
    help="Port to listen on; 'auto' (or 0) takes the first free port from 8000.",
)
@click.option("--open", "open_browser", is_flag=True, default=False, help="Open the site in the web browser.")
@click.option(
    "--poll",
    is_flag=True,
    default=False,
    help="Poll for changes instead of relying on file-system events (network drives, "
    "some containers and VMs).",
)
@base_url_option
@as_of_option
@language_option
@since_option
@verbosity_options
def serve(
    root: Path,
    host: str | None,
    port: int | None,
    open_browser: bool,
    poll: bool,
    base_url: str | None,
    as_of: dt.date | None,
    language: str | None,
    since: dt.date | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the site, serve it, and rebuild and reload the browser on every change.

    The site is built into a private temporary folder, never into public/. Errors show in the
    terminal and over the page in the browser, while the last good build stays served.
    """
    from itpm_site.serve.server import PortInUse
    from itpm_site.serve.session import ServeSession

    exit_unless_portfolio(root)

    def echo(text: str, err: bool = False) -> None:
        if err or not quiet:
            click.echo(text, err=err)

    options = BuildOptions(
        root=root, base_url=base_url, as_of=as_of, since=since, history_working_tree=True, language=language
    )
    # Without --host, only requests for localhost are answered (see DevServer.host_allowed).
    any_host = host is not None
    host = host or "127.0.0.1"
    try:
        session = ServeSession(
            options,
            host=host,
            port=port,
            poll=poll,
            echo=echo,
            color=use_color(sys.stderr),
            verbose=verbose,
            any_host=any_host,
        )
    except PortInUse as exc:
        usage_error(str(exc))
    except OSError as exc:
        problem = (
            os_problem(exc)
            if exc.filename is not None
            else f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        )  # a path: the private folder
        click.echo(f"itpm-site: error: {problem}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    _stop_on_sigterm()
    try:
        if port is None and session.server.port != 8000:
            echo(f"port 8000 is in use; using port {session.server.port} instead")
        echo(f"building {root.resolve()} ...")
        session.rebuild()
        session.start_watching()
        echo(f"serving at {session.url}  (watching content/, themes/, site.yaml; Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(session.url,), daemon=True).start()
        session.serve_forever()
    except KeyboardInterrupt:
        echo("\nstopping")
    finally:
        session.close()
    raise SystemExit(EXIT_OK)
