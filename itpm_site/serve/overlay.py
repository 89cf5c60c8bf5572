"""The browser overlay: diagnostics as one more format at the edge.

The data is ``Diagnostic.to_json()`` plus the source line, sent to the page as JSON and put on
screen by ``reload.js`` with ``textContent`` only, so nothing from a content file is ever
interpreted as HTML. ``placeholder_page`` shows the same list, escaped, when there is no good
build to serve yet.

Both speak the site's language around the diagnostics; the diagnostics are the command line's,
in English on every site (marked ``lang="en"`` on another), as on the quality page.
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Sequence

from itpm_site.model import i18n
from itpm_site.model.diagnostic import Diagnostic, Severity

#: More than this many problems are summed up as "and N more" (the terminal shows them all).
MAX_SHOWN = 50


def overlay_items(diagnostics: Sequence[Diagnostic]) -> list[dict]:
    """What the overlay shows for each diagnostic: its JSON form plus the source line."""
    return [
        {**d.to_json(), "source_line": d.source_line, "headline": d.headline()}
        for d in diagnostics[:MAX_SHOWN]
    ]


def overlay_state(diagnostics: Sequence[Diagnostic]) -> dict:
    """``{"errors": [...], "total": N}``: the payload of the ``status`` event."""
    return {"errors": overlay_items(diagnostics), "total": len(diagnostics)}


def internal_error(exc: BaseException) -> Diagnostic:
    """An unexpected failure of a rebuild, shown like a content problem (but not on a line)."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" (in {where.name}, {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return Diagnostic(
        path="itpm-site",
        line=0,
        column=0,
        severity=Severity.ERROR,
        field="",
        message=f"internal error: {type(exc).__name__}: {exc}{place}",
        hint="the last good site is still served; the terminal shows the "
        "traceback — this is a bug in itpm-site, please report it",
        code="internal",
    )


def _caret(d: Diagnostic) -> str:
    text = d.source_line.expandtabs(1)
    width = max(1, min(d.length, len(text) - d.column + 1))
    return " " * max(0, d.column - 1) + "^" + "~" * (width - 1)


def render_list(diagnostics: Sequence[Diagnostic], language: str = i18n.SOURCE) -> str:
    """The diagnostics as escaped HTML (for pages served without a good build)."""
    words = i18n.translations(language)
    english = ' lang="en"' if language != i18n.SOURCE else ""
    out = []
    for d in diagnostics[:MAX_SHOWN]:
        parts = [f"<li{english}><p><strong>{html.escape(d.headline())}</strong></p>"]
        if d.source_line:
            gutter = str(d.line)
            parts.append(
                f"<pre>{html.escape(gutter)} | {html.escape(d.source_line)}\n"
                f"{' ' * len(gutter)} | {html.escape(_caret(d))}</pre>"
            )
        if d.hint:
            parts.append(f"<p>help: {html.escape(d.hint)}</p>")
        out.append("".join(parts) + "</li>")
    more = len(diagnostics) - MAX_SHOWN
    if more > 0:
        note = words.ngettext(
            "and %(n)s more (the terminal lists them all)",
            "and %(n)s more (the terminal lists them all)",
            more,
        )
        out.append(f"<li>{html.escape(note % {'n': more})}</li>")
    return "<ul>" + "".join(out) + "</ul>"


def placeholder_page(diagnostics: Sequence[Diagnostic], language: str = i18n.SOURCE) -> bytes:
    """Served in place of every page until the site has built once (in ``language``)."""
    words = i18n.translations(language)
    title = words.gettext("itpm-site: the site could not be built")
    heading = words.gettext("The site could not be built yet")
    note = words.gettext("Fix these problems; this page reloads by itself when the site builds.")
    return (
        f'<!doctype html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
        "pre{background:#f4f4f4;padding:.5rem;overflow:auto}</style></head><body>"
        f"<h1>{html.escape(heading)}</h1>"
        f"<p>{html.escape(note)}</p>"
        f"{render_list(diagnostics, language)}</body></html>\n"
    ).encode()
