// Drawing a box on a page with the mouse (the box tool), and where a point of the screen lies on a page.
import { el } from "./api.js";
import { displaySize, toUnrotated } from "./textlayer.js";

/** A point of the screen as a point of the page as shown (display points), with the page. */
export function pointOnPage(frame, page, clientX, clientY) {
  const bounds = frame.getBoundingClientRect();
  const scale = bounds.width / displaySize(page).width;
  return { page, x: (clientX - bounds.left) / scale, y: (clientY - bounds.top) / scale };
}

/** Let the box tool draw on a page's frame while isOn(); onBox({page, rect, quote}, screenRect)
 * receives each box drawn (rect in PDF points on the unrotated page). */
export function attachDrawing(frame, page, isOn, onBox) {
  const surface = el("div", { class: "draw-surface" });
  frame.append(surface);
  surface.addEventListener("mousedown", (event) => {
    if (!isOn() || event.button !== 0) return;
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
      const rect = boxOnPage(frame, page, bounds.left + start.x, bounds.top + start.y, e.clientX, e.clientY);
      const bandRect = band.getBoundingClientRect();
      band.remove();
      if (rect[2] - rect[0] >= 2 && rect[3] - rect[1] >= 2) {
        onBox({ page: page.number, rect, quote: wordsInside(page, rect) }, bandRect);
      }
    };
    document.addEventListener("mousemove", move);
    document.addEventListener("mouseup", up);
  });
}

function boxOnPage(frame, page, ax, ay, bx, by) {
  const a = pointOnPage(frame, page, ax, ay);
  const b = pointOnPage(frame, page, bx, by);
  const rect = toUnrotated(page, Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x, b.x), Math.max(a.y, b.y)).map(
    (v) => Math.round(Math.min(Math.max(v, 0), 10000) * 100) / 100,
  );
  return [rect[0], rect[1], Math.min(rect[2], page.width), Math.min(rect[3], page.height)];
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
