// Tag page: colour swatches (no inline styles under the CSP).
document.querySelectorAll(".swatch").forEach((swatch) => {
  swatch.style.background = swatch.dataset.colour;
});
