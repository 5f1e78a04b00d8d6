// Export page: import a JSON-LD file and say what was placed and what was not.
import { api, el } from "./api.js";

const { project } = JSON.parse(document.getElementById("export-data").textContent);
const form = document.getElementById("import-form");
const result = document.getElementById("import-result");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  result.replaceChildren(el("p", {}, "Importing…"));
  try {
    const report = await api(`/api/projects/${project}/import`, { method: "POST", body: new FormData(form) });
    const lines = [el("p", {}, `${report.created} annotations imported.`)];
    if (report.unplaced.length) {
      lines.push(el("p", { class: "alarm-text" }, `${report.unplaced.length} could not be placed:`));
      const list = el("ul");
      report.unplaced.forEach((item) => list.append(el("li", {}, `#${item.index + 1}: ${item.reason}`)));
      lines.push(list);
    }
    result.replaceChildren(...lines);
  } catch (error) {
    result.replaceChildren(el("p", { class: "alarm-text" }, error.message));
  }
});
