"""The background half of a ``serve`` rebuild: the big pages and the emitters' files, rendered in a
forked child process.

At 10,000 projects the dashboard and the lists take seconds each, and the emitters (exports,
search index) the better part of a minute, mostly in Python. In a thread they would hold the
interpreter lock against the next rebuild — which would take twice as long — and a template
macro that renders a 10,000-row table cannot be stopped half-way. A forked child inherits the
computed site (nothing is pickled on the way in), runs on another core, writes each file whose
bytes changed into a staging folder and reports every file as it goes; it is killed the moment
a newer rebuild (or a request for a page it has not reached) makes its plan out of date. Where
there is no ``fork`` (Windows) the same job runs in the calling thread, stopping between files.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from itpm_site.build import emitted_files
from itpm_site.render.pages import PageSpec, render_page
from itpm_site.render.site import SiteBuild, template_diagnostic
from itpm_site.serve.output import digest
from itpm_site.serve.overlay import internal_error

#: Subfolders of a job's staging folder.
PAGES, EMITTED = "pages", "emitted"

#: What a job reports, one at a time:
#: ("page", path, digest) — the page is rendered (and staged, if its bytes changed);
#: ("emitted", [(path, digest), ...]) — the emitters ran (changed files staged);
#: ("problem", path or None, Diagnostic) — that page (None: the emitters) failed.
Message = tuple


@dataclass
class Job:
    """Render these pages, in this order, then (if ``emitted``) run the emitters."""

    site: SiteBuild
    pages: list[PageSpec]
    emitted: bool
    emitted_first: bool
    #: Digests of the files served now: a file with the same digest is not staged again.
    current: dict[str, bytes]
    staging: Path


def _stage(folder: Path, rel: str, data: bytes) -> None:
    path = folder.joinpath(*rel.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _page(job: Job, spec: PageSpec) -> Message:
    try:
        data = render_page(job.site.env, spec).encode("utf-8")
    except jinja2.TemplateError as exc:
        return ("problem", spec.path, template_diagnostic(exc, job.site.theme))
    except Exception as exc:  # a bug in a filter, say: the page keeps its last good version
        return ("problem", spec.path, internal_error(exc))
    new = digest(data)
    if job.current.get(spec.path) != new:
        _stage(job.staging / PAGES, spec.path, data)
    return ("page", spec.path, new)


def _emitted(job: Job) -> Message:
    produced = []
    try:
        for rel, data in emitted_files(job.site):
            new = digest(data)
            if job.current.get(rel) != new:
                _stage(job.staging / EMITTED, rel, data)
            produced.append((rel, new))
    except Exception as exc:
        return ("problem", None, internal_error(exc))
    return ("emitted", produced)


def run(job: Job) -> Iterator[Message]:
    """Do the job, reporting each file as it is done."""
    if job.emitted and job.emitted_first:
        yield _emitted(job)
    for spec in job.pages:
        yield _page(job, spec)
    if job.emitted and not job.emitted_first:
        yield _emitted(job)


class Runner:
    """A job running in a forked child (or, without ``fork``, in the caller's thread)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.pid = 0
        self._read = -1
        if hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the job, report on the pipe, never return
            try:
                os.close(read_end)
                _detach(write_end)
                with os.fdopen(write_end, "wb", buffering=0) as pipe:
                    for message in run(self.job):
                        payload = pickle.dumps(message)
                        pipe.write(struct.pack("!I", len(payload)) + payload)
            finally:
                os._exit(0)
        os.close(write_end)
        self.pid, self._read = pid, read_end

    def messages(self, stopped: Callable[[], bool]) -> Iterator[Message]:
        """The job's reports as they come; stops (killing the child) once ``stopped()``."""
        if not self.pid:
            for message in run(self.job):
                yield message
                if stopped():
                    return
            return
        buffer = b""
        while not stopped():
            ready, _, _ = select.select([self._read], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                return  # the child is done (or died: what it did not report stays waiting)
            buffer += chunk
            while len(buffer) >= 4:
                size = struct.unpack("!I", buffer[:4])[0]
                if len(buffer) < 4 + size:
                    break
                yield pickle.loads(buffer[4 : 4 + size])
                buffer = buffer[4 + size :]

    def close(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            os.close(self._read)
            self.pid = 0


def _detach(keep: int) -> None:
    """In the child: let go of the server's sockets and the terminal, silence logging."""
    fds = "/proc/self/fd"
    for name in os.listdir(fds) if os.path.isdir(fds) else ():
        fd = int(name)
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the child exits anyway
    logging.disable(logging.CRITICAL)
