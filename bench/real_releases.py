"""Real New Zealand releases read right, measured on ../shared/corpus/nz.

Every file there goes through the whole ingest pipeline (the worker's code, on a fresh SQLite
database): none may be refused, and no box may be flagged as a bad redaction (every flag ever
raised on these releases was a label or a watermark). The pages hand-labelled in
bench/nz_labels.json are then scored:
  - box recall and precision: a labelled box is found when a box on its page overlaps it with
    IoU >= 0.5; a blank-space redaction when a box on its page contains the point where its label
    is printed;
  - ground accuracy over the labelled boxes that were found: the ground read is one the label
    cites (none where none is printed; out of scope where so marked), keyed codes counted too
    and also apart; and, of the boxes whose label cites a ground, those read with every ground it
    cites and no other;
  - pages withheld in full and pages out of scope, right or wrong;
  - the facts read from each release (proactive release, its key of ground codes).
Accuracy, not speed: the seconds printed are for the record only.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, processed, stored_document, verdict
from sqlalchemy import select

from app.core.rects import iou
from app.ingest.pipeline import process_document
from app.models import Document, RedactionBox
from app.redactions.service import document_redactions

CORPUS = ROOT.parent / "shared" / "corpus" / "nz"
LABELS = json.loads(Path(__file__).with_name("nz_labels.json").read_text())["files"]
TARGET = 0.95


def contains(rect, point) -> bool:
    return rect[0] - 2 <= point[0] <= rect[2] + 2 and rect[1] - 2 <= point[1] <= rect[3] + 2


def read_release(path: Path) -> tuple[dict, dict, float]:
    """(document facts and status, redaction summary, seconds) for one file, through the pipeline."""
    with tempfile.TemporaryDirectory() as folder:
        sessions, document_id, settings = stored_document(path.read_bytes(), Path(folder), PARSE_PROCESSES=2)
        started = time.monotonic()
        process_document(document_id, settings, sessions, render=False)
        seconds = time.monotonic() - started
        processed(sessions, document_id)
        with sessions() as session:
            document = session.get(Document, document_id)
            summary = document_redactions(session, document)
            summary["boxes"] = [
                {**b, "code": box.code}
                for b, box in zip(
                    summary["boxes"],
                    session.scalars(
                        select(RedactionBox)
                        .where(RedactionBox.document_id == document_id)
                        .order_by(RedactionBox.page, RedactionBox.y0, RedactionBox.x0)
                    ),
                    strict=True,
                )
            ]
            return {"status": document.status, "facts": document.facts}, summary, seconds


class Score:
    """Counts over the labelled pages."""

    def __init__(self):
        self.truth = self.found = self.matched_truth = self.matched_found = 0
        self.grounds_right = self.grounds_scored = self.keyed_right = self.keyed_scored = 0
        self.every_ground_right = self.every_ground_scored = 0
        self.withheld_right = self.withheld_wrong = self.scope_right = self.scope_wrong = 0
        self.misses: list[str] = []

    def page(self, name: str, number: int, label: dict, summary: dict) -> None:
        found = [b for b in summary["boxes"] if b["page"] == number]
        self.truth += len(label["boxes"])
        self.found += len(found)
        used = set()
        for truth in label["boxes"]:
            match = self._match(truth, found, used)
            if match is None:
                self.misses.append(f"{name} p{number}: missed {truth}")
                continue
            used.add(id(match))
            self.matched_truth += 1
            self._score_ground(truth, match, f"{name} p{number}")
        self.matched_found += len(used)
        for box in found:
            if id(box) not in used:
                self.misses.append(f"{name} p{number}: extra {box['kind']} box {box['rect']} ground {box['ground']}")
        self._score_page(number, label, summary)

    def _match(self, truth: dict, found: list[dict], used: set) -> dict | None:
        free = [b for b in found if id(b) not in used]
        if "label_at" in truth:
            return next((b for b in free if contains(b["rect"], truth["label_at"])), None)
        best = max(free, key=lambda b: iou(b["rect"], truth["rect"]), default=None)
        return best if best is not None and iou(best["rect"], truth["rect"]) >= 0.5 else None

    def _score_ground(self, truth: dict, box: dict, where: str) -> None:
        if truth.get("out_of_scope"):
            right = box["out_of_scope"] and box["ground"] is None
        else:
            grounds = truth["grounds"]
            right = not box["out_of_scope"] and (box["ground"] in grounds if grounds else box["ground"] is None)
            if grounds:
                self.every_ground_scored += 1
                self.every_ground_right += not box["out_of_scope"] and set(box["grounds"]) == set(grounds)
        self.grounds_scored += 1
        self.grounds_right += right
        if truth.get("code"):
            self.keyed_scored += 1
            self.keyed_right += right and box["code"] == truth["code"]
        if not right:
            self.misses.append(
                f"{where}: box {box['rect']} read {box['ground']!r} (oos {box['out_of_scope']}), labelled {truth}"
            )
        elif truth.get("grounds") and set(box["grounds"]) != set(truth["grounds"]):
            self.misses.append(f"{where}: box {box['rect']} read grounds {box['grounds']}, labelled {truth}")

    def _score_page(self, number: int, label: dict, summary: dict) -> None:
        withheld = number in summary["pages_withheld"]
        out_of_scope = number in summary["pages_out_of_scope"]
        self.withheld_right += withheld == label.get("withheld", False)
        self.withheld_wrong += withheld != label.get("withheld", False)
        self.scope_right += out_of_scope == label.get("out_of_scope", False)
        self.scope_wrong += out_of_scope != label.get("out_of_scope", False)


def main() -> None:
    score, whole = Score(), {"refused": [], "false_flags": 0, "facts_wrong": [], "pages": 0, "seconds": 0.0}
    for path in sorted(CORPUS.glob("*.pdf")):
        try:
            document, summary, took = read_release(path)
        except AssertionError as failure:
            whole["refused"].append(f"{path.name}: {failure}")
            continue
        whole["pages"] += summary["pages"]
        whole["seconds"] += took
        whole["false_flags"] += summary["bad_redactions"]  # none is real: see the module's docstring
        label = LABELS.get(path.name, {"pages": {}})
        for number, page_label in label["pages"].items():
            score.page(path.name, int(number), page_label, summary)
        for fact, value in label.get("facts", {}).items():
            if document["facts"].get(fact) != value:
                whole["facts_wrong"].append(
                    f"{path.name}: {fact} read {document['facts'].get(fact)!r}, labelled {value!r}"
                )
    report(score, whole)


def report(score: Score, whole: dict) -> None:
    recall = score.matched_truth / max(score.truth, 1)
    precision = score.matched_found / max(score.found, 1)
    accuracy = score.grounds_right / max(score.grounds_scored, 1)
    labelled_pages = sum(len(label["pages"]) for label in LABELS.values())
    files = len(list(CORPUS.glob("*.pdf")))
    print(f"real NZ releases ({files} files, {whole['pages']} pages, {whole['seconds']:.1f} s in the pipeline):")
    print(f"  refused: {len(whole['refused'])} {verdict(not whole['refused'])}")
    print(f"  false bad-redaction flags on every page: {whole['false_flags']} {verdict(whole['false_flags'] == 0)}")
    print(f"hand-labelled: {labelled_pages} pages, {score.truth} boxes and blank redactions (bench/nz_labels.json):")
    boxes_ok = verdict(min(recall, precision) >= TARGET)
    print(f"  box recall {recall:.3f}, precision {precision:.3f} (target {TARGET}) {boxes_ok}")
    keyed = f"keyed codes {score.keyed_right}/{score.keyed_scored}"
    print(f"  ground accuracy {accuracy:.3f} (target {TARGET}) {verdict(accuracy >= TARGET)}; {keyed}")
    every = score.every_ground_right / max(score.every_ground_scored, 1)
    print(f"  every ground the label cites, and no other: {every:.3f} of {score.every_ground_scored} labelled boxes")
    withheld = f"{score.withheld_right} right, {score.withheld_wrong} wrong"
    print(f"  pages withheld in full: {withheld} {verdict(not score.withheld_wrong)}")
    print(
        f"  pages out of scope: {score.scope_right} right, {score.scope_wrong} wrong {verdict(not score.scope_wrong)}"
    )
    facts_ok = verdict(not whole["facts_wrong"])
    print(f"  release facts (proactive release, key of codes): {len(whole['facts_wrong'])} wrong {facts_ok}")
    for line in whole["refused"] + score.misses + whole["facts_wrong"]:
        print(f"    {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
