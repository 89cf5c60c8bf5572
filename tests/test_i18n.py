"""The site's language: complete catalogs, every UI string marked, CLDR figures, and a Georgian
demo without an English UI word."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sitetools import build_in_language

from itpm_site.model import i18n
from itpm_site.render.pages import _install_gettext

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "itpm_site" / "locale"


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def test_every_language_catalog_is_complete_and_not_fuzzy():
    template = {_key(m) for m in _read(LOCALE / "messages.pot") if m.id}
    for language in i18n.LANGUAGES:
        catalog = _read(i18n.po_path(language))
        ids = {_key(m) for m in catalog if m.id}
        assert ids == template, f"{language}: catalog and template differ: {sorted(ids ^ template)[:10]}"
        for message in catalog:
            if not message.id:
                continue
            assert not message.fuzzy, f"{language}: fuzzy: {message.id!r}"
            forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
            assert all(forms), f"{language}: untranslated: {message.id!r}"


def test_extraction_finds_no_message_missing_from_the_template():
    """A string marked in Python, a template or a script, but not in the committed .pot."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}
    found = {
        (msgid[0] if isinstance(msgid, tuple) else msgid)
        for _, _, msgid, _, _ in extract_from_dir(str(REPO), method_map, options_map, keywords=keywords)
    }
    template = {_key(m) for m in _read(LOCALE / "messages.pot") if m.id}
    assert found - template == set(), "run the extraction (docs/languages.md)"


def test_georgian_figures_follow_cldr():
    try:
        i18n.use_language("ka")
        assert i18n.format_date(dt.date(2026, 4, 1)) == "1 აპრ. 2026"
        assert i18n.format_amount(Decimal(7661000), "GEL") == "7\xa0661\xa0000\xa0₾"
        assert i18n.format_percent(Decimal("18.6"), signed=True) == "+18,6%"
        assert i18n.count(3, "%(n)s project", "%(n)s projects") == "3 პროექტი"
        assert i18n.gettext("Initiation") == "ინიცირება"
    finally:
        i18n.use_language("en")
    assert i18n.format_date(dt.date(2026, 4, 1)) == "1 Apr 2026"
    assert i18n.format_amount(Decimal(7661000), "USD") == "7,661,000 USD"


@pytest.mark.parametrize("locale", ["ka", "en", "de", "fr", "hi"])
def test_whole_amounts_are_babels(locale: str) -> None:
    """The shortcut every page's amounts take gives Babel's own text, sign, grouping and
    symbol, for the site's languages and for locales that group otherwise."""
    from babel.numbers import format_currency, format_decimal

    values = [Decimal(0), Decimal("-0"), Decimal(7), Decimal(-999), Decimal(1000), Decimal(-1000)]
    values += [Decimal(10**k + 7 * k) * sign for k in range(3, 16) for sign in (1, -1)]
    for value in values:
        for currency in ("GEL", "USD", "EUR", "JPY", None):
            babel = (
                format_currency(
                    value, currency, format=i18n.WHOLE_CURRENCY_PATTERN, locale=locale, currency_digits=False
                )
                if currency
                else format_decimal(value, format=i18n.WHOLE_PATTERN, locale=locale)
            )
            assert i18n.whole_amount(value, currency, locale) == babel, (value, currency)


class _Visible(HTMLParser):
    """Text nodes and the title, aria-label and alt attributes a reader meets; code is the
    user's (or a command) and stays as written, and so does what a page marks as English
    (``lang="en"``: the checks' messages on /quality/, which are the command line's)."""

    SKIP = frozenset({"script", "style", "code", "pre", "kbd"})
    VOID = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.prose = 0  # depth inside the user's own Markdown (class "prose")
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        own = dict(attrs)
        kept = "prose" in (own.get("class") or "").split() or own.get("lang") == "en"
        if tag not in self.VOID and (self.prose or kept):
            self.prose += 1
        if self.prose:
            return
        for name, value in attrs:
            if name in ("title", "aria-label", "alt") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag not in self.VOID and self.prose:
            self.prose -= 1

    def handle_data(self, data):
        if not self.skipping and not self.prose and data.strip():
            self.texts.append(data)


def _patterns() -> list[re.Pattern[str]]:
    """Each English message (with two or more Latin letters) as a whole-text pattern; its
    placeholders match any text. A message the Georgian catalog keeps as it is (an acronym
    such as 'FTE') is not English on the page."""
    same = {m.id for m in _read(i18n.po_path("ka")) if m.id and m.string == m.id}
    out = []
    for message in _read(LOCALE / "messages.pot"):
        if message.id in same:
            continue
        for form in message.id if isinstance(message.id, tuple | list) else (message.id,):
            if not form or not re.search(r"[A-Za-z]{2,}", form):
                continue
            text = form.replace("%%", "%")
            parts = re.split(r"%\(\w+\)s", text)
            out.append(re.compile(r"\s*" + r"[\d\s,.+\-−]+?".join(re.escape(p) for p in parts) + r"\s*"))
    return out


