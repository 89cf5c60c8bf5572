"""The default theme displays what the views give it: it does not restate a rule of the site
(a group's URL folder, the RAG order or labels, a plural, a vocabulary) that Python already owns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import itpm_site
from itpm_site.model.groups import GroupKind

TEMPLATES = Path(itpm_site.__file__).parent.parent / "themes" / "default" / "templates"
if not TEMPLATES.is_dir():  # installed: the theme ships inside the package
    TEMPLATES = Path(itpm_site.__file__).parent / "themes" / "default" / "templates"

FOLDERS = "|".join(k.folder for k in GroupKind if k.folder)
RESTATED = {
    "a group URL assembled from its folder": re.compile(rf"'(?:{FOLDERS})/'\s*[~|]"),
    "a RAG order or list": re.compile(r"'red'\s*:|\['green',\s*'amber'"),
    "a plural spelt out": re.compile(r"'(\w+)' if [^%}]*== ?1 else '\1s'"),
    "a slip's direction (late, early)": re.compile(r"slip_days\s*[<>]"),
    "a state's label": re.compile(r"state\.value\s*\|\s*(?:replace|capitalize)"),
    # The explorer's options come from the field registry (a vocabulary, the groups, the values).
    "an option's value spelt out": re.compile(r'<option value="[^"{]'),
}


@pytest.mark.parametrize("name", sorted(RESTATED))
def test_the_default_theme_does_not_restate(name) -> None:
    pattern = RESTATED[name]
    found = [
        f"{path.name}:{n}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert TEMPLATES.is_dir() and not found, found


PACKAGE = Path(itpm_site.__file__).parent
#: Mechanisms of the package that have one home: (what, the pattern, the module that owns it).
ONE_HOME = [
    ("the content digest", re.compile(r"\bblake2b\("), "cache/digest.py"),
    ("the collector's pause", re.compile(r"\bgc\.(?:disable|enable|freeze|unfreeze)\("), "parallel.py"),
]


@pytest.mark.parametrize(("what", "pattern", "home"), ONE_HOME, ids=[w for w, _, _ in ONE_HOME])
def test_the_package_keeps_each_mechanism_in_one_module(what, pattern, home) -> None:
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() != home
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, f"{what} outside {home}: {found}"
