"""Extra outputs written beside the pages (exports, search index), one function each, each
file planned before it is made (``SiteFile``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from itpm_site.outputs import exports, search
from itpm_site.outputs.feeds import history_files
from itpm_site.outputs.people import people_files
from itpm_site.outputs.site_file import SiteFile

if TYPE_CHECKING:
    from itpm_site.render.site import SiteBuild

#: An output: a function of the built site yielding its files, planned (``SiteFile``).
Emitter = Callable[["SiteBuild"], Iterable[SiteFile]]

ALL: list[Emitter] = [
    exports.data_files,
    exports.schema_files,
    search.emit_search,
    history_files,
    people_files,
]
