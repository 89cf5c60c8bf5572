"""Reading a source file: decoding, splitting the front matter, YAML with true positions.

Line and column are those of the file on disk: the opening ``---`` is line 1, columns count
characters (not bytes) from 1. A file that cannot be read is a diagnostic, never an exception.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from itpm_site.load import frontmatter
from itpm_site.load.frontmatter import SourceError, Span, parse_document, parse_yaml_file, read_text
from itpm_site.load.portfolio import load_portfolio

pytestmark = pytest.mark.usefixtures("plain_env")


def parse(text: str):
    return parse_document(Path("a.md"), "content/projects/a.md", textwrap.dedent(text))


def problems(root: Path) -> list[tuple]:
    """(path, line, column, severity, field, message) of every non-'recommended' diagnostic."""
    return [
        (d.path, d.line, d.column, d.severity.value, d.field, d.message)
        for d in load_portfolio(root).diagnostics
        if d.code != "recommended"
    ]


# ------------------------------------------------------------------------------ positions


def test_opening_fence_is_line_one():
    doc = parse("""\
        ---
        title: Customer Portal
        phase: planning
        ---
        Body
        """)
    assert doc.data == {"title": "Customer Portal", "phase": "planning"}
    assert doc.span(("title",), key=True) == Span(2, 1, 5)
    assert doc.span(("title",)) == Span(2, 8, 15)
    assert doc.span(("phase",)) == Span(3, 8, 8)
    assert doc.body == "Body\n"
    assert doc.body_line == 5


def test_a_risk_deep_in_a_list():
    doc = parse("""\
        ---
        title: T
        risks:
          - title: first
            probability: 1
          - title: second
            probability: 2
          - title: third
            impact: 3
            probability: 45
        ---
        """)
    assert doc.span(("risks", 2, "probability")) == Span(10, 18, 2)
    assert doc.span(("risks", 2, "probability"), key=True) == Span(10, 5, 11)
    assert doc.span(("risks", 2)).line == 8
    assert doc.line_text(10) == "    probability: 45"


def test_risk_deep_in_a_list_reported_at_the_exact_place(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": textwrap.dedent("""\
        ---
        title: T
        phase: planning
        owner: O
        risks:
          - {title: first, probability: 1, impact: 1}
          - title: second
            probability: 2
            impact: 2
          - title: third
            impact: 3
            probability: 45
        ---
        """)
        },
    )
    assert problems(tmp_path) == [
        ("content/projects/a.md", 12, 18, "error", "risks[2].probability", "45 is not between 1 and 5"),
    ]


def test_span_falls_back_to_key_then_ancestor_then_fence():
    doc = parse("""\
        ---
        title: T
        budget:
          planned: 5
        ---
        """)
    assert doc.span(("budget", "planned")) == Span(4, 12, 1)
    assert doc.span(("budget", "currency")) == doc.span(("budget",)) == Span(4, 3, 1)
    assert doc.span(("budget",), key=True) == Span(3, 1, 6)
    assert doc.span(("owner",)) == Span(1, 1, 3)


BROKEN_AT_KNOWN_PLACES = """\
---
title: T
phase: Execut
owner: O
risks:
  - title: R
    probability: 9
    impact: 1
