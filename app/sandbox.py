"""Run PDF work in forked children with a wall-time, CPU and memory limit.

The worker imports PyMuPDF before forking, so a child starts in about 0.1 s.
A child streams its results back over a pipe; a hostile file can only kill its child. Each
child leads its own process group and keeps its temporary files in its own folder, so that
stopping it stops what it started (Tesseract) and leaves no files behind.
"""

import contextlib
import ctypes
import os
import resource
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path

TEMP_PREFIX = "oia-desk-child-"  # each child's temporary folder, under the system's
PR_SET_PDEATHSIG = 1  # Linux prctl option: a signal the kernel sends us when our parent dies


class Stopped(Exception):
    """A run that did not finish: a child refused its job, exceeded a limit or died.
    str(error) is a sentence for a person."""


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

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        """The limits the settings give one run: PARSE_TIMEOUT_SECONDS from now, PARSE_MEMORY_MB."""
        seconds = settings["PARSE_TIMEOUT_SECONDS"]
        return cls(deadline=time.monotonic() + seconds, memory_mb=settings["PARSE_MEMORY_MB"], timeout_seconds=seconds)

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
    temp: str
    finished: bool = False


def run_in_children(
    task: Callable[[object], Iterable], jobs: list, limits: Limits, refusals: tuple[type[Exception], ...] = ()
) -> Iterator:
    """Run task(job) for each job in its own child; yield what the children produce as it arrives.

    Raises Stopped with a sentence when a child exceeds a limit or dies, or raises one of refusals
    (whose message is then the sentence).
    """
    children = [_spawn(task, job, limits, refusals) for job in jobs]
    try:
        while pending := [c for c in children if not c.finished]:
            remaining = limits.deadline - time.monotonic()
            if remaining <= 0:
                raise Stopped(limits.time_sentence())
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
        raise Stopped(_death_sentence(_reap(child, force=False), limits)) from None
    if kind == "item":
        yield payload
    elif kind == "done":
        child.finished = True
    else:
        child.finished = True
        raise Stopped(limits.memory_sentence() if kind == "memory" else payload)


def _address_space() -> int:
    """Bytes of address space this process holds now: a forked child starts with its parent's
    (a long test run's, or a worker's with Tesseract loaded), and its limit counts what it adds
    to them (a child of a grown parent otherwise failed a release at the limit before reading it)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _spawn(task: Callable[[object], Iterable], job: object, limits: Limits, refusals: tuple) -> _Child:
    receiver, sender = Pipe(duplex=False)
    temp = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-")  # the parent's pid: cleanup spares it
    pid = os.fork()
    if pid == 0:  # the child
        receiver.close()
        os._exit(_child_main(task, job, limits, sender, temp, refusals))
    with contextlib.suppress(OSError):  # both sides set the group, so neither waits on the other
        os.setpgid(pid, pid)
    sender.close()
    return _Child(pid, receiver, temp)


def _child_main(task: Callable, job: object, limits: Limits, sender: Connection, temp: str, refusals) -> int:
    os.setpgid(0, 0)  # a group of its own: killing it kills whatever it started
    _die_with(parent=os.getppid())
    os.environ["TMPDIR"] = tempfile.tempdir = temp
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    memory = _address_space() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(limits.deadline - time.monotonic()) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        for item in task(job):
            sender.send(("item", item))
        sender.send(("done", None))
    except MemoryError:
        sender.send(("memory", None))
    except refusals as refused:
        sender.send(("refused", str(refused)))
    except BaseException:  # noqa: BLE001 - whatever broke, the parent gets a sentence
        sender.send(("refused", UNEXPECTED))
    sender.close()
    return 0


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (a worker killed with -9 must not leave children writing on)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def _reap(child: _Child, force: bool) -> int:
    """Wait for a child (killing its whole group first when force), remove its temporary folder,
    and return its wait status."""
    if force:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    try:
        _, status = os.waitpid(child.pid, 0)
    except ChildProcessError:
        status = 0
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)  # anything it started and left running
    child.connection.close()
    shutil.rmtree(child.temp, ignore_errors=True)
    return status


def remove_leftover_temp() -> list[Path]:
    """Remove temporary folders that children of a crashed process left behind; those of a
    process still running are its children's, in use."""
    leftovers = [f for f in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*") if not _owner_alive(f.name)]
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)
    return leftovers


def _owner_alive(name: str) -> bool:
    """Whether the process that made a temporary folder (its pid after the prefix) still runs."""
    owner = name[len(TEMP_PREFIX) :].split("-", 1)[0]
    if not owner.isdigit():
        return False  # named before folders carried their owner
    try:
        os.kill(int(owner), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _death_sentence(status: int, limits: Limits) -> str:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        return limits.time_sentence()
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT):
        return limits.memory_sentence()
    return UNEXPECTED
