"""Extra outputs written beside the pages (exports, search index), one function each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from itpm_site import exports, search
from itpm_site.history.feeds import history_files

if TYPE_CHECKING:
    from itpm_site.build import SiteBuild

ALL: list[Callable[[SiteBuild], Iterable[tuple[str, bytes]]]] = [
    exports.data_files,
    exports.schema_files,
    search.emit_search,
    history_files,
]
