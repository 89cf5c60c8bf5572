"""Every date field accepts the same range of dates, so a portfolio ``check`` accepts builds.

Dates near the calendar's end (year 9999) once passed ``check`` and then crashed ``build``
(the calendar's day after, the roadmap's month after). The range is defined once, in the date
field type, and the ``--as-of`` option uses it too.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from click.testing import CliRunner
from pydantic import TypeAdapter, ValidationError

from itpm_site.build import BuildOptions, build_site
from itpm_site.cli import cli
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.fields import MAX_DATE, MIN_DATE, IsoDate, date_out_of_range
from itpm_site.render.charts import months_between, next_month

pytestmark = pytest.mark.usefixtures("plain_env")

DATE = TypeAdapter(IsoDate)


def test_the_range_is_far_from_the_ends_of_the_calendar():
    assert dt.date(1900, 1, 1) == MIN_DATE
    assert dt.date(2999, 12, 31) == MAX_DATE
    # The day after, and the month after, the last valid date exist.
    assert MAX_DATE + dt.timedelta(days=1) < dt.date.max
    assert next_month(MAX_DATE) == dt.date(3000, 1, 1)


@pytest.mark.parametrize("value", ["1900-01-01", "2026-09-30", "2999-12-31", dt.date(2999, 12, 31)])
def test_dates_in_range_are_accepted(value):
    assert DATE.validate_python(value) == dt.date.fromisoformat(str(value))


@pytest.mark.parametrize(
    "value", ["9999-12-31", "3000-01-01", "1899-12-31", "0001-01-01", dt.date(9999, 12, 31)]
)
def test_dates_out_of_range_are_rejected_with_the_range(value):
    with pytest.raises(ValidationError) as info:
        DATE.validate_python(value)
    error = info.value.errors()[0]
    assert "outside the supported dates, 1900-01-01 to 2999-12-31" in error["msg"]
    assert error["ctx"]["hint"].startswith("use a date from 1900-01-01 to 2999-12-31")


def test_date_out_of_range_names_the_date():
    assert date_out_of_range(dt.date(2026, 1, 1)) is None
    assert date_out_of_range(dt.date(9999, 12, 31)) == (
        "9999-12-31 is outside the supported dates, 1900-01-01 to 2999-12-31"
    )


def test_next_month_and_the_calendar_survive_the_last_day_there_is():
    """Validation is the fix; the arithmetic does not fail on an unvalidated date either."""
    assert next_month(dt.date(9999, 12, 5)) == dt.date.max
    assert months_between(dt.date(9999, 11, 1), dt.date.max) == [dt.date(9999, 11, 1), dt.date(9999, 12, 1)]


FAR = {
    "site.yaml": "title: Far\nas_of: 9999-12-31\n",
    "content/projects/far.md": textwrap.dedent("""\
        ---
        title: Far
        phase: planning
        owner: O
        status_date: 1899-12-31
        start: 9999-12-01
        end: 9999-12-31
        forecast_end: 9999-12-31
        milestones:
          - {name: Last, date: 9999-12-31}
        ---
        """),
    "content/projects/near.md": textwrap.dedent("""\
        ---
        title: Near
        phase: planning
        owner: O
        start: 2026-01-01
        end: 2999-12-31
        milestones:
          - {name: First, date: 1900-01-01}
          - {name: Last, date: 2999-12-31}
        ---
        """),
}


def test_each_date_out_of_range_is_an_error_at_its_line_and_field(tmp_path, write_portfolio):
    root = write_portfolio(tmp_path, FAR)
    errors = [
        (d.path, d.line, d.field, d.message)
        for d in load_portfolio(root).diagnostics
        if d.severity.value == "error"
    ]
    out = "is outside the supported dates, 1900-01-01 to 2999-12-31"
    assert sorted(errors) == [
        ("content/projects/far.md", 5, "status_date", f"1899-12-31 {out}"),
        ("content/projects/far.md", 6, "start", f"9999-12-01 {out}"),
        ("content/projects/far.md", 7, "end", f"9999-12-31 {out}"),
        ("content/projects/far.md", 8, "forecast_end", f"9999-12-31 {out}"),
        ("content/projects/far.md", 10, "milestones[0].date", f"9999-12-31 {out}"),
        ("site.yaml", 2, "as_of", f"9999-12-31 {out}"),
    ]


def test_check_reports_and_build_fails_cleanly_or_publishes_the_rest(tmp_path, write_portfolio):
    root = write_portfolio(tmp_path, FAR)
    runner = CliRunner()
    check = runner.invoke(cli, ["check", "--root", str(root)], catch_exceptions=False)
    assert check.exit_code == 1
    assert "content/projects/far.md:6:" in check.output and "site.yaml:2:" in check.output
    build = runner.invoke(cli, ["build", "--root", str(root), "-q"], catch_exceptions=False)
    assert build.exit_code == 1 and "Traceback" not in build.output
    kept = runner.invoke(cli, ["build", "--root", str(root), "-q", "--keep-going"], catch_exceptions=False)
    assert kept.exit_code == 0, kept.output
    assert (root / "public" / "projects" / "near" / "index.html").is_file()


def test_the_extreme_valid_dates_build(tmp_path, write_portfolio):
    files = {**FAR, "site.yaml": "title: Far\nas_of: 2999-12-31\n"}
    del files["content/projects/far.md"]
    root = write_portfolio(tmp_path, files)
    result = build_site(BuildOptions(root=root, output=tmp_path / "out", search=False))
    assert result.ok, [d.headline() for d in result.diagnostics]
    ics = (tmp_path / "out" / "milestones.ics").read_text(encoding="utf-8")
    assert "DTSTART;VALUE=DATE:29991231" in ics and "DTEND;VALUE=DATE:30000101" in ics
    assert "DTSTART;VALUE=DATE:19000101" in ics


@pytest.mark.parametrize("value", ["9999-12-31", "1899-12-31"])
def test_as_of_option_out_of_range_is_a_usage_error(value, tmp_path, write_portfolio):
    root = write_portfolio(tmp_path, {"site.yaml": "title: T\n"})
    args = ["build", "--root", str(root), "--as-of", value]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert f"{value} is outside the supported dates, 1900-01-01 to 2999-12-31" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("epoch", ["abc", "-5", "99999999999999", "32503680000"])
def test_a_source_date_epoch_that_is_no_supported_day_is_a_usage_error(epoch, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = CliRunner().invoke(cli, ["check", "--root", "."])
    assert result.exit_code == 2
    assert f"SOURCE_DATE_EPOCH={epoch!r} is not a date" in result.output
    assert "1900-01-01 to 2999-12-31" in result.output
