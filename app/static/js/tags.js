// Tag page: colour swatches (no inline styles under the CSP) and a confirmation before deleting.
document.querySelectorAll(".swatch").forEach((swatch) => {
  swatch.style.background = swatch.dataset.colour;
});
document.querySelectorAll("button[data-confirm]").forEach((button) => {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
});
