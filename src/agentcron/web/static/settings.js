// The settings page's zone picker: a search box that narrows the list of zones as you type
// (by name, city or offset). Without this script the list itself still works.
"use strict";

(function () {
  const form = document.querySelector("[data-zone-picker]");
  if (!form) return;
  const search = form.querySelector("[data-zone-search]");
  const list = form.querySelector("select");
  const count = form.querySelector("[data-zone-count]");
  const options = [...list.options];
  const norm = (text) => text.toLowerCase().replace(/[_\s]+/g, " ");
  search.hidden = false;

  function narrow() {
    const words = norm(search.value).split(" ").filter(Boolean);
    let shown = 0;
    let first = null;
    for (const option of options) {
      const hay = norm(option.textContent);
      const match = words.every((w) => hay.includes(w));
      option.hidden = !match;
      if (match) {
        shown += 1;
        if (!first) first = option;
      }
    }
    if (list.selectedOptions.length === 0 || list.selectedOptions[0].hidden) {
      if (first) first.selected = true;
    }
    count.textContent = words.length ? `${shown} zone${shown === 1 ? "" : "s"} match` : "";
  }

  search.addEventListener("input", narrow);
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      list.focus();
    }
  });
  const chosen = list.selectedOptions[0];
  if (chosen) chosen.scrollIntoView({ block: "nearest" });
})();
