"""A draft complaint to the Ombudsman about one release, assembled from what OIA Desk read in it:
the request and its dates, lateness, each thing withheld with its ground and what the ground
means, the public-interest question for each section 9 ground, and room for the journalist's own
argument. A draft for a person to check and edit, and it says so.

The draft is a list of blocks (kind, text) written out as Markdown or as Word."""

import io
from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from app.core.bundles import place_of
from app.core.grounds import explain
from app.models import Document
from app.redactions.presenters import redaction_of
from app.redactions.service import document_redactions
from app.releases.service import release_json
from app.web import long_date

Block = tuple[str, str]  # ("title" | "heading" | "subheading" | "paragraph" | "item" | "draft-note", text)
OMBUDSMAN = "the Office of the Ombudsman (ombudsman.parliament.nz)"
YOUR_WORDS = "[Your argument: "


def complaint_blocks(session: Session, document: Document, jurisdiction: str, today: date) -> list[Block]:
    """The draft, block by block."""
    release = release_json(session, document)
    redactions = document_redactions(session, document)
    agency = release["agency"] or "[the agency]"
    blocks: list[Block] = [
        ("title", "Draft complaint to the Ombudsman"),
        (
            "draft-note",
            "DRAFT for you to edit before you send it. OIA Desk put it together from the release; check "
            "every fact against the letter and the documents, and write your own argument where marked.",
        ),  # fmt: skip
        ("paragraph", f"To {OMBUDSMAN}."),
        (
            "paragraph",
            f"I ask the Ombudsman to investigate and review {agency}'s decision on my request under the "
            f"Official Information Act 1982{_reference(release)}.",
        ),  # fmt: skip
    ]
    blocks += _request(release, agency)
    withheld = _withheld(release, redactions, jurisdiction)
    blocks += withheld or [
        ("paragraph", "OIA Desk found nothing withheld in this release; say what you believe is missing.")
    ]
    blocks += _grounds(release, redactions, jurisdiction)
    blocks += [
        ("heading", "What I ask"),
        (
            "paragraph",
            f"{YOUR_WORDS}what you ask the Ombudsman to do, for example to recommend that {agency} "
            "release the information withheld, or explain its delay.]",
        ),  # fmt: skip
        (
            "paragraph",
            f"Drafted with OIA Desk on {today:%-d %B %Y} from “{document.title}”"
            + (f", its letter read from page {release['letter_page']}." if release["letter_page"] else "."),
        ),  # fmt: skip
    ]
    return blocks


def _reference(release: dict) -> str:
    return f" (reference {release['reference']})" if release["reference"] else ""


def _request(release: dict, agency: str) -> list[Block]:
    """The request, its dates, and lateness."""
    blocks: list[Block] = [("heading", "The request")]
    received = _day(release["request_date"]) or "[the date it received your request]"
    answered = _day(release["response_date"]) or "[the date of its response]"
    blocks.append(("item", f"{agency} received my request on {received}."))
    blocks.append(("item", f"It responded on {answered}."))
    if release["working_days"] is not None:
        limit = f"{release['limit']} working days"
        extension = release["extension"]
        if extension:
            limit += " (20 under section 15(1), extended under section 15A)"
        taken = f"That is {release['working_days']} working days after it received the request; the limit was {limit}"
        blocks.append(("item", f"{taken}, so the response was due by {_day(release['due_date'])}."))
    if release["late"]:
        over = release["working_days"] - release["limit"]
        blocks.append(("paragraph", f"The response was late by {over} working day{'s' if over != 1 else ''}. "
                                    "Section 28(4) of the Act lets undue delay be treated as a refusal. "
                                    f"{YOUR_WORDS}whether the delay itself is part of your complaint.]"))  # fmt: skip
    if release["transferred"]:
        blocks.append(("item", "Part of the request was transferred to another agency under section 14."))
    return blocks


