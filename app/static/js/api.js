// Small helpers for calling the JSON API from pages signed in by cookie.

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

/** Fetch JSON; throws an Error whose message is the server's sentence. */
export async function api(path, options = {}) {
  const headers = { "X-CSRFToken": csrfToken, Accept: "application/json", ...(options.headers || {}) };
  const response = await fetch(path, { credentials: "same-origin", ...options, headers });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error : `The server answered ${response.status}.`;
    throw new Error(message);
  }
  return body;
}

/** Create an element with attributes and text, never parsing HTML. */
export function el(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}
