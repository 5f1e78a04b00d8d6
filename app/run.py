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
    worker = subprocess.Popen([sys.executable, "-m", "app.processing.worker"])
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
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    main()
