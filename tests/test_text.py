"""The one plural rule, shared by messages (check, build) and pages (the plural filters)."""

from __future__ import annotations

import pytest

from itpm_site.load.diagnostics import Summary
from itpm_site.model.text import plural, plural_word, signed_days


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 projects"), (1, "1 project"), (2, "2 projects"), (1000, "1000 projects")]
)
def test_plural_counts_one_as_singular_only(n, text) -> None:
    assert plural(n, "project") == text


def test_plural_takes_an_irregular_form() -> None:
    assert plural(2, "category", "categories") == "2 categories"
    assert plural_word(1, "category", "categories") == "category"
    assert plural_word(3, "flag") == "flags"


def test_the_check_summary_uses_the_same_rule() -> None:
    assert Summary(1, 0, 2).sentence() == "1 error, 0 warnings in 2 files checked"


@pytest.mark.parametrize(
    ("n", "short", "text"),
    [
        (3, False, "+3 days"),
        (1, False, "+1 day"),
        (-1, False, "-1 day"),
        (0, False, "0 days"),
        (14, True, "+14 d"),
        (-2, True, "-2 d"),
        (None, False, "–"),
        (None, True, "–"),
    ],
)
def test_signed_days_one_sign_and_plural_rule(n, short, text) -> None:
    """Days as a change, in the history's words, the diff's table and the pages' short form."""
    assert signed_days(n, short) == text
