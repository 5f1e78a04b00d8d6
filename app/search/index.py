"""The full-text index behind search: one interface, two engines.

SQLite: FTS5 tables over pages.text and annotations.note (unicode61, diacritics removed), kept
in step by triggers, so a page is searchable the moment the worker stores it and a note the
moment it is saved, in the same transaction. PostgreSQL: tsvectors of the same text, folded by
`oia_fold` (unaccent, lower case, every run of non-letters a space: words split where FTS5
splits them) and indexed with GIN: the notes' a generated column of annotations, the pages' in a
narrow table, page_vectors, that a trigger on pages keeps in step (reading a third of 100,000
pages' wide rows to find them took 0.4 s). Migrations 0008 and 0014 build them.

Expressions are built here from a parsed Query only: every word is folded letters and digits,
quoted as the engine quotes, and passed as a bound parameter; nothing typed reaches SQL or a
MATCH expression as it was typed.
"""

from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import Float, Integer, TextClause, bindparam, cast, column, func, select, table, text
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from app.access import visible_annotations
from app.models import Annotation, Page, User
from app.search.query import Clause, Term

# Objects of the index that the models do not map (the models-and-migrations check skips them).
INDEX_TABLES = ("page_search", "note_search", "search_words", "page_vectors")
INDEX_COLUMNS = ("search_vector", "note_vector")
FUZZY_LIMIT = 20  # words of the index a fuzzy word stands for, at most

Fuzzy = Mapping[str, list[str]]  # a fuzzy word -> the words of the index it stands for (near_words)
# The SQLite FTS5 indexes: (index table, indexed table, indexed column).
SQLITE_INDEXES = [("page_search", "pages", "text"), ("note_search", "annotations", "note")]


def sqlite_triggers(table: str) -> list[str]:
    """The statements creating the triggers that keep a table's FTS5 index in step with it; a
    migration that rebuilds the table (batch mode drops its triggers) runs them again."""
    statements = []
    for index, indexed, field in SQLITE_INDEXES:
        if indexed != table:
            continue
        # Names from SQLITE_INDEXES only, never input.
        add = f"INSERT INTO {index}(rowid, {field}) VALUES (new.id, new.{field});"  # noqa: S608
        remove = f"INSERT INTO {index}({index}, rowid, {field}) VALUES ('delete', old.id, old.{field});"  # noqa: S608
        statements += [
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END",
            f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
            f"CREATE TRIGGER {index}_update AFTER UPDATE OF {field} ON {table} BEGIN {remove} {add} END",
        ]
    return statements


def include_object(_object, name: str | None, _kind: str, _reflected: bool, _compare_to) -> bool:
    """Alembic's filter: whether to compare an object with the models (the index's own tables,
    columns and indexes are the migration's, not the models')."""
    return not (name and any(part in name for part in INDEX_TABLES + INDEX_COLUMNS))


def engine_of(session: Session) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def hits(
    session: Session,
    reader: User,
    clauses: list[Clause],
    fuzzy: Fuzzy,
    notes: bool,
    name: str = "hits",
    scored: bool = True,
):
    """A subquery of (page_id, score) for pages whose text (or, with notes, a live note on them
    the reader sees) matches every clause (fuzzy: each fuzzy word's words of the index, from
    near_words); the score is the index's own ranking, or, unscored, 0 for every page. Placed
    hits (hits_are_placed) carry each page's document_id and number too."""
    expression = compile_clauses(session, clauses, fuzzy)
    if notes:
        return _note_hits(session, reader, expression, name)
    if engine_of(session) == "postgresql":
        score = "ts_rank_cd(v.search_vector, q)" if scored else "0.0"
        sql = (
            f"SELECT v.page_id, v.document_id, v.number, {score} AS score "  # noqa: S608 (one of two constants)
            "FROM page_vectors AS v, CAST(:expression AS tsquery) AS q WHERE v.search_vector @@ q"
        )
        hits = _bound(sql, expression).columns(page_id=Integer, document_id=Integer, number=Integer, score=Float)
        return hits.subquery(name)
    score = "-rank" if scored else "0.0"
    sql = f"SELECT rowid AS page_id, {score} AS score FROM page_search WHERE page_search MATCH :expression"  # noqa: S608
    return _bound(sql, expression).columns(page_id=Integer, score=Float).subquery(name)


