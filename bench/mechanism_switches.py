#!/usr/bin/env python3
"""itpm-site's speed mechanisms switched off one by one, on the code as it is, to measure what
each buys (bench/README.md, "What each speed mechanism buys").

    python bench/mechanism_switches.py --list
    python bench/mechanism_switches.py build [itpm-site build options]
    python bench/mechanism_switches.py verify ROOT [--work DIR] [-- build options]
    python bench/mechanism_switches.py setup --out /tmp/mech [--pf /tmp/pf] [--sizes 1k 10k]

``build`` is ``itpm-site build`` (the package installed from this checkout) with each
mechanism named in ``ITPM_OFF=name[,name...]`` switched off; without it, it is the build as
it is. A switch replaces, in this process only, the function or class the pipeline calls for
that mechanism (``SWITCHES``: module, name and what stands in for it); each replaced name is
checked to exist first, so a switch whose code moved fails loudly instead of measuring
nothing. Every switch leaves the output byte-identical: ``verify`` builds ROOT with every
mechanism on, then with each off, twice each (a first build, then a warm one over the same
output and cache), each variant in a cache home of its own, and compares every output file
with the baseline's.

``setup`` copies the inputs twice (OUT/pf-A-<size> for the baseline, OUT/pf-B-<size> for the
variant: each side has its own cache folder, which is keyed by the portfolio's path) and
writes OUT/build.sh:

    OUT/build.sh SIDE SIZE [build options]     # SIDE A or B, SIZE 1k or 10k

which runs ``build -j 2 --no-search --quiet`` on that side's input into OUT/out/SIDE-SIZE.
Time a variant against the baseline in pairs with the peer harness's timer, e.g.:

    python ../shared/bench/bench_timer.py -n 5 --warmup 1 --vs "/tmp/mech/build.sh A 1k" \\
        -- env ITPM_OFF=loadcache /tmp/mech/build.sh B 1k

(add ``--no-cache`` to both commands for a cold build).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ENV = "ITPM_OFF"


def _keep_nothing(*args: Any, **kwargs: Any) -> None:
    return None


class _NoPause:
    """Stands in for ``parallel.PausedCollector``: the collector is left as it is."""

    def keep(self, collect: bool = False) -> None:
        pass

    def resume(self) -> None:
        pass

    def __enter__(self) -> _NoPause:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _Forgetful(dict):
    """A fragment store that keeps nothing: every fragment is rendered on every page."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _without_cache(real: Callable) -> Callable:
    """``real(root, cache)`` called without the cache folder."""
    return lambda root, cache=None: real(root)


def _writer_without_reuse(real: Callable) -> Callable:
    """``SiteWriter(root, output, cache)`` with no records: a fresh staging folder each build."""
    return lambda root, output, cache=None: real(root, output, None)


def _history_without_cache(real: Callable) -> Callable:
    return lambda loaded, as_of, cache_dir, current, **kw: real(loaded, as_of, None, current, **kw)


def _environment_forgetting_fragments(real: Callable) -> Callable:
    def make_environment(theme, site, bytecode_cache=None):
        site.fragments = _Forgetful()
        return real(theme, site, bytecode_cache)

    return make_environment


def _records_kept_nowhere(real: Any) -> Any:
    """``KeptRecords`` whose ``load`` finds nothing: kept records neither read nor written."""

    class Nowhere(real):  # type: ignore[misc, valid-type]
        @classmethod
        def load(cls, folder: Path | None) -> Any:
            return real(None)

    return Nowhere


#: name: (what switching it off means, [(module, attribute, what replaces it given the real
#: one)]). The modules and names are those the pipeline calls today (itpm_site/build.py and
#: the modules it uses).
SWITCHES: dict[str, tuple[str, list[tuple[str, str, Callable[[Any], Any]]]]] = {
    "loadcache": (
        "parse and validate every file again (cache/loaded.py: no loaded.bin)",
        [("itpm_site.build", "load_portfolio", _without_cache)],
    ),
    "writereuse": (
        "a fresh staging folder every build (write/writer.py: no spare, no hard links, no records)",
        [("itpm_site.build", "SiteWriter", _writer_without_reuse)],
    ),
    "fragments": (
        "fragment()/fragment_each() render their body on every page (render/pages.py: no reuse)",
        [("itpm_site.build", "make_environment", _environment_forgetting_fragments)],
    ),
    "gc": (
        "the collector left on: no pause while loading, no gc.freeze() before forking "
        "(parallel.py PausedCollector)",
        [("itpm_site.build", "PausedCollector", lambda real: _NoPause)],
    ),
    "mdcache": (
        "every Markdown body rendered again (render/markdown.py: markdown.marshal neither read nor written)",
        [
            ("itpm_site.build", "load_cache", lambda real: _keep_nothing),
            ("itpm_site.build", "save_cache", lambda real: _keep_nothing),
        ],
    ),
    "gettext": (
        "Jinja's own newstyle gettext: every _() call in a loop copies the template's context, and "
        "every message is formatted again (render/pages.py _install_gettext)",
        [
            (
                "itpm_site.render.pages",
                "_install_gettext",
                lambda real: lambda env, catalog: env.install_gettext_translations(catalog, newstyle=True),
            )
        ],
    ),
    "bytecode": (
        "templates compiled from source every build (cache/templates.py: no compiled templates)",
        [("itpm_site.build", "template_cache", lambda real: _keep_nothing)],
    ),
    "renderpool": (
        "render and write every page in the main process (write/pages.py: no forked render workers)",
        [("itpm_site.write.pages", "_parallel", lambda real: lambda pages, workers, total: False)],
    ),
    "incremental": (
        "every page rendered again, none kept from the last build (render/dependencies.py: "
        "pages_to_render gives them all)",
        [("itpm_site.build", "pages_to_render", lambda real: lambda before, now, specs: list(specs))],
    ),
    "searchkept": (
        "every search record indexed again (outputs/search_cache.py: no search.marshal read)",
        [("itpm_site.build", "KeptRecords", _records_kept_nowhere)],
    ),
    "exportskept": (
        "every export and feed made again, none kept from the last build (render/dependencies.py: "
        "stale says every file beside the pages differs)",
        [("itpm_site.build", "stale", lambda real: lambda before, now: lambda path: True)],
    ),
    "indexkept": (
        "the search index assembled every build, and every kept page's record made again to name "
        "it (outputs/search_cache.py IndexState: no index.json read)",
        [("itpm_site.build", "_previous_index", lambda real: _keep_nothing)],
    ),
    "historycache": (
        "every file version read from git again (history/versions.py: no history.bin; only in "
        "a git repository)",
        [("itpm_site.build", "read_history", _history_without_cache)],
    ),
}


