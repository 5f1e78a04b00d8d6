"""Excerpts written out as CSV, Markdown, W3C Web Annotation JSON-LD and Word. Pure: excerpts in,
text chunks (or bytes) out, so that a large export streams."""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from app.core.rects import bounds
from app.core.spreadsheet import safe_cell
from app.exports.service import Excerpt

CSV_COLUMNS = [
    "document",
    "title",
    "agency",
    "reference",
    "page",
    "tags",
    "ground",
    "quote",
    "note",
    "author",
    "created",
    "updated",
    "link",
    "ground meaning",
    "kind",
    "annotation",
    "release",
    "place",
]
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
OIA_CONTEXT = {"oia": "https://github.com/oia-desk/oia-desk/ns#", "sha256": "oia:sha256", "rects": "oia:rects"}
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"


def annotation_link(base_url: str, excerpt: Excerpt) -> str:
    """Where an annotation opens in the app."""
    return f"{base_url}documents/{excerpt.document_id}#annotation-{excerpt.id}"


# CSV


def csv_chunks(items: Iterable[Excerpt], base_url: str) -> Iterator[str]:
    """One row per annotation; UTF-8 with a BOM so Excel shows macrons; formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for excerpt in items:
        writer.writerow([safe_cell(value) for value in _csv_row(excerpt, base_url)])
        yield _drain(buffer)


def _csv_row(excerpt: Excerpt, base_url: str) -> list:
    return [
        excerpt.document_id,
        excerpt.title,
        excerpt.agency or "",
        excerpt.reference or "",
        excerpt.page,
        "; ".join(excerpt.tags),
        excerpt.ground or "",
        excerpt.exact,
        excerpt.note,
        excerpt.author or "",
        excerpt.created,
        excerpt.updated,
        annotation_link(base_url, excerpt),
        "; ".join(about["meaning"] for about in excerpt.ground_meanings),
        excerpt.kind,
        excerpt.id,
        excerpt.release,
        excerpt.place,
    ]


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# Markdown


def markdown_chunks(items: Iterable[Excerpt], heading: str, base_url: str) -> Iterator[str]:
    """Per document a heading with its citation, then each excerpt as a block quote with its page."""
    yield f"# {markdown_text(heading)}\n"
    current = None
    for excerpt in items:
        if excerpt.document_id != current:
            current = excerpt.document_id
            yield f"\n## {markdown_text(one_line(excerpt.title))}\n\n{markdown_text(citation(excerpt))}\n"
        yield "\n" + markdown_excerpt(excerpt, base_url)


def markdown_excerpt(excerpt: Excerpt, base_url: str) -> str:
    """One excerpt: the quote, then page, tags, ground with its meaning, and the note."""
    quote = shown_quote(excerpt)
    lines = [f"> {markdown_text(line)}" if line.strip() else ">" for line in quote.splitlines() or [quote]]
    facts = [excerpt.place]
    if excerpt.tags:
        facts.append("tags: " + ", ".join(markdown_text(t) for t in excerpt.tags))
    if excerpt.ground:
        facts.append(markdown_text(withheld_under(excerpt)))
    lines.append(f"\n— {' · '.join(facts)} · [open]({annotation_link(base_url, excerpt)})")
    if excerpt.note:
        note = [markdown_text(line) for line in excerpt.note.splitlines()]
        lines.append("\nNote: " + "  \n".join(note))
    return "\n".join(lines) + "\n"


def withheld_under(excerpt: Excerpt) -> str:
    """ "withheld under s 9(2)(f)(iv) (meaning) and s 9(2)(g)(i) (meaning)": each ground the
    excerpt names with what it means; a ground typed that the catalogue does not know, as typed."""
    if not excerpt.ground_meanings:
        return f"withheld under s {excerpt.ground}"
    named = [f"s {about['ground']} ({about['meaning']})" for about in excerpt.ground_meanings]
    return "withheld under " + " and ".join(named)


def shown_quote(excerpt: Excerpt) -> str:
    """The excerpt's quote, or what stands in for a region that quotes nothing."""
    return excerpt.exact or (f"[withheld: {excerpt.withheld_as}]" if excerpt.ground else "[an area of the page]")


def citation(excerpt: Excerpt) -> str:
    """Title, agency, OIA reference, date released, how it was released and source, as a story
    would cite them."""
    parts = [f"“{one_line(excerpt.title)}”"]
    parts += [excerpt.agency] if excerpt.agency else []
    parts += [f"OIA reference {excerpt.reference}"] if excerpt.reference else []
    parts += [f"released {excerpt.released.isoformat()}"] if excerpt.released else []
    parts += [excerpt.release] if excerpt.release else []
    parts += ["grounds of its coded boxes read from the key it prints"] if excerpt.keyed else []
    parts += [excerpt.source_url] if excerpt.source_url else []
    return ", ".join(parts) + "."


