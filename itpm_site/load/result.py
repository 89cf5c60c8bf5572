"""What loading a portfolio gives: the valid entries of each section and every diagnostic."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from itpm_site.load.frontmatter import Document
from itpm_site.model.config import SiteConfig
from itpm_site.model.diagnostic import Diagnostic
from itpm_site.model.people import Person, entry_person
from itpm_site.model.project import Page, Program, Project

M = TypeVar("M", bound=BaseModel)


@dataclass
class Entry(Generic[M]):
    """A validated file: its model, its slug and the document it came from."""

    model: M
    slug: str
    doc: Document

    @property
    def rel(self) -> str:
        return self.doc.rel


@dataclass
class Claim:
    """What a content file says that other files rely on: its slug, title, dependencies and
    names. The checks across files run on claims, so a file left out for an error of its own
    still has its slug clash or misspelt dependency reported in the same run."""

    rel: str
    section: str
    doc: Document
    slug: str
    #: The slug was written as ``slug:`` (else it comes from the file name).
    explicit_slug: bool = False
    title: str | None = None
    #: (index in the list, slug) of each dependency that is a valid slug.
    depends_on: tuple[tuple[int, str], ...] = ()
    owner: str | None = None
    program: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    #: A person's name (content/people/).
    name: str | None = None
    #: (index in ``team:``, the person named, the entry is a plain name) of each team entry.
    team: tuple[tuple[int, str, bool], ...] = ()

    @classmethod
    def of(cls, entry: Entry, section: str) -> Claim:
        """The claims of a valid file, read from its model."""
        model = entry.model
        get = model.__dict__.get
        deps = get("depends_on") or []
        return cls(
            rel=entry.rel,
            section=section,
            doc=entry.doc,
            slug=entry.slug,
            explicit_slug=get("slug") is not None,
            title=get("title"),
            depends_on=tuple(enumerate(deps)),
            owner=get("owner"),
            program=get("program"),
            category=get("category"),
            tags=tuple(get("tags") or ()),
            name=get("name"),
            team=tuple((i, entry_person(e), isinstance(e, str)) for i, e in enumerate(get("team") or ())),
        )


@dataclass
class LoadResult:
    """Everything read from a portfolio folder: valid entries plus every diagnostic."""

    root: Path
    config: SiteConfig
    projects: list[Entry[Project]] = field(default_factory=list)
    programs: list[Entry[Program]] = field(default_factory=list)
    pages: list[Entry[Page]] = field(default_factory=list)
    people: list[Entry[Person]] = field(default_factory=list)
    #: content/people/ exists: team entries and owners are checked against the directory.
    has_people: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    #: Files that had errors and were left out (relative paths).
    rejected: list[str] = field(default_factory=list)
    #: Slugs claimed by project files left out for their own errors: a ``depends_on`` naming
    #: one of them is not reported again as an unknown slug.
    rejected_slugs: set[str] = field(default_factory=set)
    #: What the files left out for their own errors still validly claim.
    rejected_claims: list[Claim] = field(default_factory=list)
    #: The digest of each content file's bytes as loaded, by path, where the loader kept
    #: them (``build`` with its cache, ``serve``): what a rebuild compares.
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]