def hits_are_placed(session: Session, notes: bool) -> bool:
    """Whether hits() carries each page's place (document_id, number) beside its id: PostgreSQL's
    page hits do (page_vectors keeps them), so a search need not join the pages to place them."""
    return engine_of(session) == "postgresql" and not notes


def ranks_as_read(session: Session) -> bool:
    """Whether the engine ranks hits cheaply as it reads them in the index's order (SQLite's FTS5
    does); PostgreSQL reads each page's vector out of line to rank it, so it ranks only the pages
    already chosen, with rank_of."""
    return engine_of(session) == "sqlite"


_VECTORS = table("page_vectors", column("page_id"), column("search_vector"))


def rank_of(session: Session, page_id, clauses: list[Clause], fuzzy: Fuzzy):
    """PostgreSQL: the rank, for the clauses, of the page whose id is page_id (a column)."""
    expression = compile_clauses(session, clauses, fuzzy)
    vector = select(_VECTORS.c.search_vector).where(_VECTORS.c.page_id == page_id).scalar_subquery()
    return func.ts_rank_cd(vector, cast(bindparam("expression", expression, unique=True), TSQUERY))


def _bound(sql: str, expression: str) -> TextClause:
    """sql with its :expression bound uniquely: a search may hold two (hits, and pages to leave out)."""
    return text(sql).bindparams(bindparam("expression", expression, unique=True))


def _note_hits(session: Session, reader: User, expression: str, name: str):
    """(page_id, score) of pages holding a live annotation the reader sees whose note matches."""
    if engine_of(session) == "postgresql":
        matched = (
            "SELECT annotations.id AS annotation_id, ts_rank_cd(annotations.note_vector, q) AS score "
            "FROM annotations, CAST(:expression AS tsquery) AS q WHERE annotations.note_vector @@ q"
        )
    else:
        matched = "SELECT rowid AS annotation_id, -rank AS score FROM note_search WHERE note_search MATCH :expression"
    notes = _bound(matched, expression).columns(annotation_id=Integer, score=Float).subquery(f"{name}_notes")
    best = func.max(notes.c.score).label("score")
    return (
        select(Page.id.label("page_id"), best)
        .join(Annotation, (Annotation.document_id == Page.document_id) & (Annotation.page == Page.number))
        .join(notes, notes.c.annotation_id == Annotation.id)
        .where(visible_annotations(reader))
        .group_by(Page.id)
        .subquery(name)
    )


def excluded_pages(session: Session, reader: User, clauses: list[Clause], fuzzy: Fuzzy, notes: bool):
    """A select of the ids of pages that match any of the clauses (to leave out)."""
    either = [Clause(tuple(term for clause in clauses for term in clause.options))]
    subquery = hits(session, reader, either, fuzzy, notes, name="excluded")
    return select(subquery.c.page_id)


def compile_clauses(session: Session, clauses: list[Clause], fuzzy: Fuzzy) -> str:
    """The engine's expression for pages matching every clause."""
    engine = engine_of(session)
    joiner = " & " if engine == "postgresql" else " AND "
    return joiner.join(_clause(clause, engine, fuzzy) for clause in clauses)


def _clause(clause: Clause, engine: str, fuzzy: Fuzzy) -> str:
    joiner = " | " if engine == "postgresql" else " OR "
    options = [_term(term, engine, fuzzy) for term in clause.options]
    return options[0] if len(options) == 1 else "(" + joiner.join(options) + ")"


def _term(term: Term, engine: str, fuzzy: Fuzzy) -> str:
    if engine == "postgresql":
        return _tsquery_term(term, fuzzy)
    return _fts5_term(term, fuzzy)


def _fts5_term(term: Term, fuzzy: Fuzzy) -> str:
    """FTS5: "word", "a b" (a phrase), "a b" * (its last word a prefix), NEAR("a" "b", 5)."""
    if term.near is not None:
        return "NEAR(" + " ".join(_fts5_quoted(w) for w in term.words) + f", {term.near})"
    if term.fuzzy:
        return "(" + " OR ".join(_fts5_quoted(w) for w in fuzzy[term.words[0]]) + ")"
    return _fts5_quoted(" ".join(term.words)) + (" *" if term.prefix else "")


def _fts5_quoted(words: str) -> str:
    return '"' + words.replace('"', '""') + '"'


def _tsquery_term(term: Term, fuzzy: Fuzzy) -> str:
    """tsquery: 'word', 'a' <-> 'b' (a phrase), 'b':* (a prefix); near as the pair's every distance."""
    quoted = [_ts_quoted(w) for w in term.words]
    if term.prefix:
        quoted[-1] += ":*"
    if term.fuzzy:
        return "(" + " | ".join(_ts_quoted(w) for w in fuzzy[term.words[0]]) + ")"
    if term.near is not None:
        return "(" + " | ".join(_within(quoted, term.near)) + ")"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


def _within(quoted: list[str], near: int) -> list[str]:
    """Every way the words may stand within `near` words of each other, in either order (tsquery
    has distances, not windows: FTS5's NEAR is matched exactly for two words, and pairwise for
    more)."""
    pairs = [(a, b) for i, a in enumerate(quoted) for b in quoted[i + 1 :]]
    ways = []
    for a, b in pairs:
        apart = [f"{x} <{d}> {y}" for d in range(1, near + 2) for x, y in ((a, b), (b, a))]
        ways.append("(" + " | ".join(apart) + ")")
    return [" & ".join(ways)]


def _ts_quoted(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def near_words(session: Session, word: str) -> list[str]:
    """The words of the index a fuzzy word stands for: itself, and up to FUZZY_LIMIT words within
    one edit (words of up to five letters) or two (longer), closest first."""
    edits = 1 if len(word) <= 5 else 2
    if engine_of(session) == "postgresql":
        found = _near_words_postgresql(session, word, edits)
    else:
        found = _near_words(session, word, edits)
    return [word, *(w for w in found if w != word)]


def _near_words_postgresql(session: Session, word: str, edits: int) -> list[str]:
    sql = (
        "SELECT word FROM search_words WHERE length(word) BETWEEN :shortest AND :longest "
        "AND levenshtein_less_equal(word, :word, :edits) <= :edits "
        "ORDER BY levenshtein_less_equal(word, :word, :edits), word LIMIT :limit"
    )
    bounds = {"shortest": len(word) - edits, "longest": len(word) + edits}
    return list(session.scalars(text(sql), {"word": word, "edits": edits, "limit": FUZZY_LIMIT, **bounds}))


def _near_words(session: Session, word: str, edits: int) -> list[str]:
    near = process.extract(word, _vocabulary(session), scorer=Levenshtein.distance, score_cutoff=edits, limit=None)
    return [w for w, _, _ in sorted(near, key=lambda match: (match[1], match[0]))[:FUZZY_LIMIT]]


# The words of each SQLite index, read once for as long as the pages stay as they were (FTS5's
# vocabulary table counts every word's pages as it is read: seconds on 100,000 pages).
_vocabularies: dict[str, tuple[tuple, list[str]]] = {}


def _vocabulary(session: Session) -> list[str]:
    """Every word of the SQLite page index."""
    stamp = tuple(session.execute(text("SELECT max(id), count(*) FROM pages")).one())
    where = str(session.get_bind().url)
    cached = _vocabularies.get(where)
    if cached is None or cached[0] != stamp:
        cached = (stamp, list(session.scalars(text("SELECT term FROM search_words"))))
        _vocabularies[where] = cached
    return cached[1]
