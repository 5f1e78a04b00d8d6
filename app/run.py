"""`make run`: the web processes (waitress) and the worker, together; Ctrl-C stops them all.

`python -m app.run --web` serves alone and `python -m app.run --worker` works alone, for a
deployment that puts them on different machines."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask, WSGITask

from app import create_app
from app.web import SECURITY_HEADERS

WORKER = [sys.executable, "-m", "app.worker"]
WEB = [sys.executable, "-m", "app.run", "--web"]
LISTENING_SOCKET = "OIA_DESK_LISTENING_FD"  # the socket a web process inherits from `make run`
RESTART_DELAY_SECONDS = 1.0
REQUESTS_PER_CONNECTION = 100


class Supervised:
    """A child process, started again whenever it dies (a crash, the out-of-memory killer) until
    stop() is called. A new worker queues again what the dead one left half done."""

    def __init__(self, command: list[str], name: str, **popen):
        self._command, self._name, self._popen = command, name, popen
        self._lock = threading.Lock()
        self._stopping = False
        self.process = self._start()
        threading.Thread(target=self._watch, name=f"{name}-watch", daemon=True).start()

    def _start(self) -> subprocess.Popen:
        # Its own session: Ctrl-C reaches only us, and stop() ends the child at once (SIGTERM)
        # rather than let Huey wait for a long document; an interrupted document is redone later.
        return subprocess.Popen(self._command, start_new_session=True, **self._popen)

    def _watch(self) -> None:
        while True:
            code = self.process.wait()
            time.sleep(RESTART_DELAY_SECONDS)  # a child that cannot start does not spin
            with self._lock:
                if self._stopping:
                    return
                print(f"The {self._name} stopped (exit code {code}); starting it again.", file=sys.stderr, flush=True)
                self.process = self._start()

    def stop(self) -> None:
        """Stop the child and do not start it again."""
        with self._lock:
            self._stopping = True
            process = self.process
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


class SecureErrorTask(ErrorTask):
    """An error waitress answers itself (a malformed request, a body over its limit) carries the
    app's security headers too, and is not cached."""

    def execute(self):
        self.response_headers.extend([*SECURITY_HEADERS.items(), ("Cache-Control", "no-store")])
        super().execute()


class RotatingTask(WSGITask):
    """A request; the REQUESTS_PER_CONNECTION-th on one connection closes it after answering. A
    kept-alive connection stays with the web process that accepted it, so without this a burst of
    new connections taken by one process would keep it busy while the other idles; a client that
    connects again is accepted by whichever process gets to it first, most often the idler."""

    def build_response_header(self):
        self.channel.requests_served += 1
        if self.channel.requests_served >= REQUESTS_PER_CONNECTION:
            self.set_close_on_finish()
        return super().build_response_header()


class Channel(HTTPChannel):
    """A client connection: its errors carry the security headers, and it is closed now and then."""

    task_class = RotatingTask
    error_task_class = SecureErrorTask
    requests_served = 0  # requests on one channel are answered one after another


def serve(app, listening: socket.socket | None = None) -> None:
    """Serve the app on waitress until interrupted: on the socket given (shared with the other web
    processes), or on HOST:PORT."""
    where = {"sockets": [listening]} if listening else {"host": app.config["HOST"], "port": app.config["PORT"]}
    server = create_server(
        app,
        **where,
        threads=app.config["WEB_THREADS"],
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024,
    )
    server.channel_class = Channel
    server.run()


def serve_alone() -> None:
    """One web process: on the socket `make run` opened for it, or on HOST:PORT of its own."""
    app = create_app()
    inherited = os.environ.get(LISTENING_SOCKET)
    serve(app, socket.socket(fileno=int(inherited)) if inherited else None)


def all_in_one() -> None:
    """Open the port (first: a second `make run` stops there), clean leftovers, start
    WEB_PROCESSES web processes sharing it and the worker, then wait until interrupted. The app
    is made here first, so the settings (and the secret key generated on first use) are settled
    before any child reads them."""
    app = create_app()
    where = (app.config["HOST"], app.config["PORT"])
    try:
        listening = socket.create_server(where, backlog=1024)
    except OSError as error:
        sys.exit(
            f"OIA Desk cannot listen on {where[0]}:{where[1]}: {error.strerror}. Is it running already? "
            "PORT sets another port."
        )
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "cleanup"], check=True)
    shared = {"pass_fds": [listening.fileno()], "env": {**os.environ, LISTENING_SOCKET: str(listening.fileno())}}
    children = [Supervised(WEB, "web process", **shared) for _ in range(app.config["WEB_PROCESSES"])]
    children.append(Supervised(WORKER, "worker"))
    # Ctrl-C and SIGTERM end the wait even when a shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f"OIA Desk on http://{app.config['HOST']}:{app.config['PORT']} (Ctrl-C stops it)", flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.stop()


def work_alone() -> None:
    """The worker alone: the same process `python -m app.worker` is."""
    os.execv(sys.executable, WORKER)  # noqa: S606 - our own interpreter and module


def main(arguments: list[str]) -> None:
    roles = {"--web": serve_alone, "--worker": work_alone, None: all_in_one}
    role = arguments[0] if arguments else None
    if role not in roles:
        sys.exit("usage: python -m app.run [--web | --worker]")
    roles[role]()


if __name__ == "__main__":
    main(sys.argv[1:])