def switched_off(value: str) -> list[str]:
    """The names in an ``ITPM_OFF`` value; exits on a name that is no switch."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in SWITCHES]
    if unknown:
        sys.exit(f"{ENV}: no such switch: {', '.join(unknown)} (see --list)")
    return names


def switch_off(name: str) -> None:
    """Replace, in this process, what the pipeline calls for mechanism ``name``."""
    for module_name, attribute, replacement in SWITCHES[name][1]:
        module = importlib.import_module(module_name)
        real = getattr(module, attribute, None)
        if real is None:
            sys.exit(f"switch {name}: {module_name}.{attribute} is not there (the code moved?)")
        setattr(module, attribute, replacement(real))


def build(argv: list[str]) -> None:
    """``itpm-site build ARGV`` with the mechanisms named in ``ITPM_OFF`` switched off."""
    for name in switched_off(os.environ.get(ENV, "")):
        switch_off(name)
    from itpm_site.cli import main

    sys.argv = ["itpm-site", "build", *argv]
    main()


def _tree(folder: Path) -> dict[str, str]:
    from itpm_site.cache.digest import digest

    return {
        path.relative_to(folder).as_posix(): digest(path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def verify(root: Path, work: Path, options: list[str]) -> int:
    """Build ``root`` with every mechanism on, then with each off; 1 if an output differs."""
    shutil.rmtree(work, ignore_errors=True)
    baseline: dict[str, dict[str, str]] = {}
    failed = 0
    for variant in ["", *SWITCHES]:
        label = variant or "baseline"
        env = dict(os.environ, **{ENV: variant, "ITPM_SITE_CACHE_DIR": str(work / "cache" / label)})
        output = work / "out" / label
        for run in ("first", "warm"):
            command = [sys.executable, __file__, "build", "--root", str(root), "--output", str(output)]
            subprocess.run([*command, "--quiet", *options], env=env, check=True)
            tree = _tree(output)
            if not variant:
                baseline[run] = tree
                continue
            differ = sorted(
                rel for rel in tree.keys() | baseline[run].keys() if tree.get(rel) != baseline[run].get(rel)
            )
            failed += bool(differ)
            verdict = "identical" if not differ else f"DIFFERENT: {', '.join(differ[:5])}"
            print(f"{variant:12} {run:5} {len(tree)} files, {verdict}")
    return 1 if failed else 0


BUILD_SH = """#!/bin/sh
# build.sh SIDE SIZE [build options]: SIDE A (baseline) or B (variant), SIZE 1k or 10k.
# ITPM_OFF=name,... in the environment switches mechanisms off (bench/mechanism_switches.py).
side=$1; size=$2; shift 2
exec {python} {script} build --root {out}/pf-$side-$size \\
    --output {out}/out/$side-$size --quiet --no-search -j 2 "$@"
"""


def setup(out: Path, pf: Path, sizes: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        for side in "AB":
            target = out / f"pf-{side}-{size}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(pf / f"itpm-{size}", target)
    script = out / "build.sh"
    script.write_text(BUILD_SH.format(python=sys.executable, script=Path(__file__).resolve(), out=out))
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    print(f"inputs in {out}; run {script} A|B SIZE [--no-cache], with {ENV}=name for B")


def main() -> int:
    if sys.argv[1:2] == ["build"]:  # every other argument is the build's
        build(sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list the switches and exit")
    sub = ap.add_subparsers(dest="command")
    check = sub.add_parser("verify", help="check that every switch leaves the output byte-identical")
    check.add_argument("root", type=Path, help="the portfolio to build")
    check.add_argument("--work", type=Path, default=Path("/tmp/mech-verify"), help="outputs and caches")
    inputs = sub.add_parser("setup", help="copy the inputs for sides A and B and write build.sh")
    inputs.add_argument("--out", type=Path, required=True, help="where to put the inputs and build.sh")
    inputs.add_argument(
        "--pf", type=Path, default=Path("/tmp/pf"), help="where bench/gen_portfolio.py wrote itpm-<size>"
    )
    inputs.add_argument("--sizes", nargs="+", default=["1k", "10k"])
    argv, options = sys.argv[1:], []
    if "--" in argv:  # what follows is the build's (verify)
        argv, options = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args = ap.parse_args(argv)
    if args.list:
        for name, (what, _) in SWITCHES.items():
            print(f"{name:13} {what}")
        return 0
    if args.command == "verify":
        return verify(args.root.resolve(), args.work.resolve(), options)
    if args.command == "setup":
        setup(args.out.resolve(), args.pf, args.sizes)
        return 0
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
