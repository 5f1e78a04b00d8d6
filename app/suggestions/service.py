"""Use cases for keyword rules and suggestions: propose, list, accept, reject."""

import json
import logging

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app import queue
from app.access import get_openable
from app.annotations.schemas import NewAnnotation
from app.annotations.service import add_annotation
from app.core.grounds import joined_grounds
from app.core.matching import RuleRefused, compile_rule, matches
from app.core.presets import OIA_RULES
from app.core.rects import bounds
from app.errors import Conflict
from app.models import (
    Document,
    Page,
    Project,
    RedactionBox,
    Suggestion,
    SuggestionSource,
    SuggestionStatus,
    TagRule,
    User,
)
from app.redactions.presenters import redaction_of
from app.suggestions.schemas import NewRule, RuleChanges
from app.tags.service import redaction_tag, resolve_tags
from app.validation import validated

log = logging.getLogger(__name__)

WRITE_BATCH = 2000  # suggestions written per transaction (~0.1 s of SQLite's write lock)


# Rules


def seed_rules(session: Session, project: Project) -> None:
    """Give a new project the OIA preset's keyword rules (the caller commits)."""
    session.flush()
    for tag_name, phrases, scope in OIA_RULES:
        [tag] = resolve_tags(session, project.id, [tag_name])
        session.add(TagRule(project_id=project.id, tag_id=tag.id, pattern="\n".join(phrases), scope=scope))


def list_rules(session: Session, project: Project) -> list[TagRule]:
    """A project's keyword rules."""
    query = select(TagRule).where(TagRule.project_id == project.id).options(selectinload(TagRule.tag))
    return list(session.scalars(query.order_by(TagRule.id)))


def get_rule(session: Session, user: User, rule_id: int) -> TagRule:
    """A rule of a project the user owns; NotFound otherwise."""
    return get_openable(session, user, TagRule, rule_id, "rule")


def create_rule(session: Session, project: Project, new: NewRule) -> TagRule:
    """Add a rule: a tag and its phrases (a list, or text one per line) or a regular expression; the
    project's rules then run again in the worker."""
    rule = TagRule(project_id=project.id)
    _apply_rule(session, rule, new)
    session.add(rule)
    session.commit()
    queue.enqueue(queue.PROPOSE_FOR_PROJECT, project.id)
    return rule


def update_rule(session: Session, rule: TagRule, changes: RuleChanges) -> TagRule:
    """Change a rule's tag, phrases, expression or scope; its pending suggestions go, to be proposed anew."""
    current = {"tag": rule.tag.full_name, "scope": rule.scope}
    current |= {"regex": rule.pattern} if rule.is_regex else {"phrases": rule.pattern}
    given = changes.given()
    if "phrases" in given or "regex" in given:
        current.pop("phrases", None), current.pop("regex", None)
    _apply_rule(session, rule, validated(NewRule, current | given))
    _withdraw_pending(session, rule)
    session.commit()
    queue.enqueue(queue.PROPOSE_FOR_PROJECT, rule.project_id)
    return rule


def delete_rule(session: Session, rule: TagRule) -> None:
    """Delete a rule and its pending suggestions; suggestions already accepted or rejected stay."""
    _withdraw_pending(session, rule)
    session.delete(rule)
    session.commit()


def _withdraw_pending(session: Session, rule: TagRule) -> None:
    pending = select(Suggestion).where(Suggestion.rule_id == rule.id, Suggestion.status == SuggestionStatus.PENDING)
    for suggestion in session.scalars(pending):
        session.delete(suggestion)


def _apply_rule(session: Session, rule: TagRule, new: NewRule) -> None:
    [tag] = resolve_tags(session, rule.project_id, [new.tag])
    rule.tag_id, rule.tag, rule.scope = tag.id, tag, new.scope
    rule.pattern, rule.is_regex = new.pattern, bool(new.regex)


# Proposing: read in one short transaction, match with none open, write in short batches, so
# that neither matching a heavy rule set nor writing 30,000 suggestions holds the write lock
# for long.


