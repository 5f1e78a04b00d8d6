// Annotations in the viewer: highlights, the selection and box tools, the tag popover and the sidebar.
import { api, el } from "./api.js";
import { onKeys } from "./keys.js";
import { displaySize, pageLayer, toDisplay, toUnrotated } from "./textlayer.js";

const FLASH_MS = 1600;

export function createAnnotator(data, pagesByNumber, relayout) {
  const documentId = data.document.id;
  const tags = data.tags;
  const frames = new Map();
  const popover = document.getElementById("annotator");
  const list = document.getElementById("annotation-list");
  const announcer = document.getElementById("announcer");
  const boxButton = document.getElementById("box-tool");
  const filters = { tag: document.getElementById("filter-tag"), author: document.getElementById("filter-author") };
  let annotations = [];
  let draft = null;
  let boxMode = false;

  // Filters and what they let through

  function tagMatches(annotation, wanted) {
    if (!wanted) return true;
    return annotation.tags.some((name) => name === wanted || name.startsWith(`${wanted}: `));
  }

  function visible() {
    return annotations.filter(
      (a) => tagMatches(a, filters.tag.value) && (!filters.author.value || a.author === filters.author.value),
    );
  }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(() => (announcer.textContent = text), 50);
  }

  function describe(annotation) {
    const what = annotation.kind === "region" ? "Box" : "Passage";
    const quote = annotation.exact ? ` “${annotation.exact.slice(0, 200)}”` : "";
    const meaning = annotation.ground_meaning ? `, ${annotation.ground_meaning.meaning}` : "";
    const ground = annotation.ground ? ` Ground ${annotation.ground}${meaning}.` : "";
    const note = annotation.note ? ` Note: ${annotation.note.slice(0, 200)}` : "";
    const orphan = annotation.orphaned ? " Could not be placed after re-processing." : "";
    return `${annotation.tags.join(", ") || "Untagged"}. ${what} on page ${annotation.page}.${quote}${ground}${note}${orphan}`;
  }

  // Highlights

  function renderHighlights(number) {
    const frame = frames.get(number);
    if (!frame) return;
    const page = pagesByNumber.get(number);
    const layer = frame.querySelector(".highlight-layer");
    layer.replaceChildren();
    for (const annotation of visible()) {
      if (annotation.page !== number || annotation.orphaned) continue;
      for (const [x0, y0, x1, y1] of annotation.rects) {
        const box = toDisplay(page, x0, y0, x1, y1);
        const mark = el("div", { class: `highlight ${annotation.kind}`, "data-annotation-id": annotation.id });
        Object.assign(mark.style, {
          left: `${box.left}px`,
          top: `${box.top}px`,
          width: `${box.width}px`,
          height: `${box.height}px`,
        });
        mark.style.setProperty("--colour", annotation.colours[0] || "#6b7280");
        layer.append(mark);
      }
    }
  }

  function renderAllHighlights() {
    frames.forEach((_, number) => renderHighlights(number));
  }

  function flash(annotation) {
    const marks = () => document.querySelectorAll(`.highlight[data-annotation-id="${annotation.id}"]`);
    const start = () => {
      marks()[0]?.scrollIntoView({ block: "center" });
      marks().forEach((mark) => mark.classList.add("flash"));
      window.setTimeout(() => marks().forEach((mark) => mark.classList.remove("flash")), FLASH_MS);
    };
    if (marks().length) return start();
    document.getElementById(`page-${annotation.page}`)?.scrollIntoView({ block: "start" });
    window.setTimeout(start, 700); // the page is loading its words and highlights
  }

  // Sidebar

  function renderSidebar() {
    const shown = visible();
    document.getElementById("annotation-count").textContent = String(shown.length);
    const focusedId = document.activeElement?.closest?.(".annotation-item")?.dataset.id;
    list.replaceChildren(...shown.map((annotation, index) => sidebarItem(annotation, index)));
    const again = focusedId && list.querySelector(`[data-id="${focusedId}"]`);
    if (again) again.focus();
    const authors = [...new Set(annotations.map((a) => a.author).filter(Boolean))].sort();
    const chosen = filters.author.value;
    filters.author.replaceChildren(el("option", { value: "" }, "Everyone"), ...authors.map((a) => el("option", { value: a }, a)));
    filters.author.value = authors.includes(chosen) ? chosen : "";
    document.getElementById("no-annotations").hidden = shown.length > 0;
  }

  function sidebarItem(annotation, index) {
    const item = el("li", {
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
    item.append(chips);
    const about = annotation.ground_meaning;
    if (about) item.append(el("p", { class: "ground-meaning", title: about.statute }, `${about.ground}: ${about.meaning}`));
    if (annotation.exact) item.append(el("q", { class: "quote" }, annotation.exact.slice(0, 300)));
    if (annotation.note) item.append(el("p", { class: "note" }, annotation.note));
    const meta = [`p. ${annotation.page}`, annotation.kind === "region" ? "box" : null, annotation.author];
    const footer = el("div", { class: "meta" }, meta.filter(Boolean).join(" · "));
    if (annotation.orphaned) footer.append(el("span", { class: "orphan-badge" }, "orphaned"));
    const edit = el("button", { type: "button", class: "small edit", tabindex: "-1" }, "Edit");
    edit.addEventListener("click", (event) => {
      event.stopPropagation();
      openEditor(annotation, edit);
    });
    footer.append(edit);
    const clip = el("a", { class: "small clip", tabindex: "-1", href: `/api/annotations/${annotation.id}/clip.png`, target: "_blank", rel: "noopener", title: "A PNG of this passage with a caption, to publish" }, "Clip");
    clip.addEventListener("click", (event) => event.stopPropagation());
    footer.append(clip);
    item.append(footer);
    item.addEventListener("click", () => flash(annotation));
    return item;
  }

  list.addEventListener("keydown", (event) => {
    const item = event.target.closest(".annotation-item");
    if (!item) return;
    const items = [...list.querySelectorAll(".annotation-item")];
    const index = items.indexOf(item);
    const annotation = annotations.find((a) => String(a.id) === item.dataset.id);
    let next = null;
    if (event.key === "ArrowDown") next = items[index + 1];
    else if (event.key === "ArrowUp") next = items[index - 1];
    else if (event.key === "Home") next = items[0];
    else if (event.key === "End") next = items[items.length - 1];
    else if (event.key === "Enter") flash(annotation);
    else if (event.key === "e" || event.key === "F2") openEditor(annotation, item);
    else return;
    event.preventDefault();
    if (next) {
      items.forEach((i) => i.setAttribute("tabindex", "-1"));
      next.setAttribute("tabindex", "0");
      next.focus();
    }
  });
  Object.values(filters).forEach((select) =>
    select.addEventListener("change", () => {
      renderSidebar();
      renderAllHighlights();
    }),
  );

  // The popover: tags, ground, note

  const tagButtons = document.getElementById("annotator-tags");
  const note = document.getElementById("annotator-note");
  const ground = document.getElementById("annotator-ground");
  const groundField = document.getElementById("ground-field");
  const errorLine = document.getElementById("annotator-error");
  const deleteButton = document.getElementById("annotator-delete");
  const historyBox = document.getElementById("annotator-history");

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

  function placePopover(anchorRect) {
    popover.hidden = false;
    const width = popover.offsetWidth;
    const height = popover.offsetHeight;
    const left = Math.min(Math.max(8, anchorRect.left), window.innerWidth - width - 8);
    let top = anchorRect.bottom + 8;
    if (top + height > window.innerHeight - 8) top = Math.max(8, anchorRect.top - height - 8);
    popover.style.left = `${left}px`;
    popover.style.top = `${top}px`;
  }

  function fillPopover(title, quote, selectedTags, noteText, groundText) {
    document.getElementById("annotator-title").textContent = title;
    document.getElementById("annotator-quote").textContent = quote || "(no text under this box)";
    tagButtons.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(selectedTags.includes(b.dataset.tag))));
    groundField.hidden = !selectedTags.some(takesGround);
    note.value = noteText || "";
    ground.value = groundText || "";
    errorLine.textContent = "";
  }

  function openNew(target, anchorRect, returnFocus) {
    draft = { ...target, returnFocus };
    deleteButton.hidden = true;
    historyBox.hidden = true;
    fillPopover(target.rect ? "Tag this box" : "Tag this passage", target.quote, [], "", "");
    placePopover(anchorRect);
    popover.focus();
  }

  async function openEditor(annotation, returnFocus) {
    draft = { annotation, returnFocus };
    deleteButton.hidden = false;
    fillPopover("Edit annotation", annotation.exact, annotation.tags, annotation.note, annotation.ground);
    const anchor = document.querySelector(`.highlight[data-annotation-id="${annotation.id}"]`) || returnFocus;
    placePopover(anchor ? anchor.getBoundingClientRect() : { left: 200, top: 120, bottom: 120 });
    popover.focus();
    const full = await api(`/api/annotations/${annotation.id}`);
    const entries = full.history.map((h) => el("li", {}, historyLine(h)));
    historyBox.querySelector("ol").replaceChildren(...entries);
    historyBox.hidden = false;
  }

  function historyLine(entry) {
    const when = new Date(entry.at).toLocaleString();
    const fields = Object.keys(entry.changes).join(", ");
    return `${when}: ${entry.action}${fields && entry.action === "updated" ? ` ${fields}` : ""} by ${entry.user || "OIA Desk"}`;
  }

  function closePopover() {
    popover.hidden = true;
    const back = draft?.returnFocus;
    draft = null;
    window.getSelection().removeAllRanges();
    if (back && document.contains(back)) back.focus();
  }

  async function save() {
    if (!draft) return;
    const body = { tags: chosenTags(), note: note.value, ground: groundField.hidden ? null : ground.value };
    if (!body.tags.length) {
      errorLine.textContent = "Choose at least one tag (click it or press its key).";
      return;
    }
    try {
      let saved;
      if (draft.annotation) {
        saved = await api(`/api/annotations/${draft.annotation.id}`, jsonRequest("PATCH", body));
        annotations = annotations.map((a) => (a.id === saved.id ? saved : a));
      } else {
        const anchor = draft.rect ? { rect: draft.rect } : { words: draft.words };
        saved = await api(`/api/documents/${documentId}/annotations`, jsonRequest("POST", { page: draft.page, ...anchor, ...body }));
        annotations = [...annotations, saved].sort(byPosition);
      }
      closePopover();
      renderSidebar();
      renderHighlights(saved.page);
      announce(`Saved. ${describe(saved)}`);
    } catch (error) {
      errorLine.textContent = error.message;
    }
  }

  async function remove() {
    const annotation = draft?.annotation;
    if (!annotation || !window.confirm("Delete this annotation? Its history is kept.")) return;
    try {
      await api(`/api/annotations/${annotation.id}`, { method: "DELETE" });
      annotations = annotations.filter((a) => a.id !== annotation.id);
      closePopover();
      renderSidebar();
      renderHighlights(annotation.page);
      announce("Annotation deleted.");
    } catch (error) {
      errorLine.textContent = error.message;
    }
  }

  popover.addEventListener("keydown", (event) => {
    const typing = event.target.matches("textarea, input");
    if (event.key === "Escape") {
      event.preventDefault();
      closePopover();
    } else if (event.key === "Enter" && !event.shiftKey && (typing || event.target === popover)) {
      event.preventDefault();
      save();
    } else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && event.key.length === 1) {
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
  document.getElementById("annotator-save").addEventListener("click", save);
  document.getElementById("annotator-cancel").addEventListener("click", closePopover);
  deleteButton.addEventListener("click", remove);

  // Selecting text

  function wordSpan(node, edge) {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const span = element?.closest?.("span[data-index]");
    if (span) return span;
    if (node.nodeType === Node.TEXT_NODE && node.parentElement?.classList.contains("text-layer")) {
      return edge === "start" ? node.nextElementSibling : node.previousElementSibling;
    }
    return null;
  }

  document.getElementById("pages").addEventListener("mouseup", (event) => {
    if (boxMode || !popover.hidden) return;
    window.setTimeout(() => {
      const selection = window.getSelection();
      if (selection.isCollapsed) return highlightClick(event);
      const range = selection.getRangeAt(0);
      const first = wordSpan(range.startContainer, "start");
      const last = wordSpan(range.endContainer, "end");
      if (!first || !last) return;
      const layer = first.closest(".text-layer");
      if (layer !== last.closest(".text-layer")) {
        announce("Select within one page: a passage cannot span two pages yet.");
        return;
      }
      const number = Number(layer.closest("section.page").dataset.number);
      const indexes = [Number(first.dataset.index), Number(last.dataset.index)].sort((a, b) => a - b);
      const words = pagesByNumber.get(number).words.slice(indexes[0], indexes[1] + 1);
      const quote = words.map((w) => w.text).join(" ");
      openNew({ page: number, words: indexes, quote }, range.getBoundingClientRect(), null);
    }, 0);
  });

  function pointOnPage(frame, number, clientX, clientY) {
    const page = pagesByNumber.get(number);
    const bounds = frame.getBoundingClientRect();
    const scale = bounds.width / displaySize(page).width;
    return { page, x: (clientX - bounds.left) / scale, y: (clientY - bounds.top) / scale };
  }

  function highlightClick(event) {
    const section = event.target.closest?.("section.page");
    if (!section) return;
    const number = Number(section.dataset.number);
    const frame = frames.get(number);
    if (!frame) return;
    const { page, x, y } = pointOnPage(frame, number, event.clientX, event.clientY);
    const [px, py] = toUnrotated(page, x, y, x, y);
    const hits = annotations.filter(
      (a) => a.page === number && !a.orphaned && a.rects.some(([x0, y0, x1, y1]) => px >= x0 && px <= x1 && py >= y0 && py <= y1),
    );
    if (hits.length) openEditor(hits[hits.length - 1], null);
  }

  // Drawing a box

  function setBoxMode(on) {
    boxMode = on;
    document.body.classList.toggle("box-mode", on);
    boxButton.setAttribute("aria-pressed", String(on));
    announce(on ? "Box tool on: drag over the page to draw a box." : "Box tool off.");
  }

  boxButton.addEventListener("click", () => setBoxMode(!boxMode));
  onKeys({ b: () => setBoxMode(!boxMode) }, "#annotator");

  function attachDrawing(frame, number) {
    const surface = el("div", { class: "draw-surface" });
    frame.append(surface);
    surface.addEventListener("mousedown", (event) => {
      if (!boxMode || event.button !== 0) return;
      event.preventDefault();
      const bounds = frame.getBoundingClientRect();
      const start = { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
      const band = el("div", { class: "rubber-band" });
      surface.append(band);
      const move = (e) => {
        const x = e.clientX - bounds.left;
        const y = e.clientY - bounds.top;
        Object.assign(band.style, {
          left: `${Math.min(x, start.x)}px`,
          top: `${Math.min(y, start.y)}px`,
          width: `${Math.abs(x - start.x)}px`,
          height: `${Math.abs(y - start.y)}px`,
        });
      };
      const up = (e) => {
        document.removeEventListener("mousemove", move);
        document.removeEventListener("mouseup", up);
        const a = pointOnPage(frame, number, bounds.left + start.x, bounds.top + start.y);
        const b = pointOnPage(frame, number, e.clientX, e.clientY);
        const rect = toUnrotated(a.page, Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y))
          .map((v) => Math.round(Math.min(Math.max(v, 0), 10000) * 100) / 100);
        const clamped = [rect[0], rect[1], Math.min(rect[2], a.page.width), Math.min(rect[3], a.page.height)];
        const bandRect = band.getBoundingClientRect();
        if (clamped[2] - clamped[0] < 2 || clamped[3] - clamped[1] < 2) {
          band.remove();
          return;
        }
        openNew({ page: number, rect: clamped, quote: wordsInside(a.page, clamped) }, bandRect, null);
        band.remove();
      };
      document.addEventListener("mousemove", move);
      document.addEventListener("mouseup", up);
    });
  }

  function wordsInside(page, [x0, y0, x1, y1]) {
    return (page.words || [])
      .filter((w) => {
        const cx = (w.x0 + w.x1) / 2;
        const cy = (w.y0 + w.y1) / 2;
        return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1;
      })
      .map((w) => w.text)
      .join(" ");
  }

  // Start

  function byPosition(a, b) {
    return a.page - b.page || (a.start ?? Infinity) - (b.start ?? Infinity) || a.id - b.id;
  }

  tags.forEach((t) => filters.tag.append(el("option", { value: t.full_name }, t.parent ? `— ${t.name}` : t.name)));

  api(`/api/documents/${documentId}/annotations`).then((body) => {
    annotations = body.annotations;
    renderSidebar();
    renderAllHighlights();
    const linked = /^#annotation-(\d+)$/.exec(location.hash); // a link from an export
    const target = linked && annotations.find((a) => String(a.id) === linked[1]);
    if (target) flash(target);
  });

  return {
    /** A page's words are placed: add its highlight and drawing layers. */
    pageReady(page, frame) {
      const highlights = pageLayer(page, "highlight-layer");
      frame.insertBefore(highlights, frame.querySelector(".text-layer"));
      frames.set(page.number, frame);
      attachDrawing(frame, page.number);
      renderHighlights(page.number);
      relayout(frame.closest("section.page"));
    },
  };
}

function jsonRequest(method, body) {
  return { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
}
