"""Time and peak memory of `check` and `build` on each hostile fixture (issue 13's limits).

Each file of tests/fixtures/hostile/ is copied alone into a fresh portfolio and run as a whole
process under /usr/bin/time -v, so the figures include start-up. The bar: 2 s and 200 MB.
CPU time (user + system) is shown beside the elapsed time: on a busy shared machine it is the
steadier figure.

    python bench/bench_hostile.py [--command check|build] [--timeout 60]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "hostile"


def measure(fixture: Path, command: str, timeout: float) -> tuple[str, float, float, int, int]:
    """(fixture name, elapsed seconds, CPU seconds, peak RSS in MB, exit code) of one run."""
    with tempfile.TemporaryDirectory() as tmp:
        projects = Path(tmp, "content", "projects")
        projects.mkdir(parents=True)
        shutil.copy(fixture, projects / fixture.name)
        args = ["/usr/bin/time", "-v", sys.executable, "-m", "itpm_site", command, "--root", tmp]
        if command == "build":
            args.append("--keep-going")
        # A session of its own: on a timeout the whole group goes, not only /usr/bin/time
        # (its child would run on, holding gigabytes, as an unbounded input would).
        proc = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return fixture.name, float("inf"), float("inf"), -1, -1
    run = subprocess.CompletedProcess(args, proc.returncode, "", stderr)
    elapsed = re.search(
        r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+(?:\.\d+)?)$", run.stderr, re.MULTILINE
    )
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    seconds = float(elapsed[2]) + 60 * int(elapsed[1] or 0) if elapsed else float("nan")
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", run.stderr))
    code = re.search(r"Exit status: (\d+)", run.stderr)
    return (fixture.name, seconds, cpu, int(rss[1]) // 1024 if rss else -1, int(code[1]) if code else -1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--command", choices=("check", "build"), default="check")
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    print(f"{'fixture':32} {'elapsed':>8} {'CPU s':>6} {'MB':>6} {'exit':>5}")
    for fixture in sorted(FIXTURES.glob("*.md")):
        name, seconds, cpu, mb, code = measure(fixture, options.command, options.timeout)
        print(f"{name:32} {seconds:8.2f} {cpu:6.2f} {mb:6d} {code:5d}", flush=True)


if __name__ == "__main__":
    main()
