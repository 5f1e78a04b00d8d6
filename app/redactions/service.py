"""Redaction summaries for a document and a project, and a box's hidden text on demand."""

import json
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import get_openable
from app.core.catalogue import meaning, statute
from app.core.keys import read_key
from app.models import Document, Page, Project, RedactionBox, User
from app.redactions.presenters import box_json, redaction_of

WITHHELD_SHARE = 0.5  # a page whose boxes cover this much of it is withheld in full
FEW_WORDS_LEFT = 40  # a page mostly under boxes, with at most this many words released, is withheld in full
FEW_WORDS = 12  # a page that cites a ground and has no more words besides says it was withheld in full
KEY_PAGES = 3  # a release prints its key of ground codes on its first pages


def document_redactions(session: Session, document: Document) -> dict:
    """Boxes, counts by ground and kind, pages withheld in full or out of scope, share of area
    redacted, bad redactions and the release's facts, for one document."""
    boxes, pages = _load(session, [document.id])
    summary = _summary(boxes, pages)
    withheld = [number for _, number in summary.pop("withheld")]
    out_of_scope = [number for _, number in summary.pop("out_of_scope_pages")]
    return summary | {
        "pages_withheld": withheld,
        "pages_out_of_scope": out_of_scope,
        "facts": document.facts,
        "boxes": [box_json(b) for b in boxes],
    }


def project_redactions(session: Session, project: Project) -> dict:
    """The same counts over every document of a project, with a line per document."""
    boxes, pages = _load(session, [d.id for d in project.documents])
    lines = []
    for document in project.documents:
        mine = _summary([b for b in boxes if b.document_id == document.id], [p for p in pages if p[0] == document.id])
        lines.append({"document_id": document.id, "title": document.title, **_counts(mine)})
    summary = _summary(boxes, pages)
    return {**_counts(summary), "grounds": summary["grounds"], "meanings": summary["meanings"], "documents": lines}


def settle_release(session: Session, document_id: int, jurisdiction: str, found: dict) -> None:
    """Read what only the whole release tells, once its pages are stored (the caller commits): its
    ground key (printed on its first pages) and through it the ground of each box that carries
    only a code; and its facts: what its furniture said (`found`), the key, codes not in the key,
    pages that could not be read."""
    pages = session.execute(
        select(Page.number, Page.text, Page.problem).where(Page.document_id == document_id).order_by(Page.number)
    ).all()
    key = read_key("\n".join(text for number, text, _ in pages if number <= KEY_PAGES), jurisdiction)
    unknown = set()
    coded = select(RedactionBox).where(RedactionBox.document_id == document_id, RedactionBox.code.is_not(None))
    for box in session.scalars(coded):
        entry = key.get(box.code)
        box.ground, box.regime = (entry["ground"], entry["regime"]) if entry else (None, None)
        if entry is None:
            unknown.add(box.code)
    facts = dict(found)
    if key:
        facts["ground_key"] = {code: entry["ground"] for code, entry in sorted(key.items(), key=lambda e: int(e[0]))}
    if unknown:
        facts["codes_not_in_key"] = sorted(unknown, key=int)
    unreadable = {str(number): problem for number, _, problem in pages if problem}
    if unreadable:
        facts["unreadable_pages"] = unreadable
    session.get(Document, document_id).facts_json = json.dumps(facts)


def bad_redaction_pages(session: Session, document_id: int) -> list[int]:
    """The pages of a document where text is still readable under a box."""
    query = select(RedactionBox.page).where(RedactionBox.document_id == document_id, RedactionBox.text_under)
    return sorted(set(session.scalars(query)))


def _load(session: Session, document_ids: list[int]) -> tuple[list[RedactionBox], list[tuple]]:
    boxes = session.scalars(
        select(RedactionBox)
        .where(RedactionBox.document_id.in_(document_ids))
        .order_by(RedactionBox.document_id, RedactionBox.page, RedactionBox.y0, RedactionBox.x0)
    )
    pages = session.execute(
        select(Page.document_id, Page.number, Page.width, Page.height, Page.citations_json, Page.released_words).where(
            Page.document_id.in_(document_ids)
        )
    )
    return list(boxes), list(pages)


