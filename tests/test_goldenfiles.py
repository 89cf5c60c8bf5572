"""The golden-file helper: update mode never passes a test and never runs in CI."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from goldenfiles import check_golden


def _request(update: bool) -> SimpleNamespace:
    config = SimpleNamespace(getoption=lambda name: update)
    return SimpleNamespace(config=config)


def test_compare_mode_fails_on_a_difference(tmp_path, monkeypatch):
    monkeypatch.delenv("ITPM_UPDATE_GOLDEN", raising=False)
    golden = tmp_path / "page.html"
    golden.write_text("old\n", encoding="utf-8")
    check_golden(_request(False), golden, "old\n")
    with pytest.raises(AssertionError, match=r"differs from page\.html"):
        check_golden(_request(False), golden, "new\n")


def test_update_mode_rewrites_then_skips(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    golden = tmp_path / "page.html"
    golden.write_text("old\n", encoding="utf-8")
    with pytest.raises(pytest.skip.Exception, match="rewritten"):
        check_golden(_request(True), golden, "new\n")
    assert golden.read_text(encoding="utf-8") == "new\n"


def test_update_mode_refuses_to_run_in_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    golden = tmp_path / "page.html"
    golden.write_text("old\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="never updated in CI"):
        check_golden(_request(True), golden, "new\n")
    assert golden.read_text(encoding="utf-8") == "old\n"
