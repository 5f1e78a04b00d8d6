"""`make run`: the web app on waitress and the worker, together; Ctrl-C stops both."""

import signal
import subprocess
import sys

from waitress import serve

from app import create_app


def main() -> None:
    """Clean leftovers, start the worker process, then serve until interrupted."""
    app = create_app()
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "cleanup"], check=True)
    # Its own session: Ctrl-C reaches only us, and we stop the worker at once (SIGTERM) rather
    # than let Huey wait for a long document; an interrupted document is redone at next start.
    worker = subprocess.Popen([sys.executable, "-m", "app.processing.worker"], start_new_session=True)
    # Ctrl-C and SIGTERM end the server loop even when a shell started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f"OIA Desk on http://{app.config['HOST']}:{app.config['PORT']} (Ctrl-C stops it)", flush=True)
        serve(
            app,
            host=app.config["HOST"],
            port=app.config["PORT"],
            threads=8,
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024,
        )
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    main()
