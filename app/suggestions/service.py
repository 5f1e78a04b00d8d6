"""Use cases for keyword rules and suggestions: propose, list, accept, reject."""

import json
import logging
import re
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.access import may_open_document, may_open_project
from app.annotations.presets import OIA_RULES
from app.annotations.service import create_annotation, resolve_tags
from app.errors import BadInput, Conflict, NotFound
from app.models import Document, Page, Project, RedactionBox, Suggestion, Tag, TagRule, User
from app.pdf import PdfRefused
from app.processing.sandbox import Limits, run_in_children
from app.redactions.catalogue import meaning, statute
from app.suggestions.matching import MAX_PATTERN, compile_rule, matches

log = logging.getLogger(__name__)

RULE_SECONDS = 60  # all rules over one document, in the worker
RULE_CHECK_SECONDS = 10  # a new regular expression over a project's text, while the user waits
RULE_MEMORY_MB = 1024


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
    rule = session.get(TagRule, rule_id)
    if rule is None or not may_open_project(session, user, rule.project_id):
        raise NotFound("That rule does not exist, or you do not have access to it.")
    return rule


def create_rule(session: Session, project: Project, fields: dict) -> TagRule:
    """Add a rule: a tag and its phrases (a list, or text one per line) or a regular expression."""
    rule = TagRule(project_id=project.id)
    _apply_rule_fields(session, rule, fields)
    session.add(rule)
    session.commit()
    return rule


def update_rule(session: Session, rule: TagRule, fields: dict) -> TagRule:
    """Change a rule's tag, phrases, expression or scope; its pending suggestions go, to be proposed anew."""
    current = {"tag": rule.tag.full_name, "scope": rule.scope}
    current |= {"regex": rule.pattern} if rule.is_regex else {"phrases": rule.pattern.splitlines()}
    if "phrases" in fields or "regex" in fields:
        current.pop("phrases", None), current.pop("regex", None)
    _apply_rule_fields(session, rule, current | fields)
    _withdraw_pending(session, rule)
    session.commit()
    return rule


def delete_rule(session: Session, rule: TagRule) -> None:
    """Delete a rule and its pending suggestions; suggestions already accepted or rejected stay."""
    _withdraw_pending(session, rule)
    session.delete(rule)
    session.commit()


def _withdraw_pending(session: Session, rule: TagRule) -> None:
    pending = select(Suggestion).where(Suggestion.source == f"rule {rule.id}", Suggestion.status == "pending")
    for suggestion in session.scalars(pending):
        session.delete(suggestion)


def _apply_rule_fields(session: Session, rule: TagRule, fields: dict) -> None:
    tag = fields.get("tag")
    [found] = resolve_tags(session, rule.project_id, [tag] if isinstance(tag, str) else None)
    scope = fields.get("scope", "phrase")
    if scope not in ("phrase", "sentence"):
        raise BadInput('scope is "phrase" (the words matched) or "sentence" (the sentence around them).')
    if fields.get("regex"):
        pattern, is_regex = _regex(fields["regex"]), True
    else:
        pattern, is_regex = _phrases(fields.get("phrases")), False
    if is_regex:
        _check_speed(session, rule.project_id, pattern, scope)
    rule.tag_id, rule.tag, rule.pattern, rule.is_regex, rule.scope = found.id, found, pattern, is_regex, scope


def _regex(pattern) -> str:
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        raise BadInput(f"A regular expression is text of at most {MAX_PATTERN} characters.")
    try:
        re.compile(pattern)
    except re.error as error:
        raise BadInput(f"That regular expression does not compile: {error}.") from None
    return pattern


def _phrases(phrases) -> str:
    if isinstance(phrases, str):
        phrases = phrases.splitlines()
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        raise BadInput("Give phrases (a list, or one per line) or a regex.")
    pattern = "\n".join(p.strip() for p in phrases if p.strip())
    if not pattern or len(pattern) > MAX_PATTERN:
        raise BadInput(f"Give at least one phrase, {MAX_PATTERN} characters at most in all.")
    return pattern


