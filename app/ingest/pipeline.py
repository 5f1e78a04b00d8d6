"""Process one document: claim it, read it in limited children, store pages, finish.

Runs in the worker, which imports this module (and so PyMuPDF) before it forks. Each stage that
touches the PDF runs in forked children (app.sandbox); this module only coordinates
and writes to the database.
"""

import logging
import multiprocessing
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path

import orjson
from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app import storage
from app.annotations.service import reanchor_document
from app.core.grounds import whole_citation
from app.ingest.claims import Claim, ClaimLost, holds, renew, renewed
from app.models import Document, DocumentStatus, Page, RedactionBox, utcnow
from app.pdf import PageContent, PdfRefused
from app.pdf.extract import (  # loaded here, before forking: children start fast
    draw_page_images,
    extract_page,
    inspect_pdf,
    open_pdf,
    table_words,
    unreadable_page,
)
from app.pdf.furniture import facts_from
from app.redactions.reading import read_page, withheld
from app.redactions.service import settle_release
from app.releases.service import read_release, schedule_scans
from app.sandbox import UNEXPECTED, Limits, Stopped, run_in_children
from app.suggestions.service import propose

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
READ_REFUSALS = (PdfRefused,)  # what a reading child raises with a sentence for the user
FLUSH_EVERY_SECONDS = 0.25
FLUSH_EVERY_PAGES = 100
BOX_FIELDS = ("kind", "ground", "regime", "code", "out_of_scope", "text_under", "hidden_text", "shape")


@dataclass
class ParseOptions:
    """What a parsing child needs, all plain values so that it pickles."""

    original: str
    drawing_root: str  # page images are drawn under it by key (app.storage.Files.drawn)
    document_id: int
    max_pages: int
    languages: str
    ocr_dpi: int
    jurisdiction: str = "nz-oia"
    render: bool = True


def process_document(document_id: int, settings: dict, sessions: sessionmaker[Session], render: bool = True) -> None:
    """Turn a queued document into stored pages and images, or a failed document with a reason;
    the claim on it renewed meanwhile (app.ingest.claims), and nothing more stored once it is lost."""
    document = claim_document(sessions, document_id)
    if document is None:
        return
    claim = Claim(document_id, document.attempts)
    files = storage.files(settings)
    files.drawn(storage.page_images_prefix(document_id)).mkdir(parents=True, exist_ok=True)
    limits = Limits.from_settings(settings)
    try:
        held = renewed(sessions, claim, settings["WORKER_LEASE_SECONDS"])
        with held, files.local(storage.original_key(document.sha256)) as original:
            options = ParseOptions(
                original=str(original),
                drawing_root=str(files.drawing_root),
                document_id=document_id,
                max_pages=settings["MAX_PAGES"],
                languages=settings["OCR_LANGUAGES"],
                ocr_dpi=settings["OCR_DPI"],
                jurisdiction=document.project.jurisdiction,
                render=render,
            )
            _read_document(sessions, claim, options, limits, settings["PARSE_PROCESSES"], files)
    except ClaimLost:
        log.warning("document %s was taken up again by another worker; this one stopped", document_id)
    except Stopped as refused:
        _failed(sessions, claim, str(refused), files)
    except Exception:
        log.exception("processing document %s failed", document_id)
        _failed(sessions, claim, UNEXPECTED, files)


def _failed(sessions: sessionmaker[Session], claim: Claim, reason: str, files: storage.Files) -> None:
    """The document failed with a reason, its images removed, if the claim is still held."""
    if fail_document(sessions, claim, reason):
        files.delete_under(storage.page_images_prefix(claim.document_id))


def _read_document(
    sessions, claim: Claim, options: ParseOptions, limits: Limits, processes: int, files: storage.Files
) -> None:
    document_id = claim.document_id
    info = next(run_in_children(_inspect, [options], limits, READ_REFUSALS))
    with sessions.begin() as session:
        renew(session, claim)
        document = session.get(Document, document_id)
        document.page_count = info.page_count
        if info.title and not document.title_edited:
            document.title = info.title
    # Children take the next page from a shared counter, so page 1 comes first and a slow
    # (scanned) page does not leave the other core idle.
    next_page = multiprocessing.get_context("fork").Value("i", 0)
    jobs = [(options, next_page, info.page_count)] * min(processes, info.page_count)
    batch: list[dict] = []
    found: dict = {}  # what the pages' watermarks and stamps say about the release
    undrawn: list[int] = []  # pages whose text came first: their images are drawn once all are stored
    flushed_at = time.monotonic()
    for row in run_in_children(_extract, jobs, limits, READ_REFUSALS):
        if row.pop("images_later"):
            undrawn.append(row["number"])
        elif options.render:
            _put_drawn(files, document_id, row["number"])
        batch.append(row)
        found |= facts_from(row["furniture"])
        if row["number"] == 1 or len(batch) >= FLUSH_EVERY_PAGES or time.monotonic() - flushed_at > FLUSH_EVERY_SECONDS:
            store_pages(sessions, claim, batch)
            batch, flushed_at = [], time.monotonic()
    store_pages(sessions, claim, batch)
    drawing, drawn = _draw_images(options, undrawn, limits, processes)  # in children, while this goes on
    try:
        with sessions.begin() as session:
            renew(session, claim)
            settle_release(session, document_id, options.jurisdiction, found)
        _read_as_a_release(sessions, claim, options, limits)
        with sessions.begin() as session:
            renew(session, claim)
            reanchor_document(session, document_id)  # annotations made on an earlier extraction
        propose(sessions, document_id)  # from redaction boxes and keyword rules
        for number in chain(drawn, drawing):  # the document is ready when its images are
            _put_drawn(files, document_id, number)
    finally:
        drawing.close()
    with sessions.begin() as session:
        ready = {"status": DocumentStatus.READY, "error": None, "claimed_at": None}
        if session.execute(update(Document).where(holds(claim)).values(**ready)).rowcount != 1:
            raise ClaimLost(f"document {document_id} was taken up again by another worker")


