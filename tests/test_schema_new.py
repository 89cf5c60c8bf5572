"""``itpm-site schema`` and ``itpm-site new project``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from itpm_site.cli import cli
from itpm_site.load.frontmatter import parse_document, read_text
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.project import Project
from itpm_site.model.schema import DRAFT, SCHEMAS, json_schema

pytestmark = pytest.mark.usefixtures("plain_env")

PHASES = ["initiation", "planning", "implementation", "monitoring", "closure"]


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="itpm-site", catch_exceptions=False)


# ------------------------------------------------------------------------------ schema


def test_schema_prints_json_schema_draft_2020_12():
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["properties"]["phase"]["enum"] == PHASES
    assert schema["properties"]["phase"]["type"] == "string"
    assert sorted(schema["required"]) == ["owner", "phase", "title"]


def test_schema_defaults_to_project():
    assert invoke("schema").stdout == invoke("schema", "--for", "project").stdout


def test_schema_lists_every_field_with_a_description():
    schema = json_schema("project")
    assert list(schema["properties"]) == list(Project.model_fields)
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name


def test_schema_enums_and_ranges():
    schema = json_schema("project")
    props, defs = schema["properties"], schema["$defs"]

    def enum_of(prop):
        return next(o["enum"] for o in prop.get("anyOf", [prop]) if "enum" in o)

    assert enum_of(props["status"]) == ["green", "amber", "red"]
    assert enum_of(props["state"]) == ["active", "on-hold", "cancelled", "done"]
    assert enum_of(defs["Risk"]["properties"]["status"]) == [
        "open",
        "monitoring",
        "mitigated",
        "closed",
        "occurred",
    ]
    probability = defs["Risk"]["properties"]["probability"]
    assert (probability["type"], probability["minimum"], probability["maximum"]) == ("integer", 1, 5)
    assert {"type": "string", "format": "date"} in props["start"]["anyOf"]
    assert defs["Milestone"]["properties"]["done"]["type"] == "boolean"


def test_schema_admits_the_shorthands_the_loader_accepts():
    props = json_schema("project")["properties"]
    budget_types = {o.get("type") or o.get("$ref") for o in props["budget"]["anyOf"]}
    assert budget_types == {"#/$defs/Budget", "number", "string", "null"}  # budget: 250000
    assert {o["type"] for o in props["tags"]["anyOf"]} == {"array", "string"}  # tags: web
    assert {o["type"] for o in props["depends_on"]["anyOf"]} == {"array", "string"}


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_schema_for_every_kind(kind):
    result = invoke("schema", "--for", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == DRAFT
    assert schema["$id"].endswith(f"/{kind}.json")
    assert schema["properties"]


def test_schema_for_an_unknown_kind_is_a_usage_error():
    result = CliRunner().invoke(cli, ["schema", "--for", "rocket"])
    assert result.exit_code == 2


def test_schema_output_is_stable():
    assert invoke("schema").stdout == invoke("schema").stdout


# ------------------------------------------------------------------------------ new project

#: Every value a project needs, given on the command line: nothing is left as a placeholder.
FILLED = (
    "--sponsor",
    "Chief Digital Officer",
    "--summary",
    "A portal customers use.",
    "--start",
    "2026-03-02",
    "--end",
    "2026-08-29",
    "--budget",
    "250k",
)


@pytest.fixture
def root(tmp_path, monkeypatch):
    """An empty portfolio; `git config user.name` is not consulted."""
    monkeypatch.setattr("itpm_site.commands.new._git_user", lambda root: None)
    (tmp_path / "content").mkdir()
    return tmp_path


def new(root: Path, title: str, *options: str):
    return invoke("new", "project", title, "--root", root, *options)


def check(root: Path, *options: str):
    return invoke("check", "--root", root, *options)


def test_a_new_project_with_every_value_passes_check(root):
    result = new(root, "Customer Portal Redesign", "--owner", "Nino Beridze", *FILLED)
    assert result.exit_code == 0, result.output
    path = root / "content/projects/customer-portal-redesign.md"
    assert result.stdout == (
        f"created {path}\nnext: set the status once it is assessed, then run 'itpm-site check'\n"
    )
    checked = check(root)
    assert checked.exit_code == 0, checked.stdout
    # Only the status is missing: it is the project manager's assessment, never made up.
    assert checked.stdout.endswith("0 errors, 1 warning in 1 file checked\n")
    assert "recommended field 'status' is missing" in checked.stdout
    (entry,) = load_portfolio(root).projects
    model = entry.model
    assert (model.title, model.owner, model.sponsor, model.phase.value, entry.slug) == (
        "Customer Portal Redesign",
        "Nino Beridze",
        "Chief Digital Officer",
        "initiation",
        "customer-portal-redesign",
    )
    assert (model.start, model.end) == (dt.date(2026, 3, 2), dt.date(2026, 8, 29))
    assert model.status is None and model.status_date is None
    assert (model.budget.planned, model.budget.currency) == (250000, "USD")
    assert model.milestones == [] and model.summary == "A portal customers use."


def test_a_scaffold_cannot_pass_as_a_finished_project(root):
    """What the command line does not give is a placeholder that check names, line by line;
    never a budget of 0, a sponsor 'TBD' or a green status nobody assessed."""
    result = new(root, "Data Lake")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (
        "next: fill in owner, sponsor, start, end, budget, summary (written as placeholders "
        "that 'itpm-site check' reports until they are), and the status once it is assessed"
    )
    checked = load_portfolio(root)
    assert checked.projects == []
    placeholders = [(d.field, d.line, d.message) for d in checked.errors]
    assert placeholders == [
        ("owner", 5, "'<project manager>' is a placeholder, not a value"),
        ("sponsor", 6, "'<executive sponsor>' is a placeholder, not a value"),
        ("start", 9, "'<YYYY-MM-DD>' is a placeholder, not a value"),
        ("end", 10, "'<YYYY-MM-DD>' is a placeholder, not a value"),
        ("budget.planned", 13, "'<approved budget>' is a placeholder, not a value"),
        (
            "summary",
            18,
            "'<one sentence: the purpose and the expected benefit>' is a placeholder, not a value",
        ),
    ]
    assert check(root).exit_code == 1


def test_filling_in_the_placeholders_makes_it_pass(root):
    new(root, "Data Lake", "--owner", "A")
    path = root / "content/projects/data-lake.md"
    text = path.read_text(encoding="utf-8")
    for placeholder, value in (
        ('"<executive sponsor>"', "CIO"),
        ('"<YYYY-MM-DD>"', "2026-04-01"),
        ('"<approved budget>"', "90000"),
        ('"<one sentence: the purpose and the expected benefit>"', "One lake for the group's data."),
    ):
        text = text.replace(placeholder, value)
    path.write_text(text, encoding="utf-8")
    assert check(root).exit_code == 0


@pytest.mark.parametrize("value", ["TBD", "tbc", "TODO", "???", "<sponsor>", "Fill in later"])
def test_placeholders_written_by_hand_are_errors_too(root, write_portfolio, value):
    write_portfolio(
        root, {"content/projects/a.md": f"---\ntitle: A\nphase: planning\nowner: O\nsponsor: {value}\n---\n"}
    )
    (error,) = load_portfolio(root).errors
    assert (error.field, error.line, error.code) == ("sponsor", 5, "placeholder")


def test_the_same_title_twice_is_refused(root):
    assert new(root, "Data Lake", "--owner", "A").exit_code == 0
    second = new(root, "Data Lake", "--owner", "B")
    assert second.exit_code == 2
    assert "content/projects/data-lake.md already has this title" in second.output
    assert sorted(p.name for p in (root / "content/projects").iterdir()) == ["data-lake.md"]


def test_a_slug_taken_in_a_sub_folder_counts(root):
    sub = root / "content/projects/digital"
    sub.mkdir(parents=True)
    (sub / "data-lake.md").write_text("---\ntitle: Old\n---\n")
    new(root, "Data Lake")
    assert (root / "content/projects/data-lake-2.md").is_file()


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Phase 2: \"rollout\" & 'more'", "phase-2-rollout-more"),
        ("CRM: {upgrade}, [stage 1] #2 - 50%", "crm-upgrade-stage-1-2-50"),
        ("no", "no"),
        ("*alias: - item", "alias-item"),
        ("ქართული პროექტი", "kartuli-proekti"),  # spelt in Latin letters
        ("ქართული: 2026", "kartuli-2026"),
        ("!!!", "project"),  # nothing to make a slug of
    ],
)
def test_titles_that_need_quoting_or_have_no_ascii(root, title, slug):
    result = new(root, title, "--owner", 'ნინო: "PM"', *FILLED)
    assert result.exit_code == 0, result.output
    path = root / f"content/projects/{slug}.md"
    assert path.is_file()
    checked = check(root)
    assert checked.exit_code == 0, checked.stdout
    (entry,) = load_portfolio(root).projects
    assert entry.slug == slug
    assert entry.model.title == title
    assert entry.model.owner == 'ნინო: "PM"'


def test_two_georgian_titles_get_distinct_valid_slugs(root):
    new(root, "პირველი", *FILLED)
    new(root, "მეორე", *FILLED)
    new(root, "მეორე ეტაპი", *FILLED)
    assert sorted(p.stem for p in (root / "content/projects").iterdir()) == [
        "meore",
        "meore-etapi",
        "pirveli",
    ]


def test_new_project_uses_site_settings_and_options(root):
    (root / "site.yaml").write_text("currency: gel\n")
    result = new(root, "Branch network", "--program", "Infra: 2026", "--category", "network-cloud", *FILLED)
    assert result.exit_code == 0
    text = (root / "content/projects/branch-network.md").read_text(encoding="utf-8")
    assert (
        "currency: GEL" in text and 'program: "Infra: 2026"' in text and 'category: "network-cloud"' in text
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--budget", "250.000", "is ambiguous"),
        ("--budget", "about 5k", "is not an amount"),
        ("--start", "1/4/2026", "is not a date"),
    ],
)
def test_a_value_given_wrong_is_a_usage_error(root, option, value, message):
    result = new(root, "X", option, value)
    assert result.exit_code == 2
    assert message in result.output
    assert not (root / "content/projects").exists()


def test_an_end_before_the_start_is_a_usage_error(root):
    result = new(root, "X", "--start", "2026-05-01", "--end", "2026-04-01")
    assert result.exit_code == 2 and "is before the start" in result.output


def test_new_project_creates_the_projects_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("itpm_site.commands.new._git_user", lambda root: None)
    (tmp_path / "fresh" / "content").mkdir(parents=True)
    result = new(tmp_path / "fresh", "First")
    assert result.exit_code == 0
    assert (tmp_path / "fresh/content/projects/first.md").is_file()


def test_new_project_outside_a_portfolio_is_a_usage_error(tmp_path):
    result = new(tmp_path / "nowhere", "First")
    assert result.exit_code == 2
    assert "no 'content/' folder" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_new_project_rejects_an_unknown_category_with_a_suggestion(root):
    result = invoke("new", "project", "X", "--root", str(root), "--category", "netwrk")
    assert result.exit_code == 2
    assert "did you mean 'network-cloud'?" in result.output


def test_new_project_with_relative_root_prints_a_relative_path(root, monkeypatch):
    monkeypatch.chdir(root)
    result = invoke("new", "project", "Relative")
    assert result.stdout.splitlines()[0] == "created content/projects/relative.md"


@pytest.mark.parametrize("title", ["", "   "])
def test_empty_title_is_a_usage_error(root, title):
    result = CliRunner().invoke(cli, ["new", "project", title, "--root", str(root)])
    assert result.exit_code == 2
    assert "the title must not be empty" in result.stderr
    assert not (root / "content/projects").exists()


def test_the_template_only_uses_keys_of_the_schema(root):
    new(root, "Keys")
    path = root / "content/projects/keys.md"
    doc = parse_document(path, "keys.md", read_text(path))
    assert "title" in doc.data
    assert set(doc.data) <= set(json_schema("project")["properties"])
    assert doc.body.startswith("## Purpose\n")
