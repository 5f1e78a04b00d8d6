// Page-wide keys, handled one way on every page: a key pressed while typing in a field, inside
// one of the widgets named by ignoreInside, or with Ctrl, Cmd or Alt held, is left alone.
const TYPING = "input, textarea, select, [contenteditable]";

/** Call handlers[event.key](event) for each page-wide key press; a handler that returns false
 * did not use the key, which then keeps its default action. */
export function onKeys(handlers, ignoreInside = "") {
  const ignored = ignoreInside ? `${TYPING}, ${ignoreInside}` : TYPING;
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest?.(ignored)) return;
    const handler = handlers[event.key];
    if (!handler || handler(event) === false) return;
    event.preventDefault();
  });
}
