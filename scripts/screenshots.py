#!/usr/bin/env python3
"""Regenerate the documentation's screenshots of the demo portfolio into docs/img/.

    python scripts/screenshots.py [--chromium /usr/bin/chromium] [--out docs/img] [NAME.png ...]

Builds the demo (content/ and site.yaml at the repository root, as of its site.yaml date)
into a temporary folder, serves it on 127.0.0.1 under a sub-path, and photographs the
dashboard, the project explorer, a project page, the roadmap, the people directory and the
capacity heat map in the light theme, the dashboard and roadmap in the dark one, and the
dashboard of the demo built in Georgian (``--language ka``), at 1440 x 900; name some of the
files to take only those (only the languages they need are built). Needs the test extra (playwright) and
a Chromium; PNGs are made smaller with pngquant when it is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MOUNT = "/portfolio/"
VIEWPORT = {"width": 1440, "height": 900}

#: (file name, page, colour scheme, site language): what the README and docs/ show.
SHOTS = [
    ("dashboard.png", "", "light", "en"),
    ("explorer.png", "projects/", "light", "en"),
    ("project.png", "projects/customer-portal-redesign/", "light", "en"),
    ("roadmap.png", "roadmap/", "light", "en"),
    ("dashboard-dark.png", "", "dark", "en"),
    ("roadmap-dark.png", "roadmap/", "dark", "en"),
    ("people.png", "people/", "light", "en"),
    ("capacity.png", "capacity/", "light", "en"),
    ("dashboard-ka.png", "", "light", "ka"),
]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0]
        inside = path[len(MOUNT) - 1 :] if path.startswith(MOUNT) else "/__outside__"
        return super().translate_path(inside)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{MOUNT}"
    finally:
        server.shutdown()
        server.server_close()


def build_demo(out: Path, language: str) -> None:
    from itpm_site.build import BuildOptions, build_site

    result = build_site(BuildOptions(root=REPO, output=out, language=language))
    if not result.ok:
        sys.exit("the demo portfolio does not build: " + "; ".join(d.headline() for d in result.diagnostics))


def shrink(png: Path) -> None:
    """Fewer colours, same look (pngquant, when installed); the file is left as is otherwise."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--quality", "70-95", "--output", str(png), str(png)],
            check=False,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("names", nargs="*", help="only these files (e.g. people.png); default: all")
    args = parser.parse_args(argv)
    unknown = set(args.names) - {name for name, _, _, _ in SHOTS}
    if unknown:
        parser.error(f"no such screenshot: {', '.join(sorted(unknown))}")
    shots = [shot for shot in SHOTS if not args.names or shot[0] in args.names]
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO / "tests"))
    from sitetools import launch_chromium  # the tests' browser, with the same flags

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch_chromium(p, args.chromium)
        # Each language's site is built and served on its own.
        for language in sorted({language for _, _, _, language in shots}):
            site = Path(tmp) / language
            build_demo(site, language)
            with serve(site) as url:
                for name, path, scheme, _ in (shot for shot in shots if shot[3] == language):
                    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
                    page = context.new_page()
                    page.goto(url + path)
                    page.wait_for_load_state("networkidle")
                    target = args.out / name
                    page.screenshot(path=str(target))
                    shrink(target)
                    context.close()
                    print(
                        f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
                        f"  {target.stat().st_size // 1024} KiB"
                    )
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