@pytest.fixture(scope="module")
def georgian_demo(demo_site_ka: Path) -> Path:
    return demo_site_ka


def test_georgian_demo_shows_no_english_ui_message(georgian_demo: Path):
    # One pattern for all the messages: the same verdict as trying each in turn, in one pass.
    english = re.compile("|".join(f"(?:{p.pattern})" for p in _patterns()))
    found: dict[str, set[str]] = {}
    for page in sorted(georgian_demo.rglob("*.html")):
        parser = _Visible()
        parser.feed(page.read_text(encoding="utf-8"))
        for text in parser.texts:
            if english.fullmatch(text):
                found.setdefault(text.strip(), set()).add(page.relative_to(georgian_demo).as_posix())
    assert not found, {text: sorted(pages)[:2] for text, pages in sorted(found.items())[:20]}


def test_georgian_demo_hands_the_scripts_their_words(georgian_demo: Path):
    page = (georgian_demo / "search" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="itpm-messages">(.*?)</script>', page)
    assert found is not None
    messages = json.loads(found.group(1))
    assert messages["Type to search, or choose a filter."].startswith("აკრიფეთ")
    assert messages["%(n)s result"] == ["%(n)s შედეგი", "%(n)s შედეგი"]
    assert "Save a fix and this goes away by itself." not in messages  # serve's, not the site's


def test_georgian_csv_headers_follow_the_language_and_json_keys_do_not(georgian_demo: Path):
    """The CSV files are for people: their header is in the site's language; portfolio.json is
    for scripts: its keys stay English (docs/exports.md)."""
    import csv

    from itpm_site.model import registry

    with (georgian_demo / "projects.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == len(registry.project_columns())
    assert header[:3] == ["იდენტიფიკატორი", "სათაური", "ბმული"]
    assert not [h for h in header if re.fullmatch(r"[a-z_]+", h)], header
    with (georgian_demo / "risks.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle))[:2] == ["პროექტი", "პროექტის_სათაური"]
    data = json.loads((georgian_demo / "portfolio.json").read_text(encoding="utf-8"))
    assert {"slug", "title", "phase", "status"} <= set(data["projects"][0])
    phases = {"initiation", "planning", "implementation", "monitoring", "closure"}
    assert data["projects"][0]["phase"] in phases


def test_every_csv_column_has_a_heading():
    from itpm_site.model import registry
    from itpm_site.outputs.exports import MILESTONE_COLUMNS, RISK_COLUMNS, csv_headings
    from itpm_site.outputs.people import ALLOCATION_COLUMNS, PEOPLE_COLUMNS

    keys = {*registry.project_columns(), *RISK_COLUMNS, *MILESTONE_COLUMNS}
    keys |= {*PEOPLE_COLUMNS, *ALLOCATION_COLUMNS}
    assert keys - set(csv_headings()) == set()
    assert all(key == heading for key, heading in csv_headings().items())  # English: the keys


# ------------------------------------------------------------------------------ site.yaml labels

_LABELS_SITE = """title: Labels
labels:
  phase:
    monitoring: {en: Monitoring & Control, ka: კონტროლი}
    planning: {ka: გეგმა}
  status:
    amber: At risk
categories:
  - slug: cyber
    label: {en: Cyber security, ka: კიბერუსაფრთხოება}
    description: {en: Keeping attackers out}
"""


def _labelled_project(title: str, phase: str, category: str) -> str:
    return (
        f"---\ntitle: {title}\nphase: {phase}\nstatus: amber\nowner: Ann Lee\nsummary: S.\n"
        f"category: {category}\nstart: 2026-01-01\nend: 2026-12-31\n---\nBody.\n"
    )


def _build(root: Path, out: Path, language: str) -> None:
    build_in_language(root, out, language, "2026-06-01", cache=False)


def test_site_yaml_labels_replace_the_catalog_in_each_language(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(
        tmp_path / "p",
        {
            "site.yaml": _LABELS_SITE,
            "content/projects/alpha.md": _labelled_project("Alpha", "monitoring", "Cyber security"),
            # A category may be written in any language its label is given in.
            "content/projects/beta.md": _labelled_project("Beta", "planning", "კიბერუსაფრთხოება"),
        },
    )
    _build(root, tmp_path / "en", "en")
    _build(root, tmp_path / "ka", "ka")
    en = (tmp_path / "en" / "projects" / "index.html").read_text(encoding="utf-8")
    ka = (tmp_path / "ka" / "projects" / "index.html").read_text(encoding="utf-8")
    assert "Monitoring &amp; Control" in en and "Monitoring and Control" not in en
    assert "კონტროლი" in ka and "მონიტორინგი და კონტროლი" not in ka
    # A label given only for ka leaves English its catalog's word; plain text is every language's.
    assert "Planning" in en and "გეგმა" in ka and "დაგეგმვა" not in ka
    assert "At risk" in en and "At risk" in ka and "ყვითელი" not in ka
    for page, label in ((en, "Cyber security"), (ka, "კიბერუსაფრთხოება")):
        assert page.count(f">{label}</a>") == 2  # both projects are in the category
    category = (tmp_path / "ka" / "categories" / "cyber" / "index.html").read_text(encoding="utf-8")
    assert "Keeping attackers out" in category  # no ka text: the English one
    # The search page names the label too: 'at risk' (already English) and the Georgian one.
    meta = json.loads((tmp_path / "ka" / "search" / "data" / "meta.json").read_text(encoding="utf-8"))
    assert meta["vocabulary"]["facets"]["კონტროლი"] == [["phase", "monitoring"]]
    assert meta["vocabulary"]["labels"]["status=amber"] == "At risk"


def test_the_built_in_categories_are_translated_and_found_in_either_language() -> None:
    from itpm_site.model.config import DEFAULT_CATEGORIES, SiteConfig

    software = DEFAULT_CATEGORIES[0]
    assert software.built_in and "პროგრამული უზრუნველყოფა" in software.spellings()
    assert SiteConfig().category_index()["პროგრამული-უზრუნველყოფა"].slug == "software"
    try:
        i18n.use_language("ka")
        assert software.shown_label() == "პროგრამული უზრუნველყოფა"
    finally:
        i18n.use_language("en")
    assert software.shown_label() == "Software"


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        (
            "labels:\n  phase:\n    closure: {en: Closed, ge: დახურული}\n",
            "labels.phase.closure.ge: 'ge' is not a site language; did you mean 'ka'?",
        ),
        (  # a Cyrillic 'а'
            "labels:\n  status:\n    red: {en: Off track, k\u0430: X}\n",
            "labels.status.red.k\u0430: 'k\u0430' is not a site language; did you mean 'ka'?",
        ),
        (
            "categories:\n  - slug: x\n    label: {english: X}\n",
            "categories[0].label.english: 'english' is not a site language; did you mean 'en'?",
        ),
        ("labels:\n  phase:\n    clossure: Closed\n", "'clossure' is not a phase; did you mean 'closure'?"),
        ("labels:\n  status:\n    red: ''\n", "labels.status.red: the text is empty"),
    ],
)
def test_a_label_in_an_unknown_language_is_an_error_with_a_suggestion(yaml: str, expected: str) -> None:
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.loader import config_from_source

    out = Collector()
    config_from_source(Path("/p"), lambda: yaml, out)
    headlines = [d.headline() for d in out.items]
    assert any(expected in h and ": error: " in h for h in headlines), headlines


def test_labels_replace_only_their_messages() -> None:
    try:
        i18n.use_language("ka", {"Amber": "რისკის ქვეშ"})
        assert i18n.gettext("Amber") == "რისკის ქვეშ"
        assert i18n.gettext("Red") == "წითელი"
        assert i18n.count(3, "%(n)s project", "%(n)s projects") == "3 პროექტი"
    finally:
        i18n.use_language("en")
    assert i18n.gettext("Amber") == "Amber"


@pytest.mark.parametrize("language", ["en", "ka"])
def test_template_messages_read_as_with_jinjas_own_gettext(language: str) -> None:
    """The site's _(), gettext and ngettext (render/pages.py) give what Jinja's newstyle
    gettext gives, for a theme's {% trans %} blocks too: escaped variables, '%%' as '%', plural
    forms, and the same text once the message is remembered."""
    source = (
        "{{ _('Planned') }}|{{ _('Planned') }}|{{ _('100%% of %(what)s', what='<b>') }}|"
        "{{ ngettext('%(num)s project', '%(num)s projects', 1) }}|"
        "{{ ngettext('%(num)s project', '%(num)s projects', 3) }}|"
        "{% for n in [1, 2] %}{{ _('Owner') }}{{ ngettext('%(num)s day', '%(num)s days', n) }}{% endfor %}|"
        "{% trans %}Risk register{% endtrans %}|"
        "{% trans count=5 %}{{ count }} risk{% pluralize %}{{ count }} risks{% endtrans %}|"
        "{% autoescape false %}{{ _('%(x)s and more', x='<i>') }}{% endautoescape %}|"
        # Variables named like the functions' own arguments, as a theme may name them.
        "{% trans message='a<b' %}Hi {{ message }}{% endtrans %}|{{ _('x %(message)s', message='m') }}|"
        "{{ ngettext('%(num)s day', '%(num)s days', 2, num=5) }}|"
        "{% trans count=2, num=7 %}{{ count }} of {{ num }}"
        "{% pluralize count %}{{ count }} of {{ num }}s{% endtrans %}|"
        "{% trans n=2, plural='p' %}{{ n }} {{ plural }}{% pluralize %}{{ n }} {{ plural }}s{% endtrans %}"
    )
    catalog = i18n.translations(language)
    ours = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    _install_gettext(ours, catalog)
    jinjas = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    jinjas.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    expected = jinjas.from_string(source).render()
    assert ours.from_string(source).render() == expected
    assert ours.from_string(source).render() == expected  # remembered messages read the same
    assert "&lt;b&gt;" in expected and "<i>" in expected and "100%" in expected
