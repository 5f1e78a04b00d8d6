"""Lists of names: each term of a pasted or uploaded list searched in a project, counted."""

import csv
import io

from sqlalchemy.orm import Session

from app.core.spreadsheet import safe_cell
from app.errors import BadInput
from app.models import Project, User
from app.search.query import fold
from app.search.schemas import MAX_TERMS
from app.search.service import count_matching

OPERATORS = ('"', "*", "~", ":", " OR ", "-")
MAX_FILE_BYTES = 1_000_000


def terms_from_file(content: bytes) -> list[str]:
    """The terms of an uploaded list: one a line, or a CSV's column headed "term" or "name" (or its first)."""
    if len(content) > MAX_FILE_BYTES:
        raise BadInput("A list of names is at most 1 MB; split it, or keep only the column of names.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput("The list must be a text or CSV file in UTF-8.") from error
    rows = list(csv.reader(io.StringIO(text)))
    if not any(len(row) > 1 for row in rows):
        return [line.strip() for line in text.splitlines()]
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(name) for name in ("term", "name", "names", "terms") if name in header), None)
    body = rows[1:] if column is not None else rows
    return [row[column or 0].strip() for row in body if len(row) > (column or 0)]


def count_terms(session: Session, reader: User, project: Project, terms: list[str]) -> list[dict]:
    """For each term (blank lines and repeats dropped, a repeat being the same words in any case
    or accents): the pages and documents that match it. A term of several words with no operator
    is searched as a phrase, as names are."""
    firsts: dict[str, str] = {}
    for term in terms:
        firsts.setdefault(fold(" ".join(term.split())), " ".join(term.split()))
    unique = [term for term in firsts.values() if term]
    if not unique:
        raise BadInput("The list holds no terms: give one a line.")
    if len(unique) > MAX_TERMS:
        raise BadInput(f"A list holds at most {MAX_TERMS:,} terms; this one has {len(unique):,}.")
    counted = []
    for term in unique:
        query = as_query(term)
        pages, documents, _ = count_matching(session, reader, query, project.id)
        counted.append({"term": term, "query": query, "pages": pages, "documents": documents})
    return counted


def as_query(term: str) -> str:
    """The search for a term: as written if it uses the query language, else a phrase of its words."""
    if " " in term and not any(operator in term for operator in OPERATORS):
        return f'"{term}"'
    return term


def terms_csv(counted: list[dict]) -> str:
    """The counts as CSV: term, pages, documents, query."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["term", "pages", "documents", "query"])
    for row in counted:
        writer.writerow([safe_cell(row["term"]), row["pages"], row["documents"], safe_cell(row["query"])])
    return out.getvalue()