def _read_as_a_release(sessions, claim: Claim, options: ParseOptions, limits: Limits) -> None:
    """The letter, schedule and signature: what reading them finds is extra, so a failure there is
    logged and the document is still read (its pages, boxes and suggestions are what matter). A
    schedule on scanned pages is read twice: the pages are OCRed again as a table's rows, in a
    child, before the transaction that stores the reading begins."""
    document_id = claim.document_id
    try:
        with sessions() as session:
            scans = schedule_scans(session, document_id, options.jurisdiction)
        table_words = dict(run_in_children(_table_words, [(options, scans)], limits, READ_REFUSALS)) if scans else {}
        with sessions.begin() as session:
            renew(session, claim)
            read_release(session, document_id, options.jurisdiction, table_words)
    except ClaimLost:
        raise
    except Exception:
        log.exception("reading document %s as a release failed; its pages are kept", document_id)


def _table_words(job):
    """(page number, words) of each scanned page, read again as a table's rows."""
    options, scans = job
    doc = open_pdf(options.original)
    for number, rotation in scans:
        page = doc[number - 1]
        page.set_rotation(rotation)
        yield number, table_words(page, options.languages, options.ocr_dpi)


def _inspect(options: ParseOptions):
    yield inspect_pdf(options.original, options.max_pages)


def _extract(job):
    options, next_page, page_count = job
    doc = open_pdf(options.original)
    for number in _turns(next_page, page_count):
        settled = partial(cites_a_ground, jurisdiction=options.jurisdiction)
        images = _image_paths(options, number) if options.render else None
        try:
            # Page 1's images come with its text, so that it can be read at once; the others' after
            # every page's text is stored (a text page's images take ten times its text's time).
            page = extract_page(doc, number, images, options.languages, options.ocr_dpi, settled, number != 1)
        except PdfRefused as refused:  # one page that cannot be read does not sink the others
            page = unreadable_page(doc, number, str(refused))
        yield page_row(page, options.jurisdiction)


def _draw_images(
    options: ParseOptions, numbers: list[int], limits: Limits, processes: int
) -> tuple[Generator, list[int]]:
    """Children drawing the page images of the pages whose text was stored first, taking the next
    page from a shared counter, in page order: started and returned, to be drained (each page's
    number as it is drawn) or closed (which stops them), with the numbers drawn so far (the first,
    asked for to spawn the children)."""
    if not numbers:
        return (number for number in ()), []
    taken = multiprocessing.get_context("fork").Value("i", 0)
    jobs = [(options, sorted(numbers), taken)] * min(processes, len(numbers))
    drawing = run_in_children(_draw, jobs, limits, READ_REFUSALS)
    first = next(drawing, None)  # the children are spawned as the first number is asked for
    return drawing, [] if first is None else [first]


def _draw(job):
    options, numbers, taken = job
    doc = open_pdf(options.original)
    for turn in _turns(taken, len(numbers)):
        number = numbers[turn - 1]
        try:
            draw_page_images(doc, number, _image_paths(options, number))
        except PdfRefused:  # a page that cannot be drawn keeps its text, without an image
            log.warning("page %s of document %s could not be drawn", number, options.document_id)
        yield number


def _turns(counter, last: int) -> Iterator[int]:
    """1, 2, ... up to last, shared between the children holding the counter: each takes the
    next number no other has taken."""
    while True:
        with counter.get_lock():
            counter.value += 1
            turn = counter.value
        if turn > last:
            return
        yield turn


def _image_paths(options: ParseOptions, number: int) -> tuple[Path, Path]:
    """Where a parsing process draws page `number`'s image and thumbnail (keys are app.storage's)."""
    keys = (storage.page_image_key(options.document_id, number, thumb) for thumb in (False, True))
    return tuple(Path(options.drawing_root) / key for key in keys)


