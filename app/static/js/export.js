// Export page: import a JSON-LD file and say what was placed and what was not. A large import
// runs in the worker: its progress is shown until its report is ready.
import { api, el } from "./api.js";

const { project } = JSON.parse(document.getElementById("export-data").textContent);
const form = document.getElementById("import-form");
const result = document.getElementById("import-result");
const POLL_MS = 1000;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  result.replaceChildren(el("p", {}, "Importing…"));
  try {
    let report = await api(`/api/projects/${project}/import`, { method: "POST", body: new FormData(form) });
    if (report.import) report = await followImport(report.import);
    showReport(report);
  } catch (error) {
    result.replaceChildren(el("p", { class: "alarm-text" }, error.message));
  }
});

async function followImport(job) {
  while (job.status === "queued" || job.status === "running") {
    result.replaceChildren(el("p", {}, `Importing in the background: ${job.done} of ${job.total} annotations placed…`));
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await api(`/api/imports/${job.id}`);
  }
  if (job.status === "failed") throw new Error(job.error);
  return job;
}

function showReport(report) {
  const lines = [el("p", {}, `${report.created} annotations imported.`)];
  if (report.unplaced.length) {
    lines.push(el("p", { class: "alarm-text" }, `${report.unplaced.length} could not be placed:`));
    const list = el("ul");
    report.unplaced.forEach((item) => list.append(el("li", {}, `#${item.index + 1}: ${item.reason}`)));
    lines.push(list);
  }
  result.replaceChildren(...lines);
}