def propose(sessions: sessionmaker[Session], document_id: int) -> int:
    """Propose annotations for a document from its boxes and its project's rules; returns how many are new.

    A proposal made before (pending, accepted or rejected) is not made again."""
    with sessions() as session:
        document = session.get(Document, document_id)
        if document is None:
            return 0
        known = set(session.scalars(select(Suggestion.fingerprint).where(Suggestion.document_id == document_id)))
        boxes = _box_suggestions(session, document, known)
        rules = [(r.id, r.tag_id, r.pattern, r.is_regex, r.scope) for r in _rules_of(session, document.project_id)]
        pages = list(session.execute(select(Page.number, Page.text).where(Page.document_id == document_id)))
    proposed = boxes + _rule_suggestions(document_id, rules, pages)
    new = list({row["fingerprint"]: row for row in proposed if row["fingerprint"] not in known}.values())
    for start in range(0, len(new), WRITE_BATCH):  # short transactions: others write in between
        with sessions.begin() as session:
            session.execute(_insert_new(session), new[start : start + WRITE_BATCH])
    return len(new)


def _insert_new(session: Session):
    """An insert of suggestions that skips one another proposal wrote meanwhile (same fingerprint)."""
    dialect = {"sqlite": sqlite, "postgresql": postgresql}[session.get_bind().dialect.name]
    return dialect.insert(Suggestion).on_conflict_do_nothing(index_elements=["document_id", "fingerprint"])


def _rules_of(session: Session, project_id: int) -> list[TagRule]:
    return list(session.scalars(select(TagRule).where(TagRule.project_id == project_id)))


def _box_suggestions(session: Session, document: Document, known: set[str]) -> list[dict]:
    """A region proposed as a redaction for each redaction of the document: a box alone, or the
    boxes cut from one ragged shape together (its parts; not when one of them was proposed alone
    before, nor when they cite different grounds)."""
    redaction = redaction_tag(session, document.project_id)
    if redaction is None:
        return []
    withheld = select(RedactionBox).where(RedactionBox.document_id == document.id, RedactionBox.out_of_scope.is_(False))
    redactions: dict[tuple, list[RedactionBox]] = {}
    for box in session.scalars(withheld.order_by(RedactionBox.page, RedactionBox.y0, RedactionBox.x0)):
        redactions.setdefault(redaction_of(box.id, box.page, box.shape), []).append(box)
    rows = []
    for parts in redactions.values():
        grounds = {tuple(box.grounds) for box in parts if box.grounds}
        if len(parts) > 1 and len(grounds) <= 1 and not known & {_box_fingerprint(b.page, b.rect) for b in parts}:
            rows.append(_region_row(document.id, redaction.id, parts))
        else:
            rows.extend(_region_row(document.id, redaction.id, [box]) for box in parts)
    return rows


def _region_row(document_id: int, tag_id: int, parts: list[RedactionBox]) -> dict:
    """The suggestion of one redaction made of these boxes: their bounds, and the parts when several."""
    cited = next((box for box in parts if box.ground), parts[0])
    around = bounds([box.rect for box in parts])
    return _row(
        document_id,
        parts[0].page,
        kind="region",
        rect_json=json.dumps(around),
        rects_json=json.dumps([box.rect for box in parts]) if len(parts) > 1 else None,
        tag_id=tag_id,
        ground=cited.ground,
        more_grounds_json=cited.more_grounds_json,
        regime=cited.regime,
        source=_box_source(parts),
        fingerprint=_box_fingerprint(parts[0].page, around),
    )


def _box_fingerprint(page: int, rect: list[float]) -> str:
    return f"box:{page}:{','.join(f'{v:.0f}' for v in rect)}"


def _box_source(parts: list[RedactionBox]) -> SuggestionSource:
    if any(box.text_under for box in parts):
        return SuggestionSource.LEAKY_BOX
    return SuggestionSource.BLANK if parts[0].kind == "blank" else SuggestionSource.BOX


def _row(document_id: int, page: int, **fields) -> dict:
    """A suggestions-table row: every column given, as one insert of many rows needs."""
    optional = ("start", "end", "rect_json", "rects_json", "ground", "regime", "rule_id")
    return {
        **dict.fromkeys(optional),
        "exact": "",
        "more_grounds_json": "[]",
        "document_id": document_id,
        "page": page,
        "status": SuggestionStatus.PENDING,
        **fields,
    }


def _rule_suggestions(document_id: int, rules: list[tuple], pages: list[tuple[int, str]]) -> list[dict]:
    found = []
    for rule_id, tag_id, pattern, is_regex, scope in rules:
        try:
            compiled = compile_rule(pattern, is_regex)
        except RuleRefused as refused:  # saved before RE2 checked rules
            log.warning("Keyword rule %s skipped on document %s: %s", rule_id, document_id, refused)
            continue
        for number, text in pages:
            for start, end in matches(text, compiled, scope, whole_words=not is_regex):
                found.append(
                    _row(
                        document_id,
                        number,
                        kind="text",
                        start=start,
                        end=end,
                        exact=text[start:end],
                        tag_id=tag_id,
                        source=SuggestionSource.RULE,
                        rule_id=rule_id,
                        fingerprint=f"rule:{tag_id}:{number}:{start}:{end}",
                    )
                )
    return found