---
Body
"""
EXPECTED_AT_KNOWN_PLACES = [
    (
        "content/projects/a.md",
        3,
        8,
        "error",
        "phase",
        "'Execut' is not a phase; did you mean 'implementation'?",
    ),
    ("content/projects/a.md", 7, 18, "error", "risks[0].probability", "9 is not between 1 and 5"),
]


@pytest.mark.parametrize(
    ("bom", "newline"),
    [
        (b"", b"\n"),
        (b"", b"\r\n"),
        (b"\xef\xbb\xbf", b"\n"),
        (b"\xef\xbb\xbf", b"\r\n"),
        (b"", b"\r"),
    ],
    ids=["lf", "crlf", "bom-lf", "bom-crlf", "cr"],
)
def test_crlf_and_bom_give_the_same_positions_as_lf(tmp_path, write_portfolio, bom, newline):
    data = bom + BROKEN_AT_KNOWN_PLACES.encode().replace(b"\n", newline)
    write_portfolio(tmp_path, {"content/projects/a.md": data})
    assert problems(tmp_path) == EXPECTED_AT_KNOWN_PLACES
    text = read_text(tmp_path / "content/projects/a.md")
    assert text == BROKEN_AT_KNOWN_PLACES
    diagnostic = load_portfolio(tmp_path).errors[0]
    assert diagnostic.source_line == "phase: Execut"  # no '\r' and no BOM in what is shown


def test_georgian_text_in_values_and_columns_in_characters(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": textwrap.dedent("""\
        ---
        title: პორტალის განახლება
        phase: დაგეგმვა
        owner: ნინო ბერიძე
        risks: [{title: მომწოდებლის დაგვიანება, probability: 9, impact: 1}]
        ---
        ტექსტი
        """)
        },
    )
    assert problems(tmp_path) == [
        ("content/projects/a.md", 3, 8, "error", "phase", "'დაგეგმვა' is not a phase"),
        ("content/projects/a.md", 5, 54, "error", "risks[0].probability", "9 is not between 1 and 5"),
    ]


def test_georgian_values_are_kept_exactly(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": textwrap.dedent("""\
        ---
        title: პორტალის განახლება
        phase: planning
        owner: ნინო ბერიძე
        tags: [ციფრული, web]
        ---
        ტექსტი
        """)
        },
    )
    result = load_portfolio(tmp_path)
    (entry,) = result.projects
    assert entry.model.title == "პორტალის განახლება"
    assert entry.model.owner == "ნინო ბერიძე"
    assert entry.model.tags == ["ციფრული", "web"]
    assert entry.doc.body == "ტექსტი\n"


# ------------------------------------------------------------------------------ scalars


@pytest.mark.parametrize(
    ("yaml_value", "expected"),
    [
        ("true", True),
        ("false", False),
        ("True", True),
        ("FALSE", False),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("N", "N"),
        ("007", "007"),
        ("0123", "0123"),
        ("1.50", "1.50"),
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),
        ("2026-01-01", "2026-01-01"),
        ("12:30", "12:30"),
        (".nan", ".nan"),
        ("", None),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ('"true"', "true"),
        ("'no'", "no"),
        ('""', ""),
        ("'null'", "null"),
    ],
)
def test_only_true_and_false_are_booleans(yaml_value, expected):
    doc = parse(f"---\nvalue: {yaml_value}\n---\n")
    assert doc.data["value"] == expected
    assert type(doc.data["value"]) is type(expected)


def test_scalars_inside_lists_and_mappings_follow_the_same_rule():
    doc = parse("""\
        ---
        tags: [yes, no, 007]
        budget: {planned: 0250}
        ---
        """)
    assert doc.data == {"tags": ["yes", "no", "007"], "budget": {"planned": "0250"}}


def test_duplicate_keys_are_recorded_with_both_places():
    doc = parse("""\
        ---
        title: A
        budget:
          planned: 1
          planned: 2
        title: B
        ---
        """)
    assert doc.data["title"] == "B"
    assert doc.duplicate_keys == [
        (("budget", "planned"), Span(4, 3, 7), Span(5, 3, 7)),
        (("title",), Span(2, 1, 5), Span(6, 1, 5)),
    ]


def test_yaml_document_end_marker_closes_the_front_matter():
    doc = parse("""\
        ---
        title: T
        ...
        Body with --- a rule
        ---
        """)
    assert doc.data == {"title": "T"}
    assert doc.body == "Body with --- a rule\n---\n"
    assert doc.body_line == 4


def test_a_closing_fence_with_trailing_spaces_and_no_final_newline():
    doc = parse_document(Path("a.md"), "a.md", "---\ntitle: T\n---   ")
    assert doc.data == {"title": "T"}
    assert doc.body == ""


# ------------------------------------------------------------------------------ broken files

BROKEN_FILES = [
    pytest.param(b"", 1, 1, "empty", "the file is empty", id="empty"),
    pytest.param(b"  \n\n", 1, 1, "empty", "the file is empty", id="blank"),
    pytest.param(
        b"title: T\nphase: planning\n",
        1,
        1,
        "no-front-matter",
        "the file does not start with front matter ('---')",
        id="no-front-matter",
    ),
    pytest.param(
        b"# Just Markdown\n",
        1,
        1,
        "no-front-matter",
        "the file does not start with front matter ('---')",
        id="markdown-only",
    ),
    pytest.param(
        b"---\ntitle: T\nphase: planning\n",
        1,
        1,
        "unclosed-front-matter",
        "the front matter opened on line 1 is never closed",
        id="unclosed",
    ),
    pytest.param(b"---\n---\nBody\n", 1, 1, "empty", "the front matter is empty", id="empty-front-matter"),
    pytest.param(
        b"---\n# only a comment\n---\n",
        1,
        1,
        "empty",
        "the front matter is empty",
        id="comment-only-front-matter",
    ),
    pytest.param(
        b"---\n- a\n- b\n---\n",
        2,
        1,
        "yaml",
        "the front matter must be a set of 'key: value' lines",
        id="list",
    ),
    pytest.param(
        b"---\njust words\n---\n",
        2,
        1,
        "yaml",
        "the front matter must be a set of 'key: value' lines",
        id="scalar",
    ),
    pytest.param(
        b"---\ntitle: Phase 2: rollout\nphase: planning\nowner: O\n---\n",
        2,
        15,
        "yaml",
        "YAML syntax error: mapping values are not allowed in this context",
        id="unquoted-colon",
    ),
    pytest.param(
        b"---\ntitle: T\nphase: planning\n\towner: O\n---\n",
        4,
        1,
        "yaml",
        "YAML syntax error: found a tab character that violates indentation",
        id="tab-indent",
    ),
    pytest.param(
        b'---\ntitle: "T\nphase: planning\n---\n',
        2,
        8,
        "yaml",
        "YAML syntax error: the quoted value that starts here is not closed on its line",
        id="unterminated-quote",
    ),
    pytest.param(
        b"---\ntitle: T\ntags: [a, b\nowner: O\n---\n",
        3,
        7,
        "yaml",
        "YAML syntax error: the list opened here with '[' is not closed",
        id="unclosed-list",
    ),
    pytest.param(
        b"---\ntitle: T\nbudget:\n  planned: 100\nactual: 50\n  forecast: 120\nowner: O\n---\n",
        5,
        1,
        "yaml",
        "YAML syntax error: 'actual' is indented less than the lines around it, so the lines below "
        "it no longer fit",
        id="key-outdented-in-the-middle-of-its-mapping",
    ),
    pytest.param(
        b"---\ntitle: T\nowner: O\nphase: planning\n--- # end\nBody\n",
        5,
        1,
        "unclosed-front-matter",
        "line 5, '--- # end', looks like the end of the front matter, but only a line of exactly "
        "'---' ends it",
        id="closing-line-with-a-comment",
    ),
    pytest.param(
        b"---\ntitle: *nothing\n---\n",
        2,
        8,
        "yaml",
        "YAML syntax error: found undefined alias",
        id="undefined-alias",
    ),
    pytest.param(
        b"---\na: &x [*x]\n---\n", 2, 4, "yaml", "YAML alias refers to itself", id="recursive-alias"
    ),
    pytest.param(b"---\n[a, b]: c\n---\n", 2, 1, "yaml", "a key must be a plain word", id="non-scalar-key"),
    pytest.param(
        b"---\ntitle: caf\xe9\nphase: planning\n---\n",
        2,
        11,
        "encoding",
        "the file is not valid UTF-8 (byte 0xe9)",
        id="latin-1",
    ),
    pytest.param(
        "---\ntitle: ქართ".encode() + b"\xff\n---\n",
        2,
        12,
        "encoding",
        "the file is not valid UTF-8 (byte 0xff)",
        id="bad-byte-after-georgian",
    ),
    pytest.param(
        b"\xef\xbb\xbf---\nowner: \xe9\n---\n",
        2,
        8,
        "encoding",
        "the file is not valid UTF-8 (byte 0xe9)",
        id="bom-then-bad-byte",
    ),
    pytest.param(
        "---\ntitle: T\n---\n".encode("utf-16"),
        1,
        1,
        "encoding",
        "the file is not valid UTF-8 (byte 0xff)",
        id="utf-16",
    ),
]


@pytest.mark.parametrize(("data", "line", "column", "code", "message"), BROKEN_FILES)
def test_a_broken_file_is_a_diagnostic_not_an_exception(
    tmp_path, write_portfolio, data, line, column, code, message
):
    write_portfolio(tmp_path, {"content/projects/broken.md": data})
    result = load_portfolio(tmp_path)
    assert [(d.path, d.line, d.column, d.severity.value, d.code, d.message) for d in result.diagnostics] == [
        ("content/projects/broken.md", line, column, "error", code, message)
    ]
    if message not in ("YAML alias refers to itself", "a key must be a plain word"):
        assert result.errors[0].hint  # says what to do (these two rarities have no hint yet)
    assert result.projects == []
    assert result.rejected == ["content/projects/broken.md"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (
            "---\ntitle: Phase 2: rollout\n---\n",
            "a value that contains ': ' must be quoted, e.g. title: \"Phase 2: rollout\"",
        ),
        ("---\ntitle: T\n\towner: O\n---\n", "YAML does not allow tabs for indentation; use spaces"),
        ("---\ntitle: *x\n---\n", "a value starting with '*' or '&' must be quoted"),
    ],
)
def test_yaml_errors_come_with_a_specific_hint(tmp_path, write_portfolio, text, hint):
    write_portfolio(tmp_path, {"content/projects/a.md": text})
    (diagnostic,) = load_portfolio(tmp_path).diagnostics
    assert diagnostic.hint == hint


def test_the_source_line_is_shown_for_yaml_errors(tmp_path, write_portfolio):
    write_portfolio(tmp_path, {"content/projects/a.md": "---\ntitle: Phase 2: rollout\n---\n"})
    (diagnostic,) = load_portfolio(tmp_path).diagnostics
    assert diagnostic.source_line == "title: Phase 2: rollout"


def test_quoting_the_colon_fixes_it(tmp_path, write_portfolio):
    write_portfolio(
        tmp_path,
        {
            "content/projects/a.md": textwrap.dedent("""\
        ---
        title: "Phase 2: rollout"
        phase: planning
        owner: O
        ---
        """)
        },
    )
    result = load_portfolio(tmp_path)
    assert result.errors == []
    assert result.projects[0].model.title == "Phase 2: rollout"


def test_a_yaml_error_without_a_position_is_still_a_source_error(monkeypatch):
    # A YAML error may carry no mark at all; the hint about an unclosed quote (which names
    # the line YAML stopped on) must not be looked for then, nor fail on the missing mark.
    def compose(text, Loader):
        raise yaml.MarkedYAMLError(problem="something went wrong")

    monkeypatch.setattr(frontmatter.yaml, "compose", compose)
    with pytest.raises(SourceError) as caught:
        parse('---\ntitle: "not closed\n---\n')
    assert caught.value.message == "YAML syntax error: something went wrong"
    assert caught.value.code == "yaml"


def test_blank_lines_above_the_fence_are_named_in_the_hint():
    with pytest.raises(SourceError) as caught:
        parse_document(Path("a.md"), "a.md", "\n\n---\ntitle: T\n---\n")
    assert caught.value.code == "no-front-matter"
    assert "remove the blank lines above the '---' on line 3" in caught.value.hint


def test_a_site_yaml_that_is_not_key_value_lines_is_not_called_front_matter():
    with pytest.raises(SourceError) as caught:
        parse_yaml_file(Path("site.yaml"), "site.yaml", "x\n")
    assert caught.value.message == "the file must be a set of 'key: value' lines"
    assert "front matter" not in caught.value.hint and "site.yaml" in caught.value.hint
