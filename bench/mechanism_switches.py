#!/usr/bin/env python3
"""A copy of itpm-site whose speed mechanisms can be switched off, one by one, to measure
what each buys (bench/README.md, "What each speed mechanism buys").

    python bench/mechanism_switches.py --out /tmp/mech [--pf /tmp/pf] [--sizes 1k 10k]

Copies ``itpm_site`` and ``themes`` to OUT/src and edits the copy (never the checkout): with
``ITPM_OFF=name[,name...]`` in the environment, each named mechanism is off; without it the
copy builds exactly as the checkout does. Every switch leaves the output byte-identical.
It also copies the inputs twice (OUT/pf-A-<size> for the baseline, OUT/pf-B-<size> for the
variant: each side keeps its own ``.itpm-cache``) and writes OUT/build.sh:

    OUT/build.sh SIDE SIZE [build options]     # SIDE A or B, SIZE 1k or 10k

which runs ``build -j 2 --no-search --quiet`` on that side's input into OUT/out/SIDE-SIZE.
Time a variant against the baseline in pairs with the peer harness's timer, e.g.:

    python ../shared/bench/bench_timer.py -n 5 --warmup 1 --vs "/tmp/mech/build.sh A 1k" \\
        -- env ITPM_OFF=loadcache /tmp/mech/build.sh B 1k

(add ``--no-cache`` to both commands for a cold build). The edits are plain text
substitutions on the package as it was measured: commit 0acf4df, the flat layout before the
pipeline packages and before the removals the figures decided. Run it from a checkout of that
commit (``git worktree add /tmp/audit 0acf4df``); on a later layout it fails loudly (a
substitution not found).
"""

from __future__ import annotations

import argparse
import shutil
import stat
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OFF = "__import__('os').environ.get('ITPM_OFF', '').split(',')"

#: name: what switching it off means, and the edits (file, old text, new text).
SWITCHES: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "loadpool": (
        "load every file in the main process (no forked loading worker)",
        [
            (
                "load_pool.py",
                "        if (\n            worker_count(jobs) < 2\n",
                f"        if (\n            'loadpool' in {OFF}\n            or worker_count(jobs) < 2\n",
            )
        ],
    ),
    "switch": (
        "keep Python's default switch interval while the loading worker runs",
        [
            (
                "load_pool.py",
                "        sys.setswitchinterval(min(self.switch_interval, 0.0005))",
                f"        if 'switch' not in {OFF}:\n"
                "            sys.setswitchinterval(min(self.switch_interval, 0.0005))",
            )
        ],
    ),
    "loadcache": (
        "parse and validate every file again (no loaded.bin)",
        [
            (
                "load_pool.py",
                "        self.store = load_cache.LoadCache(self.root / CACHE_DIR, self.root)"
                " if cache else None",
                "        self.store = load_cache.LoadCache(self.root / CACHE_DIR, self.root)"
                f" if cache and 'loadcache' not in {OFF} else None",
            )
        ],
    ),
    "seal": (
        "cache files written and read without computing or checking the keyed hash",
        [
            ("cache_seal.py", "_SEAL_BYTES = 32\n", f"_SEAL_BYTES = 32\n_OFF = {OFF}\n"),
            (
                "cache_seal.py",
                '    """The data of a sealed ``blob``; None unless this user\'s itpm-site sealed it."""\n',
                '    """The data of a sealed ``blob``; None unless this user\'s itpm-site sealed it."""\n'
                "    if 'seal' in _OFF:\n"
                "        return blob[_SEAL_BYTES:] if len(blob) >= _SEAL_BYTES else None\n",
            ),
            (
                "cache_seal.py",
                "    def write(self, data: bytes | memoryview) -> None:\n        self.mac.update(data)\n",
                "    def write(self, data: bytes | memoryview) -> None:\n"
                "        if 'seal' not in _OFF:\n            self.mac.update(data)\n",
            ),
        ],
    ),
    "writereuse": (
        "a fresh staging folder every build (no spare, no hard links, no records)",
        [
            (
                "build.py",
                "    with SiteWriter(options.root, options.output_dir,"
                " cache_dir if cache else None) as writer:",
                "    with SiteWriter(options.root, options.output_dir,"
                f" cache_dir if cache and 'writereuse' not in {OFF} else None) as writer:",
            )
        ],
    ),
    "fragments": (
        "fragment()/fragment_each() render their body in place on every page (no cache, no marks)",
        [
            (
                "render.py",
                "        return placed(rendered_once(key, caller))",
                f"        if 'fragments' in {OFF}:\n            return Markup(caller())\n"
                "        return placed(rendered_once(key, caller))",
            ),
            (
                "render.py",
                '        return placed(\n            "".join(',
                f"        if 'fragments' in {OFF}:\n"
                "            return Markup(''.join([str(caller(item)) for item in items]))\n"
                '        return placed(\n            "".join(',
            ),
        ],
    ),
    "gc": (
        "the collector left on: no gc.disable() while loading, no gc.freeze() before forking",
        [
            (
                "build.py",
                "    gc_was_enabled = gc.isenabled()\n    gc.disable()\n",
                f"    gc_was_enabled = gc.isenabled()\n    if 'gc' not in {OFF}:\n        gc.disable()\n",
            ),
            (
                "build.py",
                "    gc.freeze()\n    if gc_enabled:",
                f"    if 'gc' not in {OFF}:\n        gc.freeze()\n    if gc_enabled:",
            ),
            (
                "parallel.py",
                "    was_enabled = gc.isenabled()\n    gc.disable()\n",
                f"    was_enabled = gc.isenabled()\n    if 'gc' not in {OFF}:\n        gc.disable()\n",
            ),
        ],
    ),
    "gcthresh": (
        "render workers keep the default young-generation threshold (700, not 7000)",
        [
            (
                "render_pool.py",
                "    gc.set_threshold(7000, *gc.get_threshold()[1:])",
                f"    if 'gcthresh' not in {OFF}:\n        gc.set_threshold(7000, *gc.get_threshold()[1:])",
            )
        ],
    ),
    "exit": (
        "sys.exit() at the end (the heap torn down), not os._exit()",
        [
            (
                "cli.py",
                "    os._exit(code)",
                f"    if 'exit' in {OFF}:\n        sys.exit(code)\n    os._exit(code)",
            )
        ],
    ),
    "globals": (
        "Jinja's own make_globals (a ChainMap per template), not the shared dict",
        [
            (
                "theme.py",
                "        return super().make_globals(d) if d else self.globals",
                f"        if 'globals' in {OFF}:\n            return super().make_globals(d)\n"
                "        return super().make_globals(d) if d else self.globals",
            )
        ],
    ),
    "mdcache": (
        "every Markdown body rendered again (markdown.marshal neither read nor written)",
        [
            (
                "build.py",
                "            if options.cache:\n"
                "                load_cache(markdown, loading.root / CACHE_DIR)",
                f"            if options.cache and 'mdcache' not in {OFF}:\n"
                "                load_cache(markdown, loading.root / CACHE_DIR)",
            ),
            (
                "build.py",
                "    if cache:\n        save_cache(",
                f"    if cache and 'mdcache' not in {OFF}:\n        save_cache(",
            ),
        ],
    ),
    "bytecode": (
        "templates compiled from source every build (no templates/ bytecode cache)",
        [
            (
                "build.py",
                '    folder = cache_dir / "templates"\n',
                f"    folder = cache_dir / \"templates\"\n    if 'bytecode' in {OFF}:\n        return None\n",
            )
        ],
    ),
    "renderpool": (
        "render and write every page in the main process (no forked render workers)",
        [
            (
                "render_pool.py",
                "    return workers >= 2 and len(pages)",
                f"    return 'renderpool' not in {OFF} and workers >= 2 and len(pages)",
            )
        ],
    ),
}

