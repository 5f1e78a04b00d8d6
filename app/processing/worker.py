"""The worker process: `python -m app.processing.worker`."""

import logging

from app.config import load_settings
from app.db import make_sessionmaker
from app.processing.pipeline import requeue_interrupted
from app.processing.queue import enqueue_documents, huey


def main() -> None:
    """Requeue work a crash interrupted, then consume the queue until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    settings = load_settings()
    enqueue_documents(requeue_interrupted(make_sessionmaker(settings["DATABASE_URL"])))
    consumer = huey.create_consumer(workers=settings["WORKER_CONCURRENCY"], worker_type="process")
    consumer.run()


if __name__ == "__main__":
    main()
