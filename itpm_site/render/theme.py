"""Themes: the default theme shipped in the package, overridden file by file by the portfolio's.

A portfolio's ``themes/<name>/templates`` and ``themes/<name>/static`` come first; anything they
do not provide falls back to the default theme. An override template can extend the original
with ``{% extends "!default/base.html" %}``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from itpm_site.model.config import is_folder_name


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or beside it in a source checkout."""
    try:
        packaged = Path(str(resources.files("itpm_site.themes") / "default"))
        if packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "themes" / "default"


@dataclass(frozen=True)
class Theme:
    """The ordered folders a theme's templates and static files are looked up in."""

    folders: tuple[Path, ...]  # most specific first; the default theme last

    @classmethod
    def resolve(cls, root: Path, name: str) -> Theme:
        if not is_folder_name(name):
            name = "default"  # not a folder of themes/ (the loader reports it)
        local = root / "themes" / name
        usable = local.is_dir() and leads_inside(local, root / "themes")
        return cls((local, default_theme_dir()) if usable else (default_theme_dir(),))

    @property
    def default(self) -> Path:
        return self.folders[-1]

    def environment(self, bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
        loaders: list[jinja2.BaseLoader] = [
            _ConfinedLoader(str(folder / "templates"), encoding="utf-8") for folder in self.folders
        ]
        loaders.insert(
            len(loaders) - 1,
            jinja2.PrefixLoader(
                {"!default": jinja2.FileSystemLoader(str(self.default / "templates"))}, delimiter="/"
            ),
        )
        return jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=bytecode_cache,
            # One environment serves one build (serve makes a new one for each rebuild): no
            # need to check every template's file on every page that imports it.
            auto_reload=False,
            # Every word of the theme goes through the site's catalog (model.i18n).
            extensions=["jinja2.ext.i18n"],
        )

    def preload(self, env: jinja2.Environment) -> None:
        """Compile (or load from the bytecode cache) every template now, so that forked render
        workers share them instead of each compiling its own.
        A template that does not compile is left for the page that uses it to report."""
        for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
            if not name.startswith("!default/"):
                with contextlib.suppress(jinja2.TemplateError):
                    env.get_template(name)

    def static_files(self) -> dict[str, Path]:
        """Every static file by its path under static/; an override wins over the default.

        A link to a file outside its theme folder is left out: the site is published, and a
        link committed there (to a key, a password file) would publish what it points at.
        """
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if static.is_dir():
                inside = folder.resolve()
                for path in sorted(static.rglob("*")):
                    if (
                        path.is_file()
                        and not path.name.startswith(".")
                        and path.resolve().is_relative_to(inside)
                    ):
                        files[path.relative_to(static).as_posix()] = path
        return dict(sorted(files.items()))


def leads_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, links followed, is inside ``folder`` (links followed too)."""
    return path.resolve().is_relative_to(folder.resolve())


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A template that is a link leading out of its templates folder is not found: a theme
    in a pull request could otherwise publish any file of the CI machine as a page."""

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        if not any(leads_inside(Path(filename), Path(folder)) for folder in self.searchpath):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate
