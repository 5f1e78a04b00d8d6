// Redactions page: show the readable text under a bad redaction only when asked.
import { api } from "./api.js";

document.querySelectorAll(".bad-boxes li").forEach((item) => {
  const button = item.querySelector(".reveal");
  const text = item.querySelector(".hidden-text");
  button.addEventListener("click", async () => {
    if (!text.hidden) {
      text.hidden = true;
      button.textContent = "Show the readable text";
      return;
    }
    try {
      const box = await api(`/api/redaction-boxes/${item.dataset.boxId}/hidden-text`);
      text.textContent = box.hidden_text;
      text.hidden = false;
      button.textContent = "Hide it again";
    } catch (error) {
      text.textContent = error.message;
      text.hidden = false;
    }
  });
});
