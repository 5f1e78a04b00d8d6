// Place a page's words as transparent, selectable text exactly over the page image.
// Word boxes arrive in PDF points on the unrotated page; the image shows the page rotated.

const FONT = "sans-serif";
const FONT_FIT = 0.87; // a word box spans ascender to descender; the font is a little smaller
const measure = document.createElement("canvas").getContext("2d");

/** Size of the page as displayed, in points. */
export function displaySize(page) {
  const quarter = page.rotation === 90 || page.rotation === 270;
  return quarter ? { width: page.height, height: page.width } : { width: page.width, height: page.height };
}

/** Map an unrotated box to the displayed page (the same map as PyMuPDF's rotation_matrix). */
export function toDisplay(page, x0, y0, x1, y1) {
  const { width: W, height: H } = page;
  switch (page.rotation) {
    case 90:
      return { left: H - y1, top: x0, width: y1 - y0, height: x1 - x0 };
    case 180:
      return { left: W - x1, top: H - y1, width: x1 - x0, height: y1 - y0 };
    case 270:
      return { left: y0, top: W - x1, width: y1 - y0, height: x1 - x0 };
    default:
      return { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
  }
}

function naturalWidth(text, fontSize) {
  measure.font = `${fontSize}px ${FONT}`;
  return measure.measureText(text).width || 1;
}

function wordSpan(page, word, index) {
  const box = toDisplay(page, word.x0, word.y0, word.x1, word.y1);
  const span = document.createElement("span");
  span.textContent = word.text;
  span.dataset.index = String(index);
  const vertical = box.height > box.width && [...word.text].length > 1;
  const thickness = vertical ? box.width : box.height;
  const length = vertical ? box.height : box.width;
  const fontSize = Math.max(thickness * FONT_FIT, 1);
  const stretch = length / naturalWidth(word.text, fontSize);
  Object.assign(span.style, {
    left: `${box.left}px`,
    top: `${box.top}px`,
    fontSize: `${fontSize}px`,
    lineHeight: `${thickness}px`,
  });
  if (vertical) {
    span.classList.add(page.rotation === 270 ? "up" : "down");
    span.style.transform = `scaleY(${stretch})`;
  } else {
    span.style.transform = `scaleX(${stretch})`;
  }
  return span;
}

/** Map a box on the displayed page back to the unrotated page (the inverse of toDisplay). */
export function toUnrotated(page, left, top, right, bottom) {
  const { width: W, height: H } = page;
  const corners = [
    [left, top],
    [right, bottom],
  ].map(([X, Y]) => {
    switch (page.rotation) {
      case 90:
        return [Y, H - X];
      case 180:
        return [W - X, H - Y];
      case 270:
        return [W - Y, X];
      default:
        return [X, Y];
    }
  });
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** An empty layer laid out in display points, the size of the page; fitLayer scales it. */
export function pageLayer(page, className) {
  const size = displaySize(page);
  const layer = document.createElement("div");
  layer.className = `page-layer ${className}`;
  layer.style.width = `${size.width}px`;
  layer.style.height = `${size.height}px`;
  return layer;
}

/** Build the text layer for a page: one span per word, a space between words. */
export function buildTextLayer(page, words) {
  const layer = pageLayer(page, "text-layer");
  words.forEach((word, index) => {
    layer.append(wordSpan(page, word, index));
    layer.append(document.createTextNode(" "));
  });
  return layer;
}

/** Scale a layer (laid out in points) to the frame's width in pixels. */
export function fitLayer(layer, page, frameWidth) {
  layer.style.transform = `scale(${frameWidth / displaySize(page).width})`;
}
