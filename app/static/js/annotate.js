// Annotations in the viewer: the state, highlights on the pages, and the selection and box tools,
// wired to the sidebar (sidebar.js), the tag popover (popover.js) and box drawing (drawing.js).
import { api, el } from "./api.js";
import { attachDrawing, pointOnPage } from "./drawing.js";
import { onKeys } from "./keys.js";
import { createPopover } from "./popover.js";
import { createSidebar, describe } from "./sidebar.js";
import { pageLayer, toDisplay, toUnrotated } from "./textlayer.js";

const FLASH_MS = 1600;

export function createAnnotator(data, pagesByNumber, relayout) {
  const documentId = data.document.id;
  const tags = data.tags;
  const frames = new Map();
  const announcer = document.getElementById("announcer");
  const boxButton = document.getElementById("box-tool");
  const filters = { tag: document.getElementById("filter-tag"), author: document.getElementById("filter-author") };
  let annotations = [];
  let boxMode = false;

  const readOnly = !data.can_edit;
  const sidebar = createSidebar(document.getElementById("annotation-list"), {
    readOnly,
    flash,
    edit: (annotation, returnFocus) => popover.openEditor(annotation, returnFocus),
    find: (id) => annotations.find((a) => String(a.id) === id),
  });
  const popover = createPopover(tags, { announce, save, remove, me: data.me, readOnly });
  const VIEWER_NOTE = "You are a viewer in this project: you can read and export annotations; an owner can make you an editor to add them.";

  function openNew(target, anchorRect) {
    if (readOnly) announce(VIEWER_NOTE);
    else popover.openNew(target, anchorRect, null);
  }

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

  function renderSidebar() {
    sidebar.render(visible());
    const authors = [...new Set(annotations.map((a) => a.author).filter(Boolean))].sort();
    const chosen = filters.author.value;
    filters.author.replaceChildren(el("option", { value: "" }, "Everyone"), ...authors.map((a) => el("option", { value: a }, a)));
    filters.author.value = authors.includes(chosen) ? chosen : "";
  }

  Object.values(filters).forEach((select) =>
    select.addEventListener("change", () => {
      renderSidebar();
      renderAllHighlights();
    }),
  );

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

  // Saving what the popover asked for

  async function save(draft, body) {
    let saved;
    if (draft.annotation) {
      saved = await api(`/api/annotations/${draft.annotation.id}`, jsonRequest("PATCH", body));
      annotations = annotations.map((a) => (a.id === saved.id ? saved : a));
    } else {
      const anchor = draft.rect ? { rect: draft.rect } : { words: draft.words };
      saved = await api(`/api/documents/${documentId}/annotations`, jsonRequest("POST", { page: draft.page, ...anchor, ...body }));
      annotations = [...annotations, saved].sort(byPosition);
    }
    popover.close();
    renderSidebar();
    renderHighlights(saved.page);
    announce(`Saved. ${describe(saved)}`);
  }

  async function remove(annotation) {
    await api(`/api/annotations/${annotation.id}`, { method: "DELETE" });
    annotations = annotations.filter((a) => a.id !== annotation.id);
    popover.close();
    renderSidebar();
    renderHighlights(annotation.page);
    announce("Annotation deleted.");
  }

  // Selecting text, or clicking a highlight

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
    if (boxMode || popover.isOpen()) return;
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
      openNew({ page: number, words: indexes, quote }, range.getBoundingClientRect());
    }, 0);
  });

  function highlightClick(event) {
    const section = event.target.closest?.("section.page");
    if (!section) return;
    const number = Number(section.dataset.number);
    const frame = frames.get(number);
    if (!frame) return;
    const { page, x, y } = pointOnPage(frame, pagesByNumber.get(number), event.clientX, event.clientY);
    const [px, py] = toUnrotated(page, x, y, x, y);
    const hits = annotations.filter(
      (a) => a.page === number && !a.orphaned && a.rects.some(([x0, y0, x1, y1]) => px >= x0 && px <= x1 && py >= y0 && py <= y1),
    );
    if (hits.length) popover.openEditor(hits[hits.length - 1], null);
  }

  // The box tool

  function setBoxMode(on) {
    boxMode = on;
    document.body.classList.toggle("box-mode", on);
    boxButton.setAttribute("aria-pressed", String(on));
    announce(on ? "Box tool on: drag over the page to draw a box." : "Box tool off.");
  }

  boxButton.addEventListener("click", () => setBoxMode(!boxMode));
  onKeys({ b: () => setBoxMode(!boxMode) }, "#annotator");

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
      attachDrawing(frame, page, () => boxMode, (target, screenRect) => openNew(target, screenRect));
      renderHighlights(page.number);
      relayout(frame.closest("section.page"));
    },
  };
}

function jsonRequest(method, body) {
  return { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
}
