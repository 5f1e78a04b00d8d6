"""The worker process: `python -m app.worker`."""

import logging
import os

from app import queue
from app.config import create_folders, load_settings
from app.db import make_sessionmaker
from app.ingest import jobs  # noqa: F401 - registers the jobs this process runs
from app.ingest.pipeline import requeue_interrupted

# Reading a release in the background yields the processor to people reading pages: the worker and
# the parsing and OCR processes it starts run this much "nicer" than the web processes.
NICENESS = 10


def main() -> None:
    """Requeue work a crash interrupted, then consume the queue until stopped."""
    os.nice(NICENESS)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    settings = load_settings()
    create_folders(settings)
    queue.init_queue(settings)
    for document_id in requeue_interrupted(make_sessionmaker(settings["DATABASE_URL"])):
        queue.enqueue(queue.PROCESS_DOCUMENT, document_id)
    consumer = queue.huey.create_consumer(workers=settings["WORKER_CONCURRENCY"], worker_type="process")
    consumer.run()


if __name__ == "__main__":
    main()
