"""How many processes to use, and how to start them on each platform."""

from __future__ import annotations

import multiprocessing
import os
import sys


def worker_count(requested: int | None = None) -> int:
    """--jobs, else ITPM_SITE_JOBS, else the usable CPU count."""
    if requested:
        return max(1, requested)
    env = os.environ.get("ITPM_SITE_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def pool_context():
    # fork is cheapest where it is safe (Linux); macOS and Windows need spawn.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)
