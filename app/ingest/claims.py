"""A worker's claim on the document it processes, renewed while it works.

Several workers, on several machines, share one queue. A worker that dies mid-document (killed,
or its machine lost) stops renewing its claim; any other worker then finds the claim older than
the lease, queues the document again (requeue_abandoned) and processes it from the start. A
worker whose claim was taken from it (presumed dead, but only slow) stores nothing more: every
write of the pipeline goes through renew() or holds(), in the same transaction.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models import Document, DocumentStatus, utcnow

log = logging.getLogger(__name__)

RENEWALS_PER_LEASE = 3  # a claim is renewed this many times within one lease


@dataclass(frozen=True)
class Claim:
    """One attempt at processing one document: the attempt's number tells a later claim apart."""

    document_id: int
    attempt: int


class ClaimLost(Exception):
    """Another worker has taken the document up again: this one must store nothing more."""


def holds(claim: Claim):
    """The condition that the document is still processing under this claim."""
    return (
        (Document.id == claim.document_id)
        & (Document.attempts == claim.attempt)
        & (Document.status == DocumentStatus.PROCESSING)
    )


def renew(session: Session, claim: Claim) -> None:
    """Renew the claim in the session's transaction (which then holds the document's row, so no
    other worker can take it until the transaction ends); ClaimLost if it is no longer held."""
    renewed = session.execute(update(Document).where(holds(claim)).values(claimed_at=utcnow()))
    if renewed.rowcount != 1:
        raise ClaimLost(f"document {claim.document_id} was taken up again by another worker")


@contextmanager
def renewed(sessions: sessionmaker[Session], claim: Claim, lease_seconds: float) -> Iterator[None]:
    """Renew the claim in a thread, RENEWALS_PER_LEASE times a lease, while the block runs."""
    stop = threading.Event()

    def renewing() -> None:
        while not stop.wait(lease_seconds / RENEWALS_PER_LEASE):
            try:
                with sessions.begin() as session:
                    renew(session, claim)
            except ClaimLost:
                return
            except Exception:  # a database that is away for a moment: try again at the next turn
                log.exception("renewing the claim on document %s failed", claim.document_id)

    thread = threading.Thread(target=renewing, name=f"claim-{claim.document_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def requeue_abandoned(sessions: sessionmaker[Session], lease_seconds: float) -> list[int]:
    """Queue again the documents left processing under a claim older than the lease (or none, as
    a worker before claims left them); the ids of those this call queued. Two workers calling
    this at once queue each document once: the update is one statement."""
    stale = utcnow() - timedelta(seconds=lease_seconds)
    abandoned = (Document.status == DocumentStatus.PROCESSING) & (
        Document.claimed_at.is_(None) | (Document.claimed_at < stale)
    )
    requeued = update(Document).where(abandoned).values(status=DocumentStatus.QUEUED, claimed_at=None)
    with sessions.begin() as session:
        return sorted(session.scalars(requeued.returning(Document.id)))


def queued_documents(sessions: sessionmaker[Session]) -> list[int]:
    """The ids of every queued document."""
    with sessions() as session:
        return list(session.scalars(select(Document.id).where(Document.status == DocumentStatus.QUEUED)))
