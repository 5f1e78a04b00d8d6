"""`make run`: the web app on waitress and the worker, together; Ctrl-C stops both."""

import signal
import subprocess
import sys
import threading
import time

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from app import create_app
from app.web import SECURITY_HEADERS

WORKER = [sys.executable, "-m", "app.worker"]
RESTART_DELAY_SECONDS = 1.0


class SupervisedWorker:
    """The worker process, started again whenever it dies (a crash, the out-of-memory killer)
    until stop() is called. A new worker queues again what the dead one left half done."""

    def __init__(self, command: list[str]):
        self._command = command
        self._lock = threading.Lock()
        self._stopping = False
        self.process = self._start()
        threading.Thread(target=self._watch, name="worker-watch", daemon=True).start()

    def _start(self) -> subprocess.Popen:
        # Its own session: Ctrl-C reaches only us, and stop() ends the worker at once (SIGTERM)
        # rather than let Huey wait for a long document; an interrupted document is redone later.
        return subprocess.Popen(self._command, start_new_session=True)

    def _watch(self) -> None:
        while True:
            code = self.process.wait()
            time.sleep(RESTART_DELAY_SECONDS)  # a worker that cannot start does not spin
            with self._lock:
                if self._stopping:
                    return
                print(f"The worker stopped (exit code {code}); starting it again.", file=sys.stderr, flush=True)
                self.process = self._start()

    def stop(self) -> None:
        """Stop the worker and do not start it again."""
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


class SecureChannel(HTTPChannel):
    error_task_class = SecureErrorTask


def serve(app) -> None:
    """Serve the app on waitress until interrupted."""
    server = create_server(
        app,
        host=app.config["HOST"],
        port=app.config["PORT"],
        threads=8,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024,
    )
    server.channel_class = SecureChannel
    server.run()


def main() -> None:
    """Clean leftovers, start the worker process, then serve until interrupted."""
    app = create_app()
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "cleanup"], check=True)
    worker = SupervisedWorker(WORKER)
    # Ctrl-C and SIGTERM end the server loop even when a shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f"OIA Desk on http://{app.config['HOST']}:{app.config['PORT']} (Ctrl-C stops it)", flush=True)
        serve(app)
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