def rule_json(rule: TagRule) -> dict:
    """The API view of a rule."""
    phrases = None if rule.is_regex else rule.pattern.splitlines()
    return {
        "id": rule.id,
        "tag": rule.tag.full_name,
        "phrases": phrases,
        "regex": rule.pattern if rule.is_regex else None,
        "scope": rule.scope,
    }


# Proposing


def propose(session: Session, document_id: int) -> int:
    """Propose annotations for a document from its boxes and its project's rules; returns how many are new.

    A proposal made before (pending, accepted or rejected) is not made again."""
    document = session.get(Document, document_id)
    known = set(session.scalars(select(Suggestion.fingerprint).where(Suggestion.document_id == document_id)))
    new = [
        s
        for s in _box_suggestions(session, document) + _rule_suggestions(session, document)
        if s.fingerprint not in known
    ]
    unique = {s.fingerprint: s for s in new}
    session.add_all(unique.values())
    session.commit()
    return len(unique)


def _box_suggestions(session: Session, document: Document) -> list[Suggestion]:
    redaction = session.scalar(
        select(Tag).where(Tag.project_id == document.project_id, Tag.parent_id.is_(None), Tag.name.ilike("redaction"))
    )
    if redaction is None:
        return []
    boxes = session.scalars(select(RedactionBox).where(RedactionBox.document_id == document.id))
    return [
        Suggestion(
            document_id=document.id,
            page=box.page,
            kind="region",
            rect_json=json.dumps(box.rect),
            exact="",
            tag_id=redaction.id,
            ground=box.ground,
            regime=box.regime,
            source="leaky redaction box" if box.text_under else "redaction box",
            fingerprint=f"box:{box.page}:{','.join(f'{v:.0f}' for v in box.rect)}",
        )
        for box in boxes
    ]


def _rule_suggestions(session: Session, document: Document) -> list[Suggestion]:
    rules = list(session.scalars(select(TagRule).where(TagRule.project_id == document.project_id)))
    if not rules:
        return []
    pages = list(session.execute(select(Page.number, Page.text).where(Page.document_id == document.id)))
    try:
        found = _run_rules(rules, pages, RULE_SECONDS)
    except PdfRefused as refused:
        log.warning("Keyword rules skipped on document %s: %s", document.id, refused)
        return []
    texts = dict(pages)
    tags = {r.id: r.tag_id for r in rules}
    return [
        Suggestion(
            document_id=document.id,
            page=number,
            kind="text",
            start=start,
            end=end,
            exact=texts[number][start:end],
            tag_id=tags[rule_id],
            source=f"rule {rule_id}",
            fingerprint=f"rule:{tags[rule_id]}:{number}:{start}:{end}",
        )
        for rule_id, number, start, end in found
    ]


def _run_rules(rules: list[TagRule], pages: list[tuple[int, str]], seconds: float) -> list[tuple]:
    """Every (rule id, page, start, end) where a rule matches, found in a time-limited child."""
    job = ([(r.id, r.pattern, r.is_regex, r.scope) for r in rules], pages)
    limits = Limits(deadline=time.monotonic() + seconds, memory_mb=RULE_MEMORY_MB, timeout_seconds=seconds)
    return list(run_in_children(_match_all, [job], limits))


def _check_speed(session: Session, project_id: int, pattern: str, scope: str) -> None:
    """Refuse a regular expression that takes too long on the project's own text."""
    trial = TagRule(id=0, project_id=project_id, pattern=pattern, is_regex=True, scope=scope)
    query = select(Page.number, Page.text).join(Document).where(Document.project_id == project_id)
    try:
        _run_rules([trial], list(session.execute(query)), RULE_CHECK_SECONDS)
    except PdfRefused:
        raise BadInput(
            "That regular expression takes too long on this project's documents; make it simpler "
            "(nested repeats such as (a+)+ are the usual cause)."
        ) from None


def _match_all(job):
    """In a limited child: every (rule id, page, start, end) where a rule matches."""
    rules, pages = job
    compiled = [(rule_id, compile_rule(pattern, is_regex), scope) for rule_id, pattern, is_regex, scope in rules]
    for number, text in pages:
        for rule_id, pattern, scope in compiled:
            for start, end in matches(text, pattern, scope):
                yield rule_id, number, start, end