def _counts(summary: dict) -> dict:
    keys = (
        "redaction_count",
        "box_count",
        "bad_redactions",
        "pages",
        "pages_with_redactions",
        "redacted_share",
        "out_of_scope",
    )
    counted = {key: summary[key] for key in keys} | {"codes_not_in_key": summary["codes_not_in_key"]}
    return counted | {
        "pages_withheld": len(summary["withheld"]),
        "pages_out_of_scope": len(summary["out_of_scope_pages"]),
    }


def _summary(boxes: list[RedactionBox], pages: list[tuple]) -> dict:
    """Counts over boxes and pages, pages keyed by (document id, page number): redactions (the
    boxes cut from one ragged shape count once, here and by ground) and boxes. Out-of-scope marks
    are not withholding: they have their own counts and no ground."""
    sizes = {(doc, number): (width, height) for doc, number, width, height, _, _ in pages}
    withholding = [box for box in boxes if not box.out_of_scope]
    shares = _area_shares(withholding, sizes)
    out_of_scope_shares = _area_shares([box for box in boxes if box.out_of_scope], sizes)
    out_of_scope_pages = sorted(key for key, share in out_of_scope_shares.items() if share >= WITHHELD_SHARE)
    total_area = sum(w * h for w, h in sizes.values()) or 1
    redactions = _redactions(withholding)
    grounds = Counter(ground for cited in redactions.values() for ground in cited)
    regimes = {ground: box.regime for box in withholding for ground in box.grounds}
    return {
        "redaction_count": len(redactions),
        "box_count": len(withholding),
        "kinds": dict(Counter(box.kind for box in withholding)),
        "out_of_scope": len(boxes) - len(withholding),
        "codes_not_in_key": sum(1 for box in withholding if box.code and not box.ground),
        "bad_redactions": sum(1 for box in boxes if box.text_under),
        "pages": len(sizes),
        "pages_with_redactions": len({(box.document_id, box.page) for box in withholding}),
        "withheld": _withheld_in_full(withholding, pages, shares, set(out_of_scope_pages)),
        "out_of_scope_pages": out_of_scope_pages,
        "redacted_share": round(sum(share * _area(sizes[key]) for key, share in shares.items()) / total_area, 4),
        "grounds": dict(grounds.most_common()),
        "meanings": {
            ground: {
                "regime": regimes[ground],
                "meaning": meaning(regimes[ground], ground),
                "statute": statute(regimes[ground], ground),
            }
            for ground in grounds
        },
    }


def _redactions(boxes: list[RedactionBox]) -> dict[tuple, set[str]]:
    """The redactions these boxes make (the boxes cut from one shape on a scan are one), each with
    the grounds cited on any of its boxes."""
    redactions: dict[tuple, set[str]] = {}
    for box in boxes:
        cited = redactions.setdefault(redaction_of(box.id, box.page, box.shape, box.document_id), set())
        cited.update(box.grounds)
    return redactions


def _area_shares(boxes: list[RedactionBox], sizes: dict) -> dict:
    """Share of each page's area under these boxes (overlaps counted twice, capped at 1)."""
    area: Counter = Counter()
    for box in boxes:
        area[(box.document_id, box.page)] += (box.x1 - box.x0) * (box.y1 - box.y0)
    return {key: min(area[key] / _area(sizes[key]), 1.0) for key in area if key in sizes and _area(sizes[key])}


def _area(size: tuple[float, float]) -> float:
    return size[0] * size[1]


def _withheld_in_full(boxes: list[RedactionBox], pages: list[tuple], shares: dict, out_of_scope: set) -> list[tuple]:
    """Pages with (almost) nothing released on them: boxes over most of the page and few words
    left (a heading, the page's header and footer), or no box but a cited ground and a few words
    besides ("Page withheld in full under s 9(2)(g)(i)")."""
    boxed = {(box.document_id, box.page) for box in boxes}
    withheld = []
    for doc, number, _, _, citations, released in pages:
        key = (doc, number)
        if key in out_of_scope:
            continue
        few_words = (released or 0) <= FEW_WORDS_LEFT
        placeholder = key not in boxed and json.loads(citations or "[]") and (released or 0) <= FEW_WORDS
        if shares.get(key, 0) >= WITHHELD_SHARE and few_words or placeholder:
            withheld.append(key)
    return sorted(withheld)


def get_box(session: Session, user: User, box_id: int) -> RedactionBox:
    """A box of a document the user may open; NotFound otherwise."""
    return get_openable(session, user, RedactionBox, box_id, "redaction box")
