"""The history's files: ``changes.xml`` (an Atom feed of the changes page) and
``history.json`` (weekly figures and each project's dated changes), with its JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import partial
from html import escape as _escape_markup
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from itpm_site.history import History
from itpm_site.history.items import ChangeItem
from itpm_site.history.timeline import Week
from itpm_site.model.money import amount_text
from itpm_site.outputs.site_file import SiteFile
from itpm_site.render.history import recent_weeks

if TYPE_CHECKING:
    from itpm_site.render.site import SiteBuild

HISTORY_SCHEMA_VERSION = 1

#: What XML 1.0 does not allow in a document at all (not even as a reference): C0 controls
#: but tab and line breaks, lone surrogates, U+FFFE and U+FFFF. Loading refuses them in
#: front matter and history strips them from names; the feed drops them whatever reaches it,
#: so that it is always well-formed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    """Text for an XML element or attribute: escaped, and without what XML 1.0 forbids."""
    return _escape_markup(_NOT_XML.sub("", text))


def history_files(site: SiteBuild) -> Iterator[SiteFile]:
    """Emitter: changes.xml, history.json and its schema (only where there is history)."""
    history = site.history
    if history is None:
        return
    yield SiteFile("changes.xml", partial(atom_feed, history, site.portfolio.config.title, site.base_url))
    yield SiteFile(
        "history.json",
        lambda: (json.dumps(history_json(history), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    )
    yield SiteFile(
        "schema/history.json", files("itpm_site.history").joinpath("history.schema.json").read_bytes
    )


def _time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def history_json(history: History) -> dict[str, Any]:
    """The documented shape (``schema/history.json``)."""
    authors = history.settings.authors
    weeks = []
    for w in history.timeline.weeks if history.available else []:
        f = w.figures
        weeks.append(
            {
                "week": w.week.label,
                "start": w.week.start.isoformat(),
                "end": w.week.end.isoformat(),
                "commit": w.commit,
                "projects": f.projects,
                "rag": f.rag,
                "phases": f.phases,
                "money": {
                    c: {
                        "projects": m.projects,
                        "planned": amount_text(m.planned),
                        "eac": amount_text(m.eac),
                        "variance": amount_text(m.variance),
                    }
                    for c, m in sorted(f.money.items())
                },
                "live_risks": f.live_risks,
                "overdue_milestones": f.overdue_milestones,
                "fte_demanded": {
                    "month": f.fte_month.strftime("%Y-%m"),
                    "percent": f.fte_demanded,
                    "fte": f.fte,
                },
            }
        )
    projects = {}
    for slug, story in sorted(history.stories.items()) if history.available else []:
        projects[slug] = {
            "current": slug in history.current,
            "last_updated": _time(story.last_updated) if story.last_updated else None,
            "end_moves": story.end_moves,
            "end_moved_days": story.end_moved_days,
            "changes": [_change_json(i, authors) for i in story.items],
        }
    return {
        "schema_version": HISTORY_SCHEMA_VERSION,
        "available": history.available,
        "problem": history.problem or None,
        "weeks": weeks,
        "projects": projects,
    }


def _change_json(item: ChangeItem, authors: bool) -> dict[str, Any]:
    out = {
        "time": _time(item.time),
        "commit": item.commit,
        "kind": item.kind,
        "slug": item.slug,
        "text": item.text,
    }
    if authors:
        out["author"] = item.author
    return out


def week_anchor(day: dt.date) -> str:
    """The fragment of the changes page's section for the week of ``day`` (changes.html)."""
    return f"#week-{Week.of(day).label}"


def atom_feed(history: History, title: str, base_url: str) -> bytes:
    """One entry per commit of the changes page's weeks, newest first, each linking to its
    week on the changes page. With an absolute ``base_url`` the feed names its own address
    (``rel="self"``, which feed readers and validators need) and its id is that address;
    otherwise the links are relative to the feed and its id is made from the first commit."""
    absolute = "://" in base_url
    page = f"{base_url}changes/" if absolute else "changes/"
    feed_url = f"{base_url}changes.xml"
    items = [i for w in recent_weeks(history) for g in w.groups for i in g.items]
    by_commit: dict[str, list[ChangeItem]] = {}
    for item in sorted(items, key=lambda i: i.time, reverse=True):
        by_commit.setdefault(item.commit, []).append(item)
    first = history.timeline.commits[0].commit.id if history.timeline.commits else "none"
    feed_id = feed_url if absolute else f"urn:itpm-site:changes:{first}"
    last = (
        history.timeline.commits[-1].commit.time
        if history.timeline.commits
        else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    )
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(title)}: what changed</title>",
        f"  <id>{escape(feed_id)}</id>",
        f'  <link rel="alternate" type="text/html" href="{escape(page)}"/>',
        *(
            [f'  <link rel="self" type="application/atom+xml" href="{escape(feed_url)}"/>']
            if absolute
            else []
        ),
        f"  <updated>{_time(last)}</updated>",
        f"  <author><name>{escape(title)}</name></author>",
    ]
    for commit, entries in by_commit.items():
        head = entries[0]
        titles = list(dict.fromkeys(e.title for e in entries))
        more = f" and {len(titles) - 3} more" if len(titles) > 3 else ""
        summary = (
            f"{head.title}: {head.text}"
            if len(entries) == 1
            else f"{len(entries)} changes: " + ", ".join(titles[:3]) + more
        )
        body = "<ul>" + "".join(f"<li>{escape(e.title)}: {escape(e.text)}</li>" for e in entries) + "</ul>"
        out += [
            "  <entry>",
            f"    <title>{escape(summary)}</title>",
            # The commit names the entry: the same change keeps its id in every build.
            f"    <id>urn:itpm-site:commit:{commit}</id>",
            f"    <updated>{_time(head.time)}</updated>",
            f'    <link rel="alternate" type="text/html" href="{escape(page + week_anchor(head.date))}"/>',
        ]
        if history.settings.authors:
            out.append(f"    <author><name>{escape(head.author)}</name></author>")
        out += [f'    <content type="html">{escape(body)}</content>', "  </entry>"]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")
