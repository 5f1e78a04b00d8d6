"""Typed models. Models never commit; services do."""

import json
from datetime import UTC, date, datetime
from enum import StrEnum

import orjson
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


def utcnow() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def _states(enum: type[StrEnum], name: str) -> Enum:
    """A column type for a state: stored as its value, with a check constraint that names it."""
    return Enum(enum, name=name, native_enum=False, create_constraint=True, length=20, values_callable=_values)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def cited_grounds(ground: str | None, more_grounds_json: str | None) -> list[str]:
    """Every ground a box's label cites, in the order printed: its ground, then the further ones."""
    return ([ground] if ground else []) + json.loads(more_grounds_json or "[]")


class DocumentStatus(StrEnum):
    """Where a document is in processing."""

    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class SuggestionStatus(StrEnum):
    """What a person decided about a suggestion."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ImportStatus(StrEnum):
    """Where a large import run in the worker is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SuggestionSource(StrEnum):
    """What proposed a suggestion: a redaction box (with readable text under it, or not), a
    blank-space redaction (text cut out, its ground printed in the gap), a keyword rule, or a
    person tagging every hit of a search."""

    BOX = "box"
    LEAKY_BOX = "leaky_box"
    BLANK = "blank"
    RULE = "rule"
    SEARCH = "search"


SOURCE_LABELS = {
    SuggestionSource.BOX: "redaction box",
    SuggestionSource.LEAKY_BOX: "leaky redaction box",
    SuggestionSource.BLANK: "blank-space redaction",
    SuggestionSource.SEARCH: "search",
}


class Role(StrEnum):
    """What a member may do in a project: viewers read, search and export; editors also upload,
    annotate and review; owners also manage members, settings and deletion."""

    VIEWER = "viewer"
    EDITOR = "editor"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        """Viewer 1, editor 2, owner 3: a role may do what every lower one may."""
        return list(Role).index(self) + 1

    @property
    def with_article(self) -> str:
        """ "an owner", "an editor", "a viewer"."""
        return f"{'a' if self == Role.VIEWER else 'an'} {self}"


class User(Base):
    """A journalist who signs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on sign-out, password change and disabling, so that an old session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Instance administrators manage accounts; being one opens no project by itself.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A disabled account cannot sign in; its sessions and tokens stop at once.
    disabled_at: Mapped[datetime | None]


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Invitation(Base):
    """A one-time link that lets the holder of an email address join a project with a role;
    only the link's SHA-256 is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(_states(Role, "invitation_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    project: Mapped["Project"] = relationship()


