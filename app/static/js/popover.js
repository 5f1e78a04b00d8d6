// The tag popover: tags (a click or a hotkey), ground, note; for a new passage or box, or an edit.
import { api, el } from "./api.js";

/** The popover for these tags. save(draft, body) stores a draft ({annotation} for an edit, else
 * {page, words | rect}) and remove(annotation) deletes one; each throws an Error with a sentence
 * to show. announce(text) speaks to screen readers. me: the signed-in user's email (only an
 * annotation's author makes it private or shared); readOnly: a viewer's popover shows, not edits. */
export function createPopover(tags, { announce, save, remove, me, readOnly }) {
  const popover = document.getElementById("annotator");
  const tagButtons = document.getElementById("annotator-tags");
  const note = document.getElementById("annotator-note");
  const ground = document.getElementById("annotator-ground");
  const groundField = document.getElementById("ground-field");
  const errorLine = document.getElementById("annotator-error");
  const deleteButton = document.getElementById("annotator-delete");
  const historyBox = document.getElementById("annotator-history");
  const privateBox = document.getElementById("annotator-private");
  const saveButton = document.getElementById("annotator-save");
  let draft = null;

  tags.forEach((tag) => {
    const button = el("button", { type: "button", "aria-pressed": "false", "data-tag": tag.full_name });
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = tag.colour;
    button.append(swatch, document.createTextNode(tag.parent ? `${tag.parent}: ${tag.name}` : tag.name));
    if (tag.hotkey) button.append(el("kbd", {}, tag.hotkey));
    button.addEventListener("click", () => toggleTag(tag.full_name));
    tagButtons.append(button);
  });

  function chosenTags() {
    return [...tagButtons.querySelectorAll("[aria-pressed=true]")].map((b) => b.dataset.tag);
  }

  // Which tags carry a withholding ground is the server's rule (tag JSON "takes_ground").
  function takesGround(name) {
    return tags.some((t) => t.full_name === name && t.takes_ground);
  }

  function toggleTag(name) {
    const button = tagButtons.querySelector(`[data-tag="${CSS.escape(name)}"]`);
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    groundField.hidden = !chosenTags().some(takesGround);
    announce(`${name} ${button.getAttribute("aria-pressed") === "true" ? "on" : "off"}`);
  }

  function place(anchorRect) {
    popover.hidden = false;
    const width = popover.offsetWidth;
    const height = popover.offsetHeight;
    const left = Math.min(Math.max(8, anchorRect.left), window.innerWidth - width - 8);
    let top = anchorRect.bottom + 8;
    if (top + height > window.innerHeight - 8) top = Math.max(8, anchorRect.top - height - 8);
    popover.style.left = `${left}px`;
    popover.style.top = `${top}px`;
  }

  function fill(title, quote, selectedTags, noteText, groundText, visibility = "project", mine = true) {
    if (privateBox) {
      // (a viewer's page has no such box: they make no annotations)
      privateBox.checked = visibility === "private";
      privateBox.disabled = !mine;
      privateBox.parentElement.title = mine ? "" : "Only its author can make an annotation private or shared";
    }
    tagButtons.querySelectorAll("button").forEach((b) => (b.disabled = readOnly));
    saveButton.hidden = readOnly;
    note.readOnly = readOnly;
    document.getElementById("annotator-title").textContent = title;
    document.getElementById("annotator-quote").textContent = quote || "(no text under this box)";
    tagButtons.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(selectedTags.includes(b.dataset.tag))));
    groundField.hidden = !selectedTags.some(takesGround);
    note.value = noteText || "";
    ground.value = groundText || "";
    errorLine.textContent = "";
  }

  function historyLine(entry) {
    const when = new Date(entry.at).toLocaleString();
    const fields = Object.keys(entry.changes).join(", ");
    return `${when}: ${entry.action}${fields && entry.action === "updated" ? ` ${fields}` : ""} by ${entry.user || "OIA Desk"}`;
  }

  async function submit() {
    if (!draft || readOnly) return;
    const body = {
      tags: chosenTags(),
      note: note.value,
      ground: groundField.hidden ? null : ground.value,
      visibility: privateBox?.checked ? "private" : "project",
    };
    if (!body.tags.length) {
      errorLine.textContent = "Choose at least one tag (click it or press its key).";
      return;
    }
    try {
      await save(draft, body);
    } catch (error) {
      errorLine.textContent = error.message;
    }
  }

  async function removeDraft() {
    const annotation = draft?.annotation;
    if (!annotation || !window.confirm("Delete this annotation? Its history is kept.")) return;
    try {
      await remove(annotation);
    } catch (error) {
      errorLine.textContent = error.message;
    }
  }

  popover.addEventListener("keydown", (event) => {
    const typing = event.target.matches("textarea, input");
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" && !event.shiftKey && (typing || event.target === popover)) {
      event.preventDefault();
      submit();
    } else if (!typing && !readOnly && !event.ctrlKey && !event.metaKey && !event.altKey && event.key.length === 1) {
      const tag = tags.find((t) => t.hotkey === event.key);
      if (tag) {
        event.preventDefault();
        toggleTag(tag.full_name);
      } else {
        // Any other character starts the note: the key press lands in it.
        note.focus();
        note.setSelectionRange(note.value.length, note.value.length);
      }
    }
  });
  document.getElementById("annotator-save").addEventListener("click", submit);
  document.getElementById("annotator-cancel").addEventListener("click", () => close());
  deleteButton.addEventListener("click", removeDraft);

  function close() {
    popover.hidden = true;
    const back = draft?.returnFocus;
    draft = null;
    window.getSelection().removeAllRanges();
    if (back && document.contains(back)) back.focus();
  }

  return {
    close,
    isOpen: () => !popover.hidden,

    /** Ask for tags for a new passage ({page, words, quote}) or box ({page, rect, quote}). */
    openNew(target, anchorRect, returnFocus) {
      draft = { ...target, returnFocus };
      deleteButton.hidden = true;
      historyBox.hidden = true;
      fill(target.rect ? "Tag this box" : "Tag this passage", target.quote, [], "", "");
      place(anchorRect);
      popover.focus();
    },

    /** Edit an annotation, with its history. */
    async openEditor(annotation, returnFocus) {
      draft = { annotation, returnFocus };
      deleteButton.hidden = readOnly;
      const title = readOnly ? "Annotation" : "Edit annotation";
      fill(title, annotation.exact, annotation.tags, annotation.note, annotation.ground, annotation.visibility, annotation.author === me);
      const anchor = document.querySelector(`.highlight[data-annotation-id="${annotation.id}"]`) || returnFocus;
      place(anchor ? anchor.getBoundingClientRect() : { left: 200, top: 120, bottom: 120 });
      popover.focus();
      const full = await api(`/api/annotations/${annotation.id}`);
      historyBox.querySelector("ol").replaceChildren(...full.history.map((h) => el("li", {}, historyLine(h))));
      historyBox.hidden = false;
    },
  };
}