# Review


def count_pending(session: Session, document_id: int) -> int:
    """How many suggestions of a document wait for review."""
    query = select(func.count()).where(Suggestion.document_id == document_id, Suggestion.status == "pending")
    return session.scalar(query)


def list_suggestions(session: Session, document_ids: list[int], status: str | None = "pending") -> list[Suggestion]:
    """Suggestions of some documents in page order, pending ones by default."""
    query = select(Suggestion).where(Suggestion.document_id.in_(document_ids)).options(selectinload(Suggestion.tag))
    if status:
        query = query.where(Suggestion.status == status)
    return list(
        session.scalars(query.order_by(Suggestion.document_id, Suggestion.page, Suggestion.start, Suggestion.id))
    )


def crops(session: Session, suggestions: list[Suggestion]) -> dict[int, dict]:
    """For each region suggestion, by id: the page as shown ("width", "height", in points) and
    the box on it ("rect"), turned as the page is, for drawing a crop of the page image."""
    regions = [s for s in suggestions if s.kind == "region" and s.rect_json]
    if not regions:
        return {}
    query = select(Page.document_id, Page.number, Page.width, Page.height, Page.rotation)
    rows = session.execute(query.where(Page.document_id.in_({s.document_id for s in regions})))
    pages = {(d, n): (w, h, r) for d, n, w, h, r in rows}
    return {
        s.id: crop_as_shown(json.loads(s.rect_json), *pages[(s.document_id, s.page)])
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
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None or not may_open_document(session, user, suggestion.document_id):
        raise NotFound("That suggestion does not exist, or you do not have access to it.")
    return suggestion


def accept(session: Session, user: User, suggestion: Suggestion) -> Suggestion:
    """Turn a pending suggestion into an ordinary annotation."""
    _require_pending(suggestion)
    document = session.get(Document, suggestion.document_id)
    body = {"page": suggestion.page, "tags": [suggestion.tag.full_name]}
    if suggestion.kind == "region":
        body |= {"rect": json.loads(suggestion.rect_json), "ground": suggestion.ground}
    else:
        body |= {"start": suggestion.start, "end": suggestion.end}
    suggestion.status = "accepted"
    annotation = create_annotation(session, user, document, body)
    if suggestion.kind == "region":
        annotation.exact = ""  # text still under a box is shown only on demand, on the redactions page
    suggestion.annotation_id = annotation.id
    session.commit()
    return suggestion


def reject(session: Session, suggestion: Suggestion) -> Suggestion:
    """Reject a pending suggestion; it will not be proposed again."""
    _require_pending(suggestion)
    suggestion.status = "rejected"
    session.commit()
    return suggestion


def decide_all(session: Session, user: User, document_ids: list[int], decision: str) -> int:
    """Accept or reject every pending suggestion of some documents; returns how many."""
    pending = list_suggestions(session, document_ids)
    for suggestion in pending:
        accept(session, user, suggestion) if decision == "accept" else reject(session, suggestion)
    return len(pending)


def _require_pending(suggestion: Suggestion) -> None:
    if suggestion.status != "pending":
        raise Conflict(f"This suggestion was already {suggestion.status}.")


def suggestion_json(suggestion: Suggestion) -> dict:
    """The API view of a suggestion."""
    return {
        "id": suggestion.id,
        "document_id": suggestion.document_id,
        "page": suggestion.page,
        "kind": suggestion.kind,
        "start": suggestion.start,
        "end": suggestion.end,
        "rect": json.loads(suggestion.rect_json) if suggestion.rect_json else None,
        "exact": suggestion.exact if suggestion.kind == "text" else None,
        "tag": suggestion.tag.full_name,
        "colour": suggestion.tag.colour,
        "ground": suggestion.ground,
        "meaning": meaning(suggestion.regime, suggestion.ground) if suggestion.ground else None,
        "statute": statute(suggestion.regime, suggestion.ground) if suggestion.ground else None,
        "source": suggestion.source,
        "status": suggestion.status,
        "annotation_id": suggestion.annotation_id,
    }
