"""Run PDF work in forked children with a wall-time, CPU and memory limit.

The worker imports PyMuPDF before forking, so a child starts in about 0.1 s.
A child streams its results back over a pipe; a hostile file can only kill its child.
"""

import contextlib
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe, wait

from app.pdf import PdfRefused

UNEXPECTED = (
    "Processing stopped because of an unexpected error in the PDF reader. "
    "Try saving the file again as a PDF and upload the new copy."
)


@dataclass
class Limits:
    """Limits for one document: a wall-time deadline and each child's memory."""

    deadline: float  # time.monotonic() value
    memory_mb: int
    timeout_seconds: int

    def time_sentence(self) -> str:
        """Explain a run stopped by the time limit."""
        return (
            f"Processing took longer than the limit of {self.timeout_seconds} seconds and was stopped. "
            "Split the PDF into smaller files, or ask an administrator to raise PARSE_TIMEOUT_SECONDS."
        )

    def memory_sentence(self) -> str:
        """Explain a run stopped by the memory limit."""
        return (
            f"Processing needed more than the memory limit of {self.memory_mb} MB and was stopped. "
            "The PDF may contain very large images; ask an administrator to raise PARSE_MEMORY_MB."
        )


@dataclass
class _Child:
    pid: int
    connection: Connection
    finished: bool = False


def run_in_children(task: Callable[[object], Iterable], jobs: list, limits: Limits) -> Iterator:
    """Run task(job) for each job in its own child; yield what the children produce as it arrives.

    Raises PdfRefused with a sentence when a child refuses the file, exceeds a limit or dies.
    """
    children = [_spawn(task, job, limits) for job in jobs]
    try:
        while pending := [c for c in children if not c.finished]:
            remaining = limits.deadline - time.monotonic()
            if remaining <= 0:
                raise PdfRefused(limits.time_sentence())
            for connection in wait([c.connection for c in pending], timeout=min(remaining, 1.0)):
                child = next(c for c in pending if c.connection is connection)
                yield from _receive(child, limits)
    finally:
        for child in children:
            _reap(child, force=not child.finished)


def _receive(child: _Child, limits: Limits) -> Iterator:
    try:
        kind, payload = child.connection.recv()
    except EOFError:
        child.finished = True
        raise PdfRefused(_death_sentence(_reap(child, force=False), limits)) from None
    if kind == "item":
        yield payload
    elif kind == "done":
        child.finished = True
    else:
        child.finished = True
        raise PdfRefused(limits.memory_sentence() if kind == "memory" else payload)


def _spawn(task: Callable[[object], Iterable], job: object, limits: Limits) -> _Child:
    receiver, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child
        receiver.close()
        os._exit(_child_main(task, job, limits, sender))
    sender.close()
    return _Child(pid, receiver)


def _child_main(task: Callable, job: object, limits: Limits, sender: Connection) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(limits.deadline - time.monotonic()) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        for item in task(job):
            sender.send(("item", item))
        sender.send(("done", None))
    except PdfRefused as refused:
        sender.send(("refused", str(refused)))
    except MemoryError:
        sender.send(("memory", None))
    except BaseException:  # noqa: BLE001 - whatever broke, the parent gets a sentence
        sender.send(("refused", UNEXPECTED))
    sender.close()
    return 0


def _reap(child: _Child, force: bool) -> int:
    """Wait for a child (killing it first when force) and return its wait status."""
    if force:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
    try:
        _, status = os.waitpid(child.pid, 0)
    except ChildProcessError:
        status = 0
    child.connection.close()
    return status


def _death_sentence(status: int, limits: Limits) -> str:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        return limits.time_sentence()
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT):
        return limits.memory_sentence()
    return UNEXPECTED