class Project(Base):
    """One investigation, holding many documents; who may do what in it is in its memberships."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Who created it (kept for the record; access is decided by memberships alone).
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Whose catalogue of withholding grounds comes first: nz-oia, nz-lgoima, us-foia, uk-foia, au-foi.
    jurisdiction: Mapped[str] = mapped_column(String(16), default="nz-oia", server_default="nz-oia")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    documents: Mapped[list["Document"]] = relationship(
        back_populates="project", order_by="Document.id", passive_deletes=True
    )


class Membership(Base):
    """A user's role in a project."""

    __tablename__ = "memberships"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[Role] = mapped_column(_states(Role, "member_role"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Document(Base):
    """One released PDF in a project, with its processing state and metadata."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("project_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[DocumentStatus] = mapped_column(
        _states(DocumentStatus, "document_status"), default=DocumentStatus.QUEUED
    )
    error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None] = mapped_column(Integer)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # While processing: when the worker at it last renewed its claim (app.ingest.claims); a claim
    # older than WORKER_LEASE_SECONDS was left by a worker that died, and the document is queued again.
    claimed_at: Mapped[datetime | None]
    title: Mapped[str] = mapped_column(String(500))
    # False until a person edits the title; until then the PDF's own title may replace it.
    title_edited: Mapped[bool] = mapped_column(default=False)
    agency: Mapped[str | None] = mapped_column(String(300))
    oia_reference: Mapped[str | None] = mapped_column(String(200))
    date_released: Mapped[date | None]
    source_url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What reading the release found out about it (app.redactions.facts): proactively released,
    # stamped as released under the OIA, the key of its ground codes, pages that could not be read.
    facts_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")

    project: Mapped[Project] = relationship(back_populates="documents")
    release: Mapped["Release | None"] = relationship(viewonly=True)

    @property
    def facts(self) -> dict:
        """facts_json as a dict."""
        return json.loads(self.facts_json or "{}")

    @property
    def progress(self) -> float:
        """Share of pages processed, from 0 to 1."""
        if self.status == DocumentStatus.READY:
            return 1.0
        if not self.page_count:
            return 0.0
        return round(min(self.pages_done / self.page_count, 1.0), 3)


class Release(Base):
    """A document read as an OIA release: its response letter (app.core.letters) and schedule of
    documents (app.core.schedules), as read and then as corrected. The letter's agency, reference
    and date go to the document's own metadata when those are empty; what only a letter says is
    kept here. A field a person corrected (named in edited_json) is kept when the release is
    read again."""

    __tablename__ = "releases"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    letter_page: Mapped[int | None] = mapped_column(Integer)  # where the letter starts; None: none found
    request_date: Mapped[date | None]
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extended_to: Mapped[date | None]
    extended: Mapped[bool] = mapped_column(default=False)
    transferred: Mapped[bool] = mapped_column(default=False)
    grounds_json: Mapped[str] = mapped_column(Text, default="[]")
    # The schedule's rows: [{"number", "date", "title", "decision", "grounds", "page"}]
    schedule_json: Mapped[str] = mapped_column(Text, default="[]")
    # A MinHash of its text (app.core.comparison.signature): finds other releases of the same paper
    signature_json: Mapped[str] = mapped_column(Text, default="[]")
    edited_json: Mapped[str] = mapped_column(Text, default="[]")

    @property
    def grounds(self) -> list[str]:
        return json.loads(self.grounds_json or "[]")

    @property
    def schedule(self) -> list[dict]:
        return json.loads(self.schedule_json or "[]")

    @property
    def edited(self) -> list[str]:
        return json.loads(self.edited_json or "[]")


class Page(Base):
    """One page's text and word boxes; boxes in PDF points on the unrotated page."""

    __tablename__ = "pages"
    # Narrow: a search matching 30,000 pages finds their documents here, not in the wide rows.
    PLACES_INDEX = "ix_pages_place"
    # Ids are never given twice (on SQLite too): saved searches count pages stored after the newest seen.
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        Index(PLACES_INDEX, "id", "document_id", "number"),
        {"sqlite_autoincrement": True},
    )
    # Stored and served as they are; words are stored as JSON and served as dicts.
    LAYOUT_FIELDS = ("number", "width", "height", "rotation", "ocr", "text", "problem")

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    width: Mapped[float]
    height: Mapped[float]
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    ocr: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    # JSON list of [text, x0, y0, x1, y1], in reading order.
    words_json: Mapped[str] = mapped_column(Text, default="[]")
    # JSON list of withholding grounds cited in the text: {"regime", "ground", "rect"}.
    citations_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    # Why the page could not be read ("Page 3 could not be read: ..."); None when it was read.
    problem: Mapped[str | None] = mapped_column(Text)
    # Words of the page's own text outside every redaction and label (None: read before this was counted).
    released_words: Mapped[int | None] = mapped_column(Integer)

    @property
    def words(self) -> list[dict]:
        """The words as dicts with text and box."""
        return [
            {"text": t, "x0": x0, "y0": y0, "x1": x1, "y1": y1} for t, x0, y0, x1, y1 in orjson.loads(self.words_json)
        ]


class Tag(Base):
    """A label in a project's tag set; children nest one level under a parent."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("project_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(7))
    hotkey: Mapped[str | None] = mapped_column(String(1))
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped["Tag | None"] = relationship(remote_side=[id])

    @property
    def full_name(self) -> str:
        """ "Workstream: Supply chains" for a child, the name for a top-level tag."""
        return f"{self.parent.name}: {self.name}" if self.parent else self.name


class AnnotationTag(Base):
    """Which tags an annotation carries."""

    __tablename__ = "annotation_tags"

    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


class Annotation(Base):
    """A tagged passage (text) or area (region) of one page, anchored W3C-style."""

    __tablename__ = "annotations"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # "text" or "region"
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    exact: Mapped[str] = mapped_column(Text, default="")
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    # JSON list of [x0, y0, x1, y1] in PDF points on the unrotated page.
    rects_json: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    ground: Mapped[str | None] = mapped_column(String(60))
    orphaned: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # Seen by its author alone (viewer, search, suggestions, exports, API, clips) when True.
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Made by tagging every hit of a search: undoing the batch deletes it.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("tag_batches.id", ondelete="SET NULL"), index=True)

    tags: Mapped[list[Tag]] = relationship(secondary="annotation_tags", order_by="Tag.position")
    author: Mapped[User | None] = relationship()
    document: Mapped[Document] = relationship()

    __table_args__ = (Index("ix_annotations_document_page", "document_id", "page"),)


class AnnotationChange(Base):
    """One entry of an annotation's history: who changed what, and when."""

    __tablename__ = "annotation_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(16))  # created, updated, deleted, re-anchored, orphaned
    # JSON {field: [before, after]}
    changes_json: Mapped[str] = mapped_column(Text, default="{}")

    user: Mapped[User | None] = relationship()


class RedactionBox(Base):
    """A redaction box found on a page at ingest, with the ground cited beside it."""

    __tablename__ = "redaction_boxes"
    __table_args__ = (
        Index("ix_redaction_boxes_document_page", "document_id", "page"),
        {"sqlite_autoincrement": True},  # an id is never given twice (migration 0020)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    x0: Mapped[float]
    y0: Mapped[float]
    x1: Mapped[float]
    y1: Mapped[float]
    kind: Mapped[str] = mapped_column(String(16))  # vector, image, annotation, or blank (text cut out, a label left)
    ground: Mapped[str | None] = mapped_column(String(60))  # the first its label cites
    # JSON list of the further grounds its label cites ("9(2)(f)(iv), 9(2)(g)(i)": ["9(2)(g)(i)"]).
    more_grounds_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    regime: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(10))  # a keyed code printed on the box, as "23" for [23]
    out_of_scope: Mapped[bool] = mapped_column(default=False, server_default=false())  # not withheld: not asked for
    text_under: Mapped[bool] = mapped_column(default=False)
    # Boxes cut from one shape on a scan (a passage redacted in one ragged shape, cut into its
    # lines) share this number on their page: together they are one redaction.
    shape: Mapped[int | None] = mapped_column(Integer)
    # Shown to the user only on demand: it is what the agency meant to withhold.
    hidden_text: Mapped[str | None] = mapped_column(Text)

    @property
    def rect(self) -> list[float]:
        """[x0, y0, x1, y1] in PDF points on the unrotated page."""
        return [self.x0, self.y0, self.x1, self.y1]

    @property
    def grounds(self) -> list[str]:
        """Every ground its label cites, in the order printed."""
        return cited_grounds(self.ground, self.more_grounds_json)


class TagRule(Base):
    """A keyword rule: phrases (or a regular expression) that propose a tag wherever they match."""

    __tablename__ = "tag_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    # Phrases one per line, or one regular expression when is_regex.
    pattern: Mapped[str] = mapped_column(Text)
    is_regex: Mapped[bool] = mapped_column(default=False)
    # "phrase": propose the words matched; "sentence": propose the sentence around them.
    scope: Mapped[str] = mapped_column(String(10), default="phrase")

    tag: Mapped[Tag] = relationship()


class Suggestion(Base):
    """A proposed annotation from a redaction box or a keyword rule, waiting for a person."""

    __tablename__ = "suggestions"
    __table_args__ = (UniqueConstraint("document_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # "text" or "region"
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    rect_json: Mapped[str | None] = mapped_column(Text)
    # A redaction found as several boxes (one ragged shape): its parts; rect_json is their bounds.
    rects_json: Mapped[str | None] = mapped_column(Text)
    exact: Mapped[str] = mapped_column(Text, default="")
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    ground: Mapped[str | None] = mapped_column(String(60))
    more_grounds_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # as on its box
    regime: Mapped[str | None] = mapped_column(String(100))  # the Act the ground belongs to
    source: Mapped[SuggestionSource] = mapped_column(_states(SuggestionSource, "suggestion_source"))
    # The rule that proposed it; None for boxes, and once the rule is deleted.
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("tag_rules.id", ondelete="SET NULL"), index=True)
    # Same proposal, same fingerprint: a rejected one is not proposed again.
    fingerprint: Mapped[str] = mapped_column(String(200))
    status: Mapped[SuggestionStatus] = mapped_column(
        _states(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.PENDING
    )
    annotation_id: Mapped[int | None] = mapped_column(ForeignKey("annotations.id", ondelete="SET NULL"))
    # Proposed by tagging every hit of a search: undoing the batch withdraws it.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("tag_batches.id", ondelete="SET NULL"), index=True)

    tag: Mapped[Tag] = relationship()

    @property
    def rects(self) -> list[list[float]] | None:
        """A region's rectangles: its parts, or its one rectangle (None for a passage of text)."""
        if self.rects_json:
            return json.loads(self.rects_json)
        return [json.loads(self.rect_json)] if self.rect_json else None

    @property
    def grounds(self) -> list[str]:
        """Every ground its box's label cites, in the order printed."""
        return cited_grounds(self.ground, self.more_grounds_json)

    @property
    def source_label(self) -> str:
        """What proposed it, in words: "redaction box", "leaky redaction box", "blank-space
        redaction" or "rule 12"."""
        if self.source == SuggestionSource.RULE:
            return f"rule {self.rule_id}" if self.rule_id else "a deleted rule"
        return SOURCE_LABELS[self.source]


class SavedSearch(Base):
    """A search kept by name in a project, with the highest page id its author had seen when
    they last looked: pages above it that match are new."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_page_id: Mapped[int] = mapped_column(Integer, default=0)
    # Seen by its author alone when True.
    private: Mapped[bool] = mapped_column(default=False, server_default=false())


class SearchHistory(Base):
    """A search a user ran from the search page (the last few are kept)."""

    __tablename__ = "search_history"
    __table_args__ = (Index("ix_search_history_user_searched", "user_id", "searched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))  # None: all
    query: Mapped[str] = mapped_column(Text)
    searched_at: Mapped[datetime] = mapped_column(default=utcnow)


class TagBatch(Base):
    """Annotations or suggestions made in one action from every hit of a search; undone together."""

    __tablename__ = "tag_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    query: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))  # "annotations" or "suggestions"
    created: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]


class FirstAccount(Base):
    """At most one row: claimed in the transaction that creates the first account through the
    setup page, so that of many simultaneous first sign-ups exactly one succeeds."""

    __tablename__ = "first_account"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportJob(Base):
    """A large JSON-LD import, run in the worker: its progress, then its report."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ImportStatus] = mapped_column(_states(ImportStatus, "import_status"), default=ImportStatus.QUEUED)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)  # annotations placed so far
    # JSON {"created", "unplaced"} once done; the sentence why, when failed.
    report_json: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """One thing someone did, for the record: who, when, what, from which address. The app only
    adds these; the database refuses to change or delete one (triggers made by migration 0012).
    No foreign keys: the record outlives the account, the project and the object."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_project", "project_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer)
    email: Mapped[str | None] = mapped_column(String(254))  # as it was then, or as typed at a failed sign-in
    address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(60))
    project_id: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(200), default="")  # "document 7", "member 4"
    # JSON of what else says what happened: an export's format and filters, a response status.
    details_json: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def details(self) -> dict:
        """details_json as a dict."""
        return json.loads(self.details_json or "{}")
