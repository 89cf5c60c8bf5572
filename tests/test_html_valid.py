"""Every built page of the demo is valid HTML5, per the Nu Html Checker (vnu.jar)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sitetools import NODE_MODULES

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: A short run: the quick compiler only (the checker is done before the optimising one would
#: pay off: 3.6 s against 7.5 s for the demo), one collector thread, and the stack the checker
#: needs with the quick compiler (its frames are larger: the default stack overflows).
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m"]
needs_vnu = pytest.mark.skipif(
    not VNU.exists() or shutil.which("java") is None,
    reason="needs tests/node_modules/vnu-jar and Java (.ci/run installs them)",
)


@pytest.mark.slow
@needs_vnu
def test_every_demo_page_is_valid_html5(demo_site: Path) -> None:
    assert_valid_html5(demo_site)
    # ... including every kind of page of the people directory.
    pages = list(demo_site.rglob("*.html"))
    for kind in ("people/index.html", "people/luka-meskhi/index.html", "capacity/index.html"):
        assert demo_site / kind in pages, kind


@pytest.mark.slow
@needs_vnu
def test_every_georgian_demo_page_is_valid_html5(demo_site_ka: Path) -> None:
    assert_valid_html5(demo_site_ka)


def assert_valid_html5(demo_site: Path) -> None:
    done = subprocess.run(
        [
            "java",
            *JAVA_OPTIONS,
            "-jar",
            str(VNU),
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
            "--stdout",
            str(demo_site),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(done.stdout or "{}")
    errors = [
        f"{Path(m.get('url', '')).as_posix().split(demo_site.name, 1)[-1]}:"
        f"{m.get('lastLine')}: {m.get('message')}"
        for m in report.get("messages", [])
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors[:40])
    pages = list(demo_site.rglob("*.html"))
    assert len(pages) > 100  # the checker really looked at the whole site
