// The sidebar's list of annotations: one item each, moved through with the arrow keys.
import { el } from "./api.js";

/** An annotation in one sentence, for screen readers and announcements. */
export function describe(annotation) {
  const what = annotation.kind === "region" ? "Box" : "Passage";
  const quote = annotation.exact ? ` “${annotation.exact.slice(0, 200)}”` : "";
  const meaning = annotation.ground_meaning ? `, ${annotation.ground_meaning.meaning}` : "";
  const ground = annotation.ground ? ` Ground ${annotation.ground}${meaning}.` : "";
  const note = annotation.note ? ` Note: ${annotation.note.slice(0, 200)}` : "";
  const orphan = annotation.orphaned ? " Could not be placed after re-processing." : "";
  return `${annotation.tags.join(", ") || "Untagged"}. ${what} on page ${annotation.page}.${quote}${ground}${note}${orphan}`;
}

/** The list of annotations in `list`: flash(annotation) on click or Enter, edit(annotation,
 * returnFocus) on its Edit button, e or F2; find(id) looks an annotation up. */
export function createSidebar(list, { flash, edit, find, readOnly }) {
  list.addEventListener("keydown", (event) => {
    const item = event.target.closest(".annotation-item");
    if (!item) return;
    const items = [...list.querySelectorAll(".annotation-item")];
    const index = items.indexOf(item);
    const annotation = find(item.dataset.id);
    let next = null;
    if (event.key === "ArrowDown") next = items[index + 1];
    else if (event.key === "ArrowUp") next = items[index - 1];
    else if (event.key === "Home") next = items[0];
    else if (event.key === "End") next = items[items.length - 1];
    else if (event.key === "Enter") flash(annotation);
    else if (event.key === "e" || event.key === "F2") edit(annotation, item);
    else return;
    event.preventDefault();
    if (next) {
      items.forEach((i) => i.setAttribute("tabindex", "-1"));
      next.setAttribute("tabindex", "0");
      next.focus();
    }
  });

  function item(annotation, index) {
    const entry = el("li", {
      class: `annotation-item${annotation.orphaned ? " orphaned" : ""}`,
      tabindex: index === 0 ? "0" : "-1",
      "data-id": annotation.id,
      "aria-label": describe(annotation),
    });
    const chips = el("div", { class: "chips" });
    annotation.tags.forEach((name, i) => {
      const chip = el("span", { class: "chip" }, name);
      chip.style.setProperty("--colour", annotation.colours[i]);
      chips.append(chip);
    });
    if (annotation.ground) chips.append(el("span", { class: "ground" }, annotation.ground));
    entry.append(chips);
    const about = annotation.ground_meaning;
    if (about) entry.append(el("p", { class: "ground-meaning", title: about.statute }, `${about.ground}: ${about.meaning}`));
    if (annotation.exact) entry.append(el("q", { class: "quote" }, annotation.exact.slice(0, 300)));
    if (annotation.note) entry.append(el("p", { class: "note" }, annotation.note));
    entry.append(footer(annotation));
    entry.addEventListener("click", () => flash(annotation));
    return entry;
  }

  function footer(annotation) {
    const meta = [`p. ${annotation.page}`, annotation.kind === "region" ? "box" : null, annotation.author];
    const line = el("div", { class: "meta" }, meta.filter(Boolean).join(" · "));
    if (annotation.orphaned) line.append(el("span", { class: "orphan-badge" }, "orphaned"));
    if (annotation.visibility === "private") line.append(el("span", { class: "private-badge", title: "Only you see this annotation" }, "private"));
    const editButton = el("button", { type: "button", class: "small edit", tabindex: "-1" }, readOnly ? "Open" : "Edit");
    editButton.addEventListener("click", (event) => {
      event.stopPropagation();
      edit(annotation, editButton);
    });
    const clip = el("a", { class: "small clip", tabindex: "-1", href: `/api/annotations/${annotation.id}/clip.png`, target: "_blank", rel: "noopener", title: "A PNG of this passage with a caption, to publish" }, "Clip");
    clip.addEventListener("click", (event) => event.stopPropagation());
    line.append(editButton, clip);
    return line;
  }

  return {
    /** Show these annotations, keeping the focused one focused. */
    render(shown) {
      document.getElementById("annotation-count").textContent = String(shown.length);
      const focusedId = document.activeElement?.closest?.(".annotation-item")?.dataset.id;
      list.replaceChildren(...shown.map((annotation, index) => item(annotation, index)));
      const again = focusedId && list.querySelector(`[data-id="${focusedId}"]`);
      if (again) again.focus();
      document.getElementById("no-annotations").hidden = shown.length > 0;
    },
  };
}
