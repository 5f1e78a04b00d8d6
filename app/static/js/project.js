// Project page: upload by drop or picker, one request per file, and live progress bars.
import { api, el } from "./api.js";

const data = JSON.parse(document.getElementById("project-data").textContent);
const rows = document.getElementById("document-rows");
const messages = document.getElementById("upload-messages");
const documents = new Map(data.documents.map((d) => [d.id, d]));
let polling = null;

function statusText(doc) {
  if (doc.status === "queued") return "Queued";
  if (doc.status === "processing") {
    return doc.page_count ? `Processing: ${doc.pages_done} of ${doc.page_count} pages` : "Processing: opening the file";
  }
  if (doc.status === "ready") return "Ready";
  return `Failed: ${doc.error}`;
}

function documentRow(doc) {
  const row = el("tr", { "data-document-id": doc.id, "data-status": doc.status });
  const titleCell = el("td");
  const link = el("a", { href: `/documents/${doc.id}` }, doc.title);
  const facts = [doc.agency, doc.oia_reference, doc.date_released && `released ${doc.date_released}`, doc.filename];
  titleCell.append(link, el("div", { class: "muted small" }, facts.filter(Boolean).join(" · ")));
  const edit = el("a", { href: `/documents/${doc.id}/edit`, class: "small" }, "Edit details");
  titleCell.append(edit);
  const pagesCell = el("td", { class: "num" }, doc.page_count == null ? "–" : String(doc.page_count));
  const statusCell = el("td", { class: `status status-${doc.status}` });
  const bar = el("progress", { max: "1", value: String(doc.progress), "aria-label": `Progress of ${doc.title}` });
  statusCell.append(bar, el("span", { class: "status-text" }, statusText(doc)));
  row.append(titleCell, pagesCell, statusCell);
  return row;
}

function render() {
  rows.replaceChildren(...[...documents.values()].map(documentRow));
  document.getElementById("no-documents").hidden = documents.size > 0;
}

function busy() {
  return [...documents.values()].some((d) => d.status === "queued" || d.status === "processing");
}

async function poll() {
  try {
    const body = await api(`/api/projects/${data.id}/documents`);
    body.documents.forEach((d) => documents.set(d.id, d));
    render();
  } catch (error) {
    showMessage(error.message, "error");
  }
  polling = busy() ? setTimeout(poll, 1000) : null;
}

function startPolling() {
  if (!polling && busy()) polling = setTimeout(poll, 500);
}

function showMessage(text, kind) {
  messages.append(el("li", { class: `flash flash-${kind}`, role: kind === "error" ? "alert" : "status" }, text));
}

async function uploadFile(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const body = await api(`/api/projects/${data.id}/documents`, { method: "POST", body: form });
    body.documents.forEach((d) => {
      if (documents.has(d.id)) showMessage(`“${file.name}” is already in this project.`, "info");
      documents.set(d.id, d);
    });
    render();
    startPolling();
  } catch (error) {
    showMessage(`${file.name}: ${error.message}`, "error");
  }
}

async function uploadAll(files) {
  messages.replaceChildren();
  // Two at a time: the server works while the next file is on its way.
  const queue = [...files];
  const lane = async () => {
    while (queue.length) await uploadFile(queue.shift());
  };
  await Promise.all([lane(), lane()]);
}

// A viewer has no upload area: only editors and owners may upload.
const dropzone = document.getElementById("dropzone");
const input = document.getElementById("file-input");
if (dropzone) {
  input.addEventListener("change", () => {
    uploadAll(input.files);
    input.value = "";
  });
  dropzone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropzone.classList.add("dragging");
  });
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("dragging"));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("dragging");
    uploadAll(event.dataTransfer.files);
  });
  dropzone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });
}

render();
startPolling();
