"""The worker process: `python -m app.worker`. Any number of them, on any number of machines,
may share one queue (QUEUE_URL) and one database."""

import logging
import os
import threading

from app import queue
from app.config import create_folders, load_settings
from app.db import make_sessionmaker
from app.ingest import jobs  # noqa: F401 - registers the jobs this process runs
from app.ingest.claims import queued_documents, requeue_abandoned

log = logging.getLogger(__name__)

# Reading a release in the background yields the processor to people reading pages: the worker and
# the parsing and OCR processes it starts run this much "nicer" than the web processes.
NICENESS = 10


def main() -> None:
    """Queue again what a dead worker left and what is queued (a queue file lost with its machine
    loses nothing: each job claims its document once), then consume the queue until stopped; each
    of the consumer's processes keeps watching for documents a dead worker leaves."""
    os.nice(NICENESS)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    settings = load_settings()
    create_folders(settings)
    queue.init_queue(settings)
    sessions = make_sessionmaker(settings["DATABASE_URL"])
    requeue_abandoned(sessions, settings["WORKER_LEASE_SECONDS"])
    for document_id in queued_documents(sessions):
        queue.enqueue(queue.PROCESS_DOCUMENT, document_id)
    queue.huey.on_startup("watch_for_abandoned")(lambda: watch_for_abandoned(settings))
    consumer = queue.huey.create_consumer(workers=settings["WORKER_CONCURRENCY"], worker_type="process")
    consumer.run()


def watch_for_abandoned(settings: dict) -> None:
    """In a thread of this process, every half lease: queue again the documents whose worker
    stopped renewing its claim (killed, or its machine lost)."""
    lease = settings["WORKER_LEASE_SECONDS"]
    sessions = make_sessionmaker(settings["DATABASE_URL"])
    stop = threading.Event()

    def watching() -> None:
        while not stop.wait(lease / 2):
            try:
                for document_id in requeue_abandoned(sessions, lease):
                    log.warning("document %s was left by a worker that stopped; queued again", document_id)
                    queue.enqueue(queue.PROCESS_DOCUMENT, document_id)
            except Exception:  # the database or the queue away for a moment: try again at the next turn
                log.exception("looking for abandoned documents failed")

    threading.Thread(target=watching, name="abandoned-documents", daemon=True).start()


if __name__ == "__main__":
    main()
