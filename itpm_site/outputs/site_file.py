"""A file beside the pages, before it is made: where it goes, what it shows and how to make it.

The emitters (``emitters``) give their files this way so that ``build`` can decide, from what
each file is made of (``render/dependencies.py``, as for a page), which ones to make again and
which to keep from the last build's output; ``serve`` makes them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteFile:
    path: str  # in the site, e.g. 'projects/crm/milestones.ics'
    make: Callable[[], bytes]
    #: Slugs of the projects whose data the file shows, as a page's ``inputs``; None means
    #: "the whole portfolio".
    inputs: frozenset[str] | None = None


def made(data: bytes) -> Callable[[], bytes]:
    """``make`` for bytes made already (a file whose name is known only with its content)."""
    return lambda: data