def _put_drawn(files: storage.Files, document_id: int, number: int) -> None:
    """Store the page's image and thumbnail where they were drawn (in place, in the upload folder)."""
    for thumb in (False, True):
        files.put_drawn(storage.page_image_key(document_id, number, thumb))


def cites_a_ground(text: str, jurisdiction: str) -> bool:
    """Whether a label read again on a scan cites a ground whole, as printed (no more readings needed)."""
    return whole_citation(text, jurisdiction) is not None


def page_row(page: PageContent, jurisdiction: str) -> dict:
    """The pages-table row for a page, with its redaction boxes under "boxes" and its watermark
    and stamp lines under "furniture".

    Built in the parsing child, so both cores share the work."""
    words = [{"text": t, "x0": x0, "y0": y0, "x1": x1, "y1": y1} for t, x0, y0, x1, y1 in page.words]
    redactions = read_page(page.text, words, page.boxes, page.ocr, jurisdiction, page.accent_words)
    text, words = withheld(page.text, words, redactions.hidden_words)
    stored = [(w["text"], w["x0"], w["y0"], w["x1"], w["y1"]) for w in words] if redactions.hidden_words else page.words
    return {
        **{name: getattr(page, name) for name in Page.LAYOUT_FIELDS},
        "text": text,
        # orjson: a tenth of json.dumps's time on a page of words, the same text out.
        "words_json": orjson.dumps(stored).decode(),
        "citations_json": orjson.dumps(redactions.citations).decode(),
        "released_words": redactions.released_words,
        "boxes": redactions.boxes,
        "furniture": page.furniture,
        "images_later": page.images_later,
    }


def claim_document(sessions: sessionmaker[Session], document_id: int) -> Document | None:
    """Mark a queued document as processing and clear any earlier partial pages; None if not queued."""
    with sessions.begin() as session:
        # The project comes along: the caller reads its jurisdiction after this session ends. The row
        # is locked (SQLite locks the database anyway): two jobs for one document, as a restarted
        # worker queues, must not both find it queued.
        document = session.get(Document, document_id, options=[selectinload(Document.project)], with_for_update=True)
        if document is None or document.status != DocumentStatus.QUEUED:
            return None
        if document.attempts >= MAX_ATTEMPTS:
            document.status = DocumentStatus.FAILED
            document.error = (
                f"Processing was interrupted {document.attempts} times and has been given up. "
                "The file may be too demanding for this server; try splitting it."
            )
            return None
        document.status = DocumentStatus.PROCESSING
        document.claimed_at = utcnow()
        document.attempts += 1
        document.pages_done = 0
        _delete_pages(session, document_id)
        return document


def store_pages(sessions: sessionmaker[Session], claim: Claim, rows: list[dict]) -> None:
    """Insert processed page rows and advance the document's progress, in one transaction, if
    the claim is still held (checked first: the document's row is then held until the commit)."""
    if not rows:
        return
    document_id = claim.document_id
    boxes = [_box_row(document_id, row["number"], box) for row in rows for box in row["boxes"]]
    pages = [{key: value for key, value in row.items() if key not in ("boxes", "furniture")} for row in rows]
    with sessions.begin() as session:
        advanced = update(Document).where(holds(claim)).values(pages_done=Document.pages_done + len(rows))
        if session.execute(advanced.values(claimed_at=utcnow())).rowcount != 1:
            raise ClaimLost(f"document {document_id} was taken up again by another worker")
        session.execute(insert(Page), [{**row, "document_id": document_id} for row in pages])
        if boxes:
            session.execute(insert(RedactionBox), boxes)


def _box_row(document_id: int, number: int, box: dict) -> dict:
    x0, y0, x1, y1 = box["rect"]
    fields = {key: box[key] for key in BOX_FIELDS}
    fields["more_grounds_json"] = orjson.dumps(box.get("more_grounds", [])).decode()
    return {"document_id": document_id, "page": number, "x0": x0, "y0": y0, "x1": x1, "y1": y1, **fields}


def fail_document(sessions: sessionmaker[Session], claim: Claim, reason: str) -> bool:
    """Mark a document failed with a reason, removing any pages stored so far, if the claim is
    still held; whether it was."""
    failed = {"status": DocumentStatus.FAILED, "error": reason, "pages_done": 0, "claimed_at": None}
    with sessions.begin() as session:
        if session.execute(update(Document).where(holds(claim)).values(**failed)).rowcount != 1:
            return False
        session.execute(delete(Page).where(Page.document_id == claim.document_id))
        return True


def _delete_pages(session: Session, document_id: int) -> None:
    """Remove what an earlier extraction stored: pages and their redaction boxes."""
    session.execute(delete(Page).where(Page.document_id == document_id))
    session.execute(delete(RedactionBox).where(RedactionBox.document_id == document_id))
