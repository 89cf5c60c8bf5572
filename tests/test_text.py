"""The one plural rule, shared by messages (check, build) and pages (the plural filters)."""

from __future__ import annotations

import pytest

from itpm_site.load.diagnostics import Summary
from itpm_site.model.text import plural, plural_word


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
