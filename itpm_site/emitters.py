"""Extra outputs written beside the pages (exports, search index), one function each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from itpm_site import exports, search

if TYPE_CHECKING:
    from itpm_site.build import SiteBuild

ALL: list[Callable[[SiteBuild], Iterable[tuple[str, bytes]]]] = [
    exports.data_files,
    exports.schema_files,
    search.emit_search,
]

#: Emitters that read the rendered Markdown: ``build`` runs them after the pages, when the
#: bodies the render workers produced are in the parent's cache. The others run while the
#: workers render.
AFTER_PAGES = frozenset({search.emit_search})
