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

AS_OF = "2026-03-02"


@pytest.fixture
def root(tmp_path, monkeypatch):
    """An empty portfolio; `git config user.name` is not consulted."""
    monkeypatch.setattr("itpm_site.commands.new._git_user", lambda root: None)
    (tmp_path / "content").mkdir()
    return tmp_path


def new(root: Path, title: str, *options: str):
    return invoke("new", "project", title, "--root", root, "--as-of", AS_OF, *options)


def check_strict(root: Path):
    return invoke("check", "--root", root, "--strict")


def test_new_project_writes_a_file_that_passes_check_strict(root):
    result = new(root, "Customer Portal Redesign", "--owner", "Nino Beridze")
    assert result.exit_code == 0
    path = root / "content/projects/customer-portal-redesign.md"
    assert result.stdout == (
        f"created {path}\nnext: fill in the summary, dates and budget, then run 'itpm-site check'\n"
    )
    strict = check_strict(root)
    assert strict.exit_code == 0, strict.stdout
    assert strict.stdout == "0 errors, 0 warnings in 1 file checked\n"
    (entry,) = load_portfolio(root).projects
    model = entry.model
    assert (model.title, model.owner, model.phase.value, entry.slug) == (
        "Customer Portal Redesign",
        "Nino Beridze",
        "initiation",
        "customer-portal-redesign",
    )
    assert model.start == dt.date(2026, 3, 2)
    assert model.status_date == dt.date(2026, 3, 2)
    assert model.end == dt.date(2026, 3, 2) + dt.timedelta(days=180)
    assert [m.date for m in model.milestones] == [dt.date(2026, 4, 1)]
    assert model.budget.currency == "USD"


def test_new_project_without_owner_or_git_user(root):
    new(root, "X")
    assert load_portfolio(root).projects[0].model.owner == "Unassigned"


def test_the_same_title_twice_gets_a_numbered_slug(root):
    new(root, "Data Lake", "--owner", "A")
    second = new(root, "Data Lake", "--owner", "B")
    third = new(root, "Data Lake", "--owner", "C")
    assert second.exit_code == third.exit_code == 0
    assert sorted(p.name for p in (root / "content/projects").iterdir()) == [
        "data-lake-2.md",
        "data-lake-3.md",
        "data-lake.md",
    ]
    assert (root / "content/projects/data-lake.md").read_text().count('owner: "A"') == 1
    assert check_strict(root).exit_code == 0


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
    result = new(root, title, "--owner", 'ნინო: "PM"')
    assert result.exit_code == 0, result.output
    path = root / f"content/projects/{slug}.md"
    assert path.is_file()
    strict = check_strict(root)
    assert strict.exit_code == 0, strict.stdout
    (entry,) = load_portfolio(root).projects
    assert entry.slug == slug
    assert entry.model.title == title
    assert entry.model.owner == 'ნინო: "PM"'


def test_two_georgian_titles_get_distinct_valid_slugs(root):
    new(root, "პირველი")
    new(root, "მეორე")
    new(root, "მეორე")
    assert sorted(e.slug for e in load_portfolio(root).projects) == ["meore", "meore-2", "pirveli"]
    assert check_strict(root).exit_code == 0


def test_new_project_uses_site_settings_and_options(root):
    (root / "site.yaml").write_text("currency: gel\n")
    result = new(root, "Branch network", "--program", "Infra: 2026", "--category", "network-cloud")
    assert result.exit_code == 0
    model = load_portfolio(root).projects[0].model
    assert (model.budget.currency, model.program, model.category) == ("GEL", "Infra: 2026", "network-cloud")
    assert check_strict(root).exit_code == 0


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


def test_new_project_notes_a_project_with_the_same_title(root):
    assert invoke("new", "project", "Twin", "--root", str(root)).exit_code == 0
    second = invoke("new", "project", "Twin", "--root", str(root))
    assert second.exit_code == 0
    assert "content/projects/twin.md has the same title" in second.output


def test_new_project_with_relative_root_prints_a_relative_path(root, monkeypatch):
    monkeypatch.chdir(root)
    result = invoke("new", "project", "Relative", "--as-of", AS_OF)
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
