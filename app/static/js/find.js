// Find in the viewer: the search index's hits for this document, lit on the page images.
// The query comes from the search page (?q=...) or the find box (Ctrl+F, or /); n and N step
// through the hits, and past the last one on to the next document the project search lists.
import { api } from "./api.js";
import { pageLayer, toDisplay } from "./textlayer.js";

/** The finder of one viewer: goTo(number) shows a page; pageReady(page, frame) as pages load. */
export function createFinder(data, pagesByNumber, goTo) {
  const box = document.getElementById("find");
  const status = document.getElementById("find-status");
  const frames = new Map();
  let hits = []; // [{page, rects}] in page order
  let current = -1; // index into the flat list of hit rectangles
  let query = new URLSearchParams(location.search).get("q") || "";
  const arrivedAt = Number((/^#page-(\d+)$/.exec(location.hash) || [])[1] || 1); // the page a search result opened

  const flat = () => hits.flatMap((hit) => hit.rects.map((rect, index) => ({ page: hit.page, rect, index })));

  function paint(number) {
    const frame = frames.get(number);
    const page = pagesByNumber.get(number);
    if (!frame || !page) return;
    let layer = frame.querySelector(".hit-layer");
    if (!layer) {
      layer = pageLayer(page, "hit-layer");
      frame.insertBefore(layer, frame.querySelector(".text-layer"));
    }
    const lit = flat();
    layer.replaceChildren(
      ...lit
        .filter((hit) => hit.page === number)
        .map((hit) => {
          const place = toDisplay(page, ...hit.rect);
          const mark = document.createElement("div");
          mark.className = sameHit(lit[current], hit) ? "hit current" : "hit";
          Object.assign(mark.style, {
            left: `${place.left}px`,
            top: `${place.top}px`,
            width: `${place.width}px`,
            height: `${place.height}px`,
          });
          return mark;
        }),
    );
  }

  const sameHit = (a, b) => a && b && a.page === b.page && a.index === b.index;

  function say(text) {
    status.textContent = text;
  }

  async function find(text) {
    query = text.trim();
    box.value = query;
    current = -1;
    hits = query ? (await api(`/api/documents/${data.document.id}/search?q=${encodeURIComponent(query)}`)).hits : [];
    const count = flat().length;
    say(query ? (count ? `${count} hit${count === 1 ? "" : "s"} on ${hits.length} page${hits.length === 1 ? "" : "s"}` : "No hits in this document") : "");
    frames.forEach((_, number) => paint(number));
    if (!count) return;
    current = Math.max(-1, flat().findIndex((hit) => hit.page >= arrivedAt) - 1);
    step(1);
  }

  async function step(direction) {
    const lit = flat();
    if (!lit.length) return query && direction > 0 ? nextDocument() : undefined;
    const next = current + direction;
    if (next >= lit.length) return nextDocument();
    current = (next + lit.length) % lit.length;
    const hit = lit[current];
    say(`Hit ${current + 1} of ${lit.length} · page ${hit.page}`);
    goTo(hit.page);
    frames.forEach((_, number) => paint(number));
  }

  async function nextDocument() {
    const found = await api(`/api/search?q=${encodeURIComponent(query)}&project=${data.document.project_id}`);
    // Documents in the order the project search ranks them, going round past the last.
    const documents = [...new Set(found.results.map((r) => r.document))];
    const others = documents.filter((id) => id !== data.document.id);
    const after = documents.slice(documents.indexOf(data.document.id) + 1).find((id) => id !== data.document.id);
    const first = found.results.find((r) => r.document === (after ?? others[0]));
    if (!first) return say(`Hit ${flat().length} of ${flat().length}: no other document matches`);
    location.assign(`/documents/${first.document}?q=${encodeURIComponent(query)}#page-${first.page}`);
  }

  box.closest("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("q", box.value.trim());
    history.replaceState(null, "", url);
    find(box.value);
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "f") {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  if (query) find(query);

  return {
    pageReady(page, frame) {
      frames.set(page.number, frame);
      paint(page.number);
    },
    next: () => step(1),
    previous: () => step(-1),
    focus: () => box.focus(),
  };
}
