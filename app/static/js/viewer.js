// Viewer: lazy page images and text layers, thumbnails, page jumper and keyboard paging.
import { createAnnotator } from "./annotate.js";
import { api } from "./api.js";
import { createFinder } from "./find.js";
import { onKeys } from "./keys.js";
import { buildTextLayer, displaySize, fitLayer } from "./textlayer.js";

const data = JSON.parse(document.getElementById("viewer-data").textContent);
const documentId = data.document.id;
const pagesByNumber = new Map(data.pages.map((p) => [p.number, p]));
const sections = [...document.querySelectorAll("section.page")];
const jump = document.getElementById("page-jump");
let current = 1;
let asked = null; // the page a key press or the jumper asked for, while its scroll settles
let askedTimer = 0;
const ASKED_MS = 800;
// While a document is processing, a page's text is stored before its images are drawn: an image
// not there yet is asked for again, for about a minute.
const IMAGE_RETRY_MS = 1500;
const IMAGE_RETRIES = 40;
const annotator = createAnnotator(data, pagesByNumber, (section) => layOut(section));
const finder = createFinder(data, pagesByNumber, goTo);

function showImage(image, url, tries = 0) {
  const waiting = data.document.status !== "ready" && tries < IMAGE_RETRIES;
  const frame = image.closest(".page-frame");
  image.onerror = () => {
    frame?.classList.toggle("drawing", waiting);
    if (waiting) window.setTimeout(() => showImage(image, url, tries + 1), IMAGE_RETRY_MS);
  };
  image.onload = () => frame?.classList.remove("drawing");
  image.src = tries ? `${url}${url.includes("?") ? "&" : "?"}try=${tries}` : url;
}

function frameOf(section) {
  return section.querySelector(".page-frame");
}

function layOut(section) {
  const page = pagesByNumber.get(Number(section.dataset.number));
  const size = displaySize(page);
  const frame = frameOf(section);
  frame.style.aspectRatio = `${size.width} / ${size.height}`;
  frame.querySelectorAll(".page-layer").forEach((layer) => fitLayer(layer, page, frame.clientWidth));
}

async function loadPage(section) {
  if (section.dataset.loaded) return;
  section.dataset.loaded = "loading";
  const number = Number(section.dataset.number);
  const frame = frameOf(section);
  const image = new Image();
  image.alt = `Page ${number}`;
  image.className = "page-image";
  frame.append(image);
  showImage(image, `/documents/${documentId}/pages/${number}.png`);
  try {
    const page = await api(`/api/documents/${documentId}/pages/${number}`);
    pagesByNumber.set(number, page);
    frame.append(buildTextLayer(page, page.words));
    annotator.pageReady(page, frame);
    finder.pageReady(page, frame);
    layOut(section);
    section.dataset.loaded = "yes";
  } catch (error) {
    frame.append(Object.assign(document.createElement("p"), { className: "page-error", textContent: error.message }));
  }
}

function goTo(number) {
  const target = Math.min(Math.max(number, 1), sections.length);
  const section = document.getElementById(`page-${target}`);
  if (!section) return;
  section.scrollIntoView({ block: "start" });
  markCurrent(target); // at once, so that quick key presses count from the page asked for
  // Until the reader scrolls by hand, the page asked for stays current: the tracker's reports
  // of the scroll just made would otherwise arrive late and send the next key press backwards.
  asked = target;
  window.clearTimeout(askedTimer);
  askedTimer = window.setTimeout(() => (asked = null), ASKED_MS);
}

function markCurrent(number) {
  current = number;
  jump.value = String(number);
  document.querySelectorAll(".thumb").forEach((thumb) => {
    const active = Number(thumb.dataset.number) === number;
    thumb.classList.toggle("active", active);
    if (active) thumb.setAttribute("aria-current", "page");
    else thumb.removeAttribute("aria-current");
  });
}

const loader = new IntersectionObserver(
  (entries) => entries.filter((e) => e.isIntersecting).forEach((e) => loadPage(e.target)),
  { rootMargin: "1200px 0px" },
);
const tracker = new IntersectionObserver(
  (entries) => {
    const visible = entries.filter((e) => e.isIntersecting).sort((a, b) => b.intersectionRatio - a.intersectionRatio);
    if (visible.length && asked === null) markCurrent(Number(visible[0].target.dataset.number));
  },
  { threshold: [0.25, 0.5, 0.75] },
);
document.querySelectorAll(".thumb img").forEach((thumb) => showImage(thumb, thumb.getAttribute("src")));
sections.forEach((section) => {
  layOut(section);
  loader.observe(section);
  tracker.observe(section);
});
new ResizeObserver(() => sections.forEach(layOut)).observe(document.getElementById("pages"));
["wheel", "touchmove", "pointerdown"].forEach((type) =>
  document.getElementById("pages").addEventListener(type, () => (asked = null), { passive: true }),
);

document.getElementById("prev-page").addEventListener("click", () => goTo(current - 1));
document.getElementById("next-page").addEventListener("click", () => goTo(current + 1));
jump.addEventListener("change", () => goTo(Number(jump.value)));
const next = () => goTo(current + 1);
const previous = () => goTo(current - 1);
const keys = { j: next, ArrowRight: next, k: previous, ArrowLeft: previous };
onKeys({ ...keys, n: finder.next, N: finder.previous, "/": finder.focus }, "#annotator, #sidebar");
const hashPage = /^#page-(\d+)$/.exec(location.hash);
if (hashPage) goTo(Number(hashPage[1]));
