"""What loading a portfolio gives: the valid entries of each section and every diagnostic."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from itpm_site.load.diagnostics import Diagnostic
from itpm_site.load.frontmatter import Document
from itpm_site.model.config import SiteConfig
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
class LoadResult:
    """Everything read from a portfolio folder: valid entries plus every diagnostic."""

    root: Path
    config: SiteConfig
    projects: list[Entry[Project]] = field(default_factory=list)
    programs: list[Entry[Program]] = field(default_factory=list)
    pages: list[Entry[Page]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    #: Files that had errors and were left out (relative paths).
    rejected: list[str] = field(default_factory=list)
    #: Slugs claimed by project files left out for their own errors: a ``depends_on`` naming
    #: one of them is not reported again as an unknown slug.
    rejected_slugs: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]
