"""The differences between two releases as Markdown, to paste into a story or a complaint."""

from app.exports.formats import markdown_text
from app.models import Document


def comparison_markdown(first: Document, second: Document, compared: dict) -> str:
    """Released now, withheld now, grounds changed, pages added and removed, each with its pages."""
    names = f"“{markdown_text(first.title)}” and “{markdown_text(second.title)}”"
    out = [f"# Compared: {names}\n", f"{len(compared['pages'])} pages matched by their text.\n"]
    sections = [
        ("Released now (withheld before)", compared["released_now"], "withheld before"),
        ("Withheld now (released before)", compared["withheld_now"], "withheld now"),
    ]
    for heading, runs, said in sections:
        out.append(f"\n## {heading}\n")
        for run in runs or []:
            ground = f" under s {markdown_text(run['ground'])}" if run["ground"] else ""
            pages = f"first p. {run['page_a']}, second p. {run['page_b']}"
            out.append(f"\n> {markdown_text(run['text'])}\n\n— {pages}, {said}{ground}\n")
        if not runs:
            out.append("\nNone found.\n")
    out.append("\n## Ground changed\n")
    for change in compared["ground_changes"] or []:
        before, after = change["ground_a"] or "no ground", change["ground_b"] or "no ground"
        out.append(f"\n- first p. {change['page_a']}, second p. {change['page_b']}: s {before} → s {after}\n")
    if not compared["ground_changes"]:
        out.append("\nNone found.\n")
    added, removed = compared["pages_added"], compared["pages_removed"]
    out.append("\n## Pages\n\n")
    out.append(f"Added in the second: {', '.join(map(str, added)) or 'none'}. ")
    out.append(f"Not in the second: {', '.join(map(str, removed)) or 'none'}.\n")
    return "".join(out)
