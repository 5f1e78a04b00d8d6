// Review queue: accept or reject each suggestion with a click or a key, or all at once.
import { api } from "./api.js";
import { onKeys } from "./keys.js";

const queue = document.getElementById("queue");
const count = document.getElementById("queue-count");
const message = document.getElementById("queue-message");
const empty = document.getElementById("queue-empty");
const { scope } = JSON.parse(document.getElementById("queue-data").textContent);

document.querySelectorAll("[data-colour]").forEach((chip) => chip.style.setProperty("--colour", chip.dataset.colour));

function items() {
  return [...queue.querySelectorAll(".suggestion")];
}

function showError(error) {
  message.textContent = error.message;
  message.hidden = false;
}

function refreshCount(said) {
  const left = items().length;
  count.innerHTML = "";
  const strong = document.createElement("strong");
  strong.textContent = String(left);
  count.append(strong, ` waiting${said ? ` · ${said}` : ""}`);
  empty.hidden = left > 0;
  document.querySelectorAll("[data-decide-all]").forEach((button) => (button.disabled = left === 0));
}

async function decide(item, decision) {
  message.hidden = true;
  try {
    await api(`/api/suggestions/${item.dataset.id}/${decision}`, { method: "POST" });
  } catch (error) {
    showError(error);
    return;
  }
  const next = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  refreshCount(decision === "accept" ? "accepted" : "rejected");
  if (next) next.focus();
}

async function decideAll(decision) {
  const left = items().length;
  const verb = decision === "accept" ? "Accept" : "Reject";
  if (!window.confirm(`${verb} all ${left} suggestions?`)) return;
  message.hidden = true;
  try {
    const answer = await api(`/api/${scope}/suggestions/${decision}-all`, { method: "POST" });
    items().forEach((item) => item.remove());
    refreshCount(`${answer.decided} ${decision}ed`);
  } catch (error) {
    showError(error);
  }
}

queue.addEventListener("click", (event) => {
  const button = event.target.closest("[data-decide]");
  if (button) decide(button.closest(".suggestion"), button.dataset.decide);
});

document.querySelectorAll("[data-decide-all]").forEach((button) => {
  button.addEventListener("click", () => decideAll(button.dataset.decideAll));
});

const focused = () => document.activeElement.closest?.(".suggestion");

function step(by) {
  const list = items();
  const target = list[Math.min(Math.max(list.indexOf(focused()) + by, 0), list.length - 1)];
  if (target) target.focus();
}

function decideFocused(decision) {
  const current = focused();
  if (!current) return false;
  decide(current, decision);
}

function decideEvery(decision) {
  if (!items().length) return false;
  decideAll(decision);
}

onKeys({
  j: () => step(1),
  k: () => step(-1),
  a: () => decideFocused("accept"),
  r: () => decideFocused("reject"),
  A: () => decideEvery("accept"),
  R: () => decideEvery("reject"),
});
