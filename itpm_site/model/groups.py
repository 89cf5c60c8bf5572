"""The kinds of group a portfolio is rolled up by, and the URL folder of each kind's pages.

The one place that says owners live under 'owners/': the loader reserves these folders, the
aggregate gives each group and project its links, the pages are planned from them, and the
templates only display the URLs they are given.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class GroupKind(StrEnum):
    """What a rollup page groups projects by."""

    # Set on each member below.
    folder: str

    PHASE = "phase"
    PROGRAM = "program"
    OWNER = "owner"
    CATEGORY = "category"
    TAG = "tag"
    #: The whole portfolio (the dashboard's figures): no folder, no page of its own.
    PORTFOLIO = "portfolio"

    @property
    def index_url(self) -> str:
        """The page listing every group of the kind: 'owners/'."""
        return f"{self.folder}/" if self.folder else ""

    def url(self, slug: str) -> str:
        """The page of one group: 'owners/ana-lima/'; '' for the whole portfolio and for the
        projects outside every group of a kind (slug ''), which have no page."""
        return f"{self.folder}/{slug}/" if self.folder and slug else ""


_FOLDERS = {
    GroupKind.PHASE: "phases",
    GroupKind.PROGRAM: "programs",
    GroupKind.OWNER: "owners",
    GroupKind.CATEGORY: "categories",
    GroupKind.TAG: "tags",
    GroupKind.PORTFOLIO: "",
}
for _kind in GroupKind:
    _kind.folder = _FOLDERS[_kind]

#: The URL folders of the group pages, which no free page may take.
GROUP_FOLDERS = frozenset(k.folder for k in GroupKind if k.folder)


class TagRef(NamedTuple):
    """A tag as a project names it, and the slug of its page."""

    slug: str
    label: str

    @property
    def url(self) -> str:
        return GroupKind.TAG.url(self.slug)


def project_url(slug: str) -> str:
    """A project's page: 'projects/crm-replacement/'."""
    return f"projects/{slug}/"


def page_url(slug: str) -> str:
    """A free page (content/pages/): 'about/'."""
    return f"{slug}/"