BUILD_SH = """#!/bin/sh
# build.sh SIDE SIZE [build options]: SIDE A (baseline) or B (variant), SIZE 1k or 10k.
# ITPM_OFF=name,... in the environment switches mechanisms off (bench/mechanism_switches.py).
side=$1; size=$2; shift 2
PYTHONPATH={src} exec {python} -m itpm_site build --root {out}/pf-$side-$size \\
    --output {out}/out/$side-$size --quiet --no-search -j 2 "$@"
"""


def make_copy(out: Path) -> Path:
    src = out / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(REPO / "itpm_site", src / "itpm_site", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "themes", src / "themes")  # found beside the package in a checkout
    for _, edits in SWITCHES.values():
        for name, old, new in edits:
            path = src / "itpm_site" / name
            text = path.read_text(encoding="utf-8")
            if text.count(old) != 1:
                sys.exit(f"{name}: the text to switch is not there once (the code changed?):\n{old}")
            path.write_text(text.replace(old, new), encoding="utf-8")
    import compileall

    compileall.compile_dir(src / "itpm_site", quiet=1)
    return src


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="where to put the copy, its inputs and build.sh")
    ap.add_argument(
        "--pf", type=Path, default=Path("/tmp/pf"), help="where bench/gen_portfolio.py wrote itpm-<size>"
    )
    ap.add_argument("--sizes", nargs="+", default=["1k", "10k"])
    ap.add_argument("--list", action="store_true", help="list the switches and exit")
    args = ap.parse_args()
    if args.list:
        for name, (what, _) in SWITCHES.items():
            print(f"{name:11} {what}")
        return 0
    if args.out is None:
        ap.error("--out is required")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    src = make_copy(out)
    for size in args.sizes:
        for side in "AB":
            target = out / f"pf-{side}-{size}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(args.pf / f"itpm-{size}", target)
    script = out / "build.sh"
    script.write_text(BUILD_SH.format(src=src, python=sys.executable, out=out))
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    print(f"switchable copy in {src}; run {script} A|B SIZE [--no-cache], with ITPM_OFF=name for B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
