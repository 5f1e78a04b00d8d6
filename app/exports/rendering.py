"""Annotated PDFs and PNG clips, drawn by PyMuPDF in a limited child so that it never loads in
the web process."""

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from app import storage
from app.errors import Conflict
from app.exports.formats import withheld_under
from app.exports.service import Excerpt, clip_name, slug
from app.pdf import PdfRefused
from app.sandbox import Limits, Stopped, run_in_children

MAX_CLIPS = 200  # clips in one story package


def annotated_pdfs(settings: dict, groups: Iterable[tuple[str, list[Excerpt]]]) -> list[tuple[str, bytes]]:
    """(file name, annotated PDF) for each (sha256, excerpts of that document), in that order;
    documents are shared out among PARSE_PROCESSES children."""
    groups = list(groups)
    with _originals(settings, [sha for sha, _ in groups]) as originals:
        jobs = [(str(originals[sha]), _file_name(items[0], "pdf"), _marks(items)) for sha, items in groups]
        order = {name: index for index, (_, name, _) in enumerate(jobs)}
        shares = max(1, min(settings["PARSE_PROCESSES"], len(jobs)))
        drawn = _in_children(_draw_pdfs, [jobs[i::shares] for i in range(shares)], settings)
    return sorted(drawn, key=lambda pair: order[pair[0]])


def clips(settings: dict, items: list[Excerpt]) -> list[tuple[str, bytes]]:
    """(file name, PNG clip) for each excerpt."""
    shown = items[:MAX_CLIPS]
    with _originals(settings, [excerpt.sha256 for excerpt in shown]) as originals:
        jobs = [(str(originals[e.sha256]), clip_name(e), _marks([e])[0], clip_caption(e)) for e in shown]
        return _in_children(_draw_clips, [jobs], settings)


@contextmanager
def _originals(settings: dict, shas: list[str]) -> Iterator[dict[str, Path]]:
    """Each original as a local file while the block runs (an object store's copied out for it)."""
    files = storage.files(settings)
    with ExitStack() as stack:
        yield {sha: stack.enter_context(files.local(storage.original_key(sha))) for sha in set(shas)}


def clip_caption(excerpt: Excerpt) -> str:
    """Title, page and agency, on one line."""
    return " · ".join(part for part in (excerpt.title, f"p. {excerpt.page}", excerpt.agency) if part)


def _in_children(task, shares: list[list], settings: dict) -> list[tuple[str, bytes]]:
    shares = [share for share in shares if share]
    if not shares:
        return []
    limits = Limits.from_settings(settings)
    try:
        return list(run_in_children(task, shares, limits, (PdfRefused,)))
    except Stopped as refused:
        raise Conflict(f"The export could not be drawn: {refused}") from None


def _marks(items: list[Excerpt]) -> list[tuple]:
    """Plain tuples (they cross a pipe): page, kind, rects, colour, content, author, rotation."""
    return [
        (
            e.page,
            e.kind,
            e.rects,
            e.colours[0] if e.colours else "#f4d03f",
            _content(e),
            e.author or "",
            e.rotation,
        )
        for e in items
        if e.rects
    ]


def _content(excerpt: Excerpt) -> str:
    lines = [", ".join(excerpt.tags)]
    if excerpt.ground:
        said = withheld_under(excerpt)
        lines.append(said[0].upper() + said[1:])
    if excerpt.note:
        lines.append(excerpt.note)
    return "\n".join(line for line in lines if line)


def _file_name(excerpt: Excerpt, extension: str) -> str:
    return f"{slug(excerpt.title)}-{excerpt.sha256[:8]}.{extension}"


def _draw_pdfs(jobs):
    from app.pdf.annotated import Mark, annotated_pdf

    for original, name, marks in jobs:
        yield name, annotated_pdf(original, [Mark(*m) for m in marks])


def _draw_clips(jobs):
    from app.pdf.annotated import Mark, clip_png

    for original, name, mark, caption in jobs:
        yield name, clip_png(original, Mark(*mark), caption)