# Review


def count_pending(session: Session, document_id: int) -> int:
    """How many suggestions of a document wait for review."""
    query = select(func.count()).where(
        Suggestion.document_id == document_id, Suggestion.status == SuggestionStatus.PENDING
    )
    return session.scalar(query)


def list_suggestions(session: Session, document_ids: list[int], status: str | None = "pending") -> list[Suggestion]:
    """Suggestions of some documents in page order, pending ones by default."""
    query = select(Suggestion).where(Suggestion.document_id.in_(document_ids)).options(selectinload(Suggestion.tag))
    if status:
        query = query.where(Suggestion.status == SuggestionStatus(status))
    return list(
        session.scalars(query.order_by(Suggestion.document_id, Suggestion.page, Suggestion.start, Suggestion.id))
    )


def crops(session: Session, suggestions: list[Suggestion]) -> dict[int, dict]:
    """For each region suggestion, by id: the page as shown ("width", "height", in points), the
    box on it ("rect") and its parts ("parts": the box alone, or the boxes of one ragged shape),
    turned as the page is, for drawing a crop of the page image."""
    regions = [s for s in suggestions if s.kind == "region" and s.rect_json]
    if not regions:
        return {}
    query = select(Page.document_id, Page.number, Page.width, Page.height, Page.rotation)
    rows = session.execute(query.where(Page.document_id.in_({s.document_id for s in regions})))
    pages = {(d, n): (w, h, r) for d, n, w, h, r in rows}
    return {
        s.id: crop_as_shown(json.loads(s.rect_json), *pages[(s.document_id, s.page)])
        | {"parts": [crop_as_shown(part, *pages[(s.document_id, s.page)])["rect"] for part in s.rects]}
        for s in regions
        if (s.document_id, s.page) in pages
    }


def crop_as_shown(rect: list[float], width: float, height: float, rotation: int) -> dict:
    """A box on the unrotated page, and the page's size, as the page is shown (PyMuPDF's rotation_matrix)."""
    x0, y0, x1, y1 = rect
    shown = {
        90: [height - y1, x0, height - y0, x1],
        180: [width - x1, height - y1, width - x0, height - y0],
        270: [y0, width - x1, y1, width - x0],
    }.get(rotation, rect)
    quarter = rotation in (90, 270)
    return {"width": height if quarter else width, "height": width if quarter else height, "rect": shown}


def get_suggestion(session: Session, user: User, suggestion_id: int) -> Suggestion:
    """A suggestion in a project the user may open; NotFound otherwise."""
    return get_openable(session, user, Suggestion, suggestion_id, "suggestion")


def accept(session: Session, user: User, suggestion: Suggestion) -> Suggestion:
    """Turn a pending suggestion into an ordinary annotation, in one commit."""
    _accept(session, user, suggestion)
    session.commit()
    return suggestion


def reject(session: Session, suggestion: Suggestion) -> Suggestion:
    """Reject a pending suggestion; it will not be proposed again."""
    _require_pending(suggestion)
    suggestion.status = SuggestionStatus.REJECTED
    session.commit()
    return suggestion


def decide_all(session: Session, user: User, document_ids: list[int], decision: str) -> int:
    """Accept or reject every pending suggestion of some documents, all or none; returns how many."""
    pending = list_suggestions(session, document_ids)
    for suggestion in pending:
        if decision == "accept":
            _accept(session, user, suggestion)
        else:
            _require_pending(suggestion)
            suggestion.status = SuggestionStatus.REJECTED
    session.commit()
    return len(pending)


def _accept(session: Session, user: User, suggestion: Suggestion) -> None:
    """Make the suggestion's annotation and mark it accepted (flushed; the caller commits). A box
    becomes a region that quotes nothing: text still under a box is shown only on demand."""
    _require_pending(suggestion)
    document = session.get(Document, suggestion.document_id)
    body = {"page": suggestion.page, "tags": [suggestion.tag.full_name]}
    if suggestion.kind == "region":
        body |= {"rects": suggestion.rects, "ground": joined_grounds(suggestion.grounds)}
    else:
        body |= {"start": suggestion.start, "end": suggestion.end}
    annotation = add_annotation(session, user, document, validated(NewAnnotation, body))
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.annotation_id = annotation.id


def _require_pending(suggestion: Suggestion) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise Conflict(f"This suggestion was already {suggestion.status}.")
