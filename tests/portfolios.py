"""Synthetic portfolios for tests of loading: many small projects, some with problems."""

from __future__ import annotations


def numbered_projects(count: int, title: str, error_every: int, warning_every: int) -> dict[str, str]:
    """``site.yaml`` and ``count`` projects p00, p01…, each depending on the next; every
    ``error_every``-th has an invalid status (an error), every ``warning_every``-th is in
    closure with an open risk (a warning)."""
    files = {"site.yaml": f"title: {title}\nas_of: 2026-11-20\n"}
    for i in range(count):
        status = "purple" if i % error_every == 0 else "green"
        phase = "closure" if i % warning_every == 0 else "planning"
        files[f"content/projects/p{i:02}.md"] = (
            f"---\ntitle: Project {i}\nphase: {phase}\nstatus: {status}\nowner: Ann Lee\n"
            f"risks:\n  - {{title: Risk {i}, probability: 2, impact: 3}}\n"
            f"depends_on: [p{(i + 1) % count:02}]\n---\nBody of project {i}.\n"
        )
    return files


def valid_projects(count: int, title: str) -> dict[str, str]:
    """``site.yaml`` and ``count`` projects with no errors (for builds that must succeed): the
    numbered projects, all green, and the last depending on none (no cycle)."""
    files = numbered_projects(count, title, error_every=count + 1, warning_every=7)
    first, last = "content/projects/p00.md", f"content/projects/p{count - 1:02}.md"
    files[first] = files[first].replace("status: purple", "status: green")
    files[last] = files[last].replace("depends_on: [p00]\n", "")
    return files