def one_line(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def markdown_text(text: str) -> str:
    """Text that Markdown shows as written: characters that format anywhere escaped, markers that
    start a heading or list escaped at a line's start, HTML neutralised; "9(2)(a)" stays readable."""
    text = re.sub(r"([\\`*_\[\]|~])", r"\\\1", text.replace("\r", ""))
    text = re.sub(r"^(\s*)([#>+-]|\d+\.)(?=\s|$)", r"\1\\\2", text, flags=re.MULTILINE)
    return text.replace("<", "&lt;")


# JSON-LD (W3C Web Annotation Data Model)


def jsonld_chunks(items: Iterable[Excerpt], collection: dict, total: int, base_url: str) -> Iterator[str]:
    """An AnnotationCollection whose first page holds every Annotation, written as it is read."""
    head = {
        "@context": [ANNO_CONTEXT, OIA_CONTEXT],
        **collection,
        "type": "AnnotationCollection",
        "total": total,
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2]  # leave the object open
    yield opening + ',\n "first": {"type": "AnnotationPage", "startIndex": 0, "items": [\n'
    for index, excerpt in enumerate(items):
        yield ("" if index == 0 else ",\n") + json.dumps(web_annotation(excerpt, base_url), ensure_ascii=False)
    yield "\n]}\n}\n"


def web_annotation(excerpt: Excerpt, base_url: str) -> dict:
    """One annotation in the W3C model: tags as tagging bodies, the note as a commenting body."""
    bodies = [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in excerpt.tags]
    if excerpt.ground:
        bodies.append({"type": "TextualBody", "purpose": "classifying", "value": excerpt.ground})
    if excerpt.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": excerpt.note, "format": "text/plain"})
    selectors = []
    if excerpt.kind == "text":
        selectors.append(
            {"type": "TextQuoteSelector", "exact": excerpt.exact, "prefix": excerpt.prefix, "suffix": excerpt.suffix}
        )
        selectors.append(
            {
                "type": "FragmentSelector",
                "conformsTo": PDF_FRAGMENT,
                "value": f"page={excerpt.page}",
                "refinedBy": {"type": "TextPositionSelector", "start": excerpt.start, "end": excerpt.end},
            }
        )
    selectors.append({"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": _page_fragment(excerpt)})
    annotation = {
        "id": annotation_link(base_url, excerpt),
        "type": "Annotation",
        "motivation": "highlighting" if excerpt.kind == "text" else "tagging",
        "created": excerpt.created,
        "modified": excerpt.updated,
        "body": bodies,
        "target": {
            "source": f"{base_url}documents/{excerpt.document_id}",
            "sha256": excerpt.sha256,
            "rects": excerpt.rects,
            "selector": selectors,
        },
    }
    if excerpt.author:
        annotation["creator"] = {"type": "Person", "nick": excerpt.author}
    return annotation


def _page_fragment(excerpt: Excerpt) -> str:
    """RFC 3778: page=N&viewrect=left,top,width,height in points around every rectangle."""
    if not excerpt.rects:
        return f"page={excerpt.page}"
    x0, y0, x1, y1 = bounds(excerpt.rects)
    return f"page={excerpt.page}&viewrect={x0:g},{y0:g},{x1 - x0:g},{y1 - y0:g}"


# Word


def docx_bytes(items: Iterable[Excerpt], heading: str) -> bytes:
    """The Markdown export's content as a Word document, quotes in Word's Quote style."""
    from docx import Document as WordDocument  # loaded only for Word exports

    word = WordDocument()
    word.add_heading(xml_safe(heading), level=0)
    current = None
    for excerpt in items:
        if excerpt.document_id != current:
            current = excerpt.document_id
            word.add_heading(xml_safe(one_line(excerpt.title)), level=1)
            word.add_paragraph(xml_safe(citation(excerpt)))
        word.add_paragraph(xml_safe(shown_quote(excerpt)), style="Quote")
        facts = [excerpt.place]
        facts += ["tags: " + ", ".join(excerpt.tags)] if excerpt.tags else []
        if excerpt.ground:
            facts.append(withheld_under(excerpt))
        word.add_paragraph(xml_safe(" · ".join(facts)))
        if excerpt.note:
            word.add_paragraph(xml_safe(f"Note: {excerpt.note}"))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def xml_safe(text: str) -> str:
    """Text without the control characters XML (and so Word) cannot hold."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