def _withheld(release: dict, redactions: dict, jurisdiction: str) -> list[Block]:
    """Each document withheld in full, and the redactions in what was released, with their grounds."""
    blocks: list[Block] = []
    whole = [row for row in release["schedule"] if row["decision"] == "withheld in full"]
    if whole:
        blocks.append(("heading", f"Documents withheld in full ({len(whole)} of {len(release['schedule'])} listed)"))
        for row in whole:
            name = f"Document {row['number']}" if row["number"] else "A document"
            dated = f" ({_day(row['date'])})" if row["date"] else ""
            blocks.append(
                (
                    "item",
                    f"{name}, “{row['title']}”{dated}: withheld under {_grounds_said(row['grounds'], jurisdiction)}.",
                )
            )
    pages, parts = defaultdict(set), defaultdict(set)  # by the grounds cited together: the pages, and the redactions
    for box in redactions["boxes"]:
        if not box["out_of_scope"]:
            pages[tuple(box["grounds"])].add(box["page"])
            parts[tuple(box["grounds"])].add(redaction_of(box["id"], box["page"], box["shape"]))
    if pages:
        count = redactions["redaction_count"]
        blocks.append(("heading", f"Information withheld from the released pages ({count} redactions)"))
        for grounds, numbers in sorted(pages.items(), key=lambda item: (not item[0], item[0])):
            shown = ", ".join(place_of(page, release["schedule"]) for page in sorted(numbers))
            counted = f"{len(parts[grounds])} redaction{'s' if len(parts[grounds]) != 1 else ''}"
            under = "with no ground printed beside it"
            if grounds:
                under = f"under {_grounds_said(list(grounds), jurisdiction)}"
            blocks.append(("item", f"{counted} {under}: {shown}."))
    if redactions["pages_withheld"]:
        shown = ", ".join(place_of(page, release["schedule"]) for page in redactions["pages_withheld"])
        blocks.append(("item", f"Pages withheld in full: {shown}."))
    return blocks


def _grounds(release: dict, redactions: dict, jurisdiction: str) -> list[Block]:
    """For each ground relied on: what it means, and the question to put."""
    cited = list(release["grounds"])
    cited += [g for row in release["schedule"] for g in row["grounds"] if row["decision"] != "released"]
    cited += [ground for box in redactions["boxes"] if not box["out_of_scope"] for ground in box["grounds"]]
    grounds = list(dict.fromkeys(cited))
    if not grounds:
        return []
    blocks: list[Block] = [("heading", "The grounds relied on")]
    for ground in grounds:
        about = explain(ground, jurisdiction)
        blocks.append(("subheading", f"Section {ground}" + (f": {about['meaning']}" if about else "")))
        blocks.append(("paragraph", _question(ground)))
    return blocks


def _question(ground: str) -> str:
    """What to ask of a ground: the public-interest test for section 9, and otherwise whether the
    ground applies at all."""
    if ground.startswith("9("):
        return (
            "Section 9(1) allows information to be withheld under section 9(2) only if the reason for withholding "
            "it is not outweighed by the public interest in making it available. Did the agency weigh that public "
            f"interest, and how? {YOUR_WORDS}why the public interest in this information outweighs the reason given.]"
        )
    if ground.startswith("6("):
        return (
            "Section 6 reasons are conclusive: no public-interest test applies, but the prejudice must be likely. "
            f"{YOUR_WORDS}why releasing this information would not be likely to cause that prejudice.]"
        )
    if ground.startswith("18("):
        return f"A refusal under section 18 must meet its terms. {YOUR_WORDS}why the refusal does not apply.]"
    return f"{YOUR_WORDS}why this ground does not justify withholding the information.]"


def _grounds_said(grounds: list[str], jurisdiction: str) -> str:
    if not grounds:
        return "no ground given [ask the agency which ground it relied on]"
    said = []
    for ground in grounds:
        about = explain(ground, jurisdiction)
        said.append(f"s {ground}" + (f" ({about['meaning']})" if about else ""))
    return " and ".join(said)


def _day(iso: str | None) -> str | None:
    return long_date(iso) if iso else None


def complaint_markdown(blocks: list[Block], escape) -> str:
    """The draft as Markdown, a blank line between blocks but not between the items of a list;
    escape makes read text (titles, grounds' meanings) show as written."""
    marks = {"title": "# ", "heading": "## ", "subheading": "### ", "item": "- ", "draft-note": "> **"}
    out, previous = [], None
    for kind, text in blocks:
        if previous is not None:
            out.append("\n" if kind == previous == "item" else "\n\n")
        out.append(f"{marks.get(kind, '')}{escape(text)}" + ("**" if kind == "draft-note" else ""))
        previous = kind
    return "".join(out) + "\n"


def complaint_docx(blocks: list[Block], xml_safe) -> bytes:
    """The draft as a Word document."""
    from docx import Document as WordDocument  # loaded only for Word exports

    word = WordDocument()
    for kind, text in blocks:
        text = xml_safe(text)
        if kind == "title":
            word.add_heading(text, level=0)
        elif kind in ("heading", "subheading"):
            word.add_heading(text, level=1 if kind == "heading" else 2)
        elif kind == "item":
            word.add_paragraph(text, style="List Bullet")
        else:
            paragraph = word.add_paragraph()
            paragraph.add_run(text).bold = kind == "draft-note"
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
