"""Claims on documents: several workers share one queue; one that dies mid-document leaves a
claim nobody renews, another takes the document up again from the start, and the first, if it
was only slow, stores nothing more."""

import threading
import time
from datetime import timedelta

import pytest
from conftest import upload
from pdfs import briefing_pdf
from sqlalchemy import func, select

from app.ingest import pipeline
from app.ingest.claims import Claim, ClaimLost, renewed, requeue_abandoned
from app.ingest.pipeline import claim_document, fail_document, process_document, store_pages
from app.models import Document, Page, utcnow

LEASE = 30


def queued_again(sessions, document_id: int) -> None:
    """The document as an upload leaves it: queued, no pages, never attempted."""
    with sessions.begin() as session:
        queued = session.get(Document, document_id)
        queued.status, queued.attempts = "queued", 0
        session.query(Page).filter(Page.document_id == document_id).delete()


def claim_age(sessions, document_id: int, seconds: float) -> None:
    """Make the document's claim this old, as a worker that stopped renewing it leaves it."""
    with sessions.begin() as session:
        session.get(Document, document_id).claimed_at = utcnow() - timedelta(seconds=seconds)


def page_count(sessions, document_id: int) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).where(Page.document_id == document_id))


@pytest.fixture
def document(api, project, sessions):
    made = upload(api, project["id"], ("a.pdf", briefing_pdf(3))).get_json()["documents"][0]
    queued_again(sessions, made["id"])
    return made


def test_a_claim_is_requeued_only_once_it_is_older_than_the_lease(sessions, document):
    claimed = claim_document(sessions, document["id"])
    assert claimed.status == "processing" and claimed.claimed_at is not None
    assert requeue_abandoned(sessions, LEASE) == []  # a fresh claim: its worker is at work
    claim_age(sessions, document["id"], LEASE + 1)
    assert requeue_abandoned(sessions, LEASE) == [document["id"]]
    with sessions() as session:
        assert session.get(Document, document["id"]).status == "queued"
    assert requeue_abandoned(sessions, LEASE) == []  # queued once, not again


def test_two_workers_looking_at_once_queue_an_abandoned_document_once(sessions, document):
    claim_document(sessions, document["id"])
    claim_age(sessions, document["id"], LEASE + 1)
    found: list[list[int]] = []
    lookers = [threading.Thread(target=lambda: found.append(requeue_abandoned(sessions, LEASE))) for _ in range(4)]
    for looker in lookers:
        looker.start()
    for looker in lookers:
        looker.join()
    assert sorted(found) == [[], [], [], [document["id"]]]


def test_a_claim_is_renewed_while_its_worker_works(sessions, document):
    claimed = claim_document(sessions, document["id"])
    claim_age(sessions, document["id"], LEASE + 1)
    with renewed(sessions, Claim(document["id"], claimed.attempts), lease_seconds=0.3):
        time.sleep(0.5)
    assert requeue_abandoned(sessions, LEASE) == []  # renewed: not abandoned


def test_a_worker_whose_claim_was_taken_stores_nothing_more(sessions, document):
    first = claim_document(sessions, document["id"])
    slow = Claim(document["id"], first.attempts)
    claim_age(sessions, document["id"], LEASE + 1)
    requeue_abandoned(sessions, LEASE)
    second = claim_document(sessions, document["id"])
    assert second.attempts == slow.attempt + 1
    row = {"number": 1, "width": 595, "height": 842, "text": "late", "words_json": "[]", "boxes": [], "furniture": []}
    with pytest.raises(ClaimLost):
        store_pages(sessions, slow, [row])
    assert page_count(sessions, document["id"]) == 0
    assert fail_document(sessions, slow, "the slow worker's failure") is False
    with sessions() as session:
        taken = session.get(Document, document["id"])
        assert (taken.status, taken.error, taken.attempts) == ("processing", None, second.attempts)


def test_a_document_taken_over_mid_way_is_finished_once_by_the_new_worker(app, sessions, document, monkeypatch):
    """The first worker is presumed dead while its pages' images are drawn: another worker takes
    the document up and finishes it; the first then stops without storing or failing anything."""
    draw = pipeline._draw_images
    taken_over = []

    def presumed_dead(options, numbers, limits, processes):
        if not taken_over:  # the first worker, only slow: its claim ages and another worker runs
            taken_over.append(True)
            claim_age(sessions, options.document_id, LEASE + 1)
            assert requeue_abandoned(sessions, LEASE) == [options.document_id]
            process_document(options.document_id, app.config, sessions)
        return draw(options, numbers, limits, processes)

    monkeypatch.setattr(pipeline, "_draw_images", presumed_dead)
    process_document(document["id"], app.config, sessions)
    with sessions() as session:
        finished = session.get(Document, document["id"])
        assert (finished.status, finished.error, finished.attempts, finished.pages_done) == ("ready", None, 2, 3)
        assert finished.claimed_at is None
    assert page_count(sessions, document["id"]) == 3
