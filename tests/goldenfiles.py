"""One way to compare output with a committed golden file, and to update it on purpose.

Update mode (``pytest --update-golden`` or ``ITPM_UPDATE_GOLDEN=1``) rewrites the file and then
skips the test, so that a run in update mode never reports a golden test as passed; it refuses
to run where ``CI`` is set, so that a stray setting can never make CI compare output with itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def update_requested(config: pytest.Config) -> bool:
    return bool(config.getoption("--update-golden") or os.environ.get("ITPM_UPDATE_GOLDEN"))


def check_golden(request: pytest.FixtureRequest, golden: Path, actual: str) -> None:
    """Assert ``actual`` equals the golden file's text (or rewrite it in update mode)."""
    if update_requested(request.config):
        if os.environ.get("CI"):
            pytest.fail(
                "golden files are never updated in CI: run the update locally and commit the reviewed diff"
            )
        previous = golden.read_text(encoding="utf-8") if golden.is_file() else None
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="")
        pytest.skip(
            f"{golden.name} {'unchanged' if previous == actual else 'rewritten'}: "
            "review the diff, then run again without update mode"
        )
    assert golden.is_file(), f"{golden} is missing: run pytest with --update-golden to create it"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"output differs from {golden.name}; if the change is intended, rerun with "
        "--update-golden and review the diff"
    )
