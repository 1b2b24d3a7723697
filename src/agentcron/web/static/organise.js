// agentcron: organising many schedules. Tag chips filter as they are clicked; rows can be
// ticked and acted on together from the selection bar (after a confirmation naming how
// many); the schedule page previews a backfill's slots before running them.
"use strict";

(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) throw new Error(data.message || data.error || `the server answered ${response.status}`);
    return data;
  }

  // -- tag chips: filter without pressing a button ------------------------------------------
  function setupChips() {
    for (const chip of document.querySelectorAll("input[data-tag-chip]")) {
      chip.addEventListener("change", () => chip.form.requestSubmit());
    }
  }

  // -- the selection bar --------------------------------------------------------------------
  function setupSelection() {
    const bar = document.getElementById("selection-bar");
    if (!bar) return;
    const chosen = new Set();
    let allMatching = false;
    const total = Number(bar.dataset.total) || 0;
    const count = document.getElementById("selection-count");
    const problem = document.getElementById("selection-problem");
    const matching = document.getElementById("select-matching");
    const dialog = document.getElementById("bulk-confirm");
    const rows = () => [...document.querySelectorAll("input.row-select")];

    function render() {
      const boxes = rows();
      for (const box of boxes) box.checked = allMatching || chosen.has(box.value);
      const pageBox = document.getElementById("select-page");
      if (pageBox) {
        const ticked = boxes.filter((b) => b.checked).length;
        pageBox.checked = boxes.length > 0 && ticked === boxes.length;
        pageBox.indeterminate = ticked > 0 && ticked < boxes.length;
      }
      const n = allMatching ? total : chosen.size;
      bar.hidden = n === 0 && !problem.textContent;
      count.textContent = allMatching ? `All ${total} matching selected` : `${n} selected`;
      matching.hidden = allMatching || total <= boxes.length || !boxes.length || !boxes.every((b) => b.checked);
    }

    document.addEventListener("change", (event) => {
      const target = event.target;
      if (target.matches && target.matches("input.row-select")) {
        allMatching = false;
        if (target.checked) chosen.add(target.value); else chosen.delete(target.value);
        problem.textContent = "";
        render();
      } else if (target.id === "select-page") {
        allMatching = false;
        for (const box of rows()) { if (target.checked) chosen.add(box.value); else chosen.delete(box.value); }
        problem.textContent = "";
        render();
      }
    });
    document.addEventListener("region:updated", render);
    matching.addEventListener("click", () => { allMatching = true; render(); });
    document.getElementById("selection-clear").addEventListener("click", () => {
      chosen.clear(); allMatching = false; problem.textContent = ""; render();
    });

    function filters() {
      const params = new URLSearchParams(window.location.search);
      return { agent: params.get("agent") || "", enabled: params.get("enabled") || "", q: params.get("q") || "", tag: params.getAll("tag") };
    }

    function ask(question) {
      if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(question));
      document.getElementById("bulk-confirm-text").textContent = question;
      return new Promise((resolve) => {
        dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
        dialog.returnValue = "";
        dialog.showModal();
        document.getElementById("bulk-confirm-ok").focus();
      });
    }

    async function reloadRows() {
      const region = document.querySelector('[data-region="rows"]');
      if (!region) return;
      const url = new URL(window.location.href);
      url.searchParams.set("fragment", "rows");
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (response.ok) {
        region.innerHTML = await response.text();
        region.dispatchEvent(new CustomEvent("region:updated", { bubbles: true }));
      }
    }

    const VERBS = { enable: "Enable", disable: "Disable", run: "Run", delete: "Delete", tag: "Tag", untag: "Untag" };
    const DONE = { enable: "Enabled", disable: "Disabled", run: "Queued", delete: "Deleted", tag: "Tagged", untag: "Untagged" };
    for (const button of bar.querySelectorAll("[data-bulk]")) {
      button.addEventListener("click", async () => {
        const action = button.dataset.bulk;
        const body = { action };
        const tagInput = document.getElementById("bulk-tag");
        if (action === "tag" || action === "untag") {
          const tag = tagInput.value.trim();
          if (!tag) { problem.textContent = "Type the tag first."; tagInput.focus(); return; }
          body.tags = [tag];
        }
        const n = allMatching ? total : chosen.size;
        if (!n) return;
        if (allMatching) { body.all = true; body.filter = filters(); } else { body.ids = [...chosen]; }
        const noun = n === 1 ? "schedule" : "schedules";
        const extra = body.tags ? ` with “${body.tags[0]}”` : "";
        const warning = action === "delete" ? " Their history goes too." : "";
        if (!(await ask(`${VERBS[action]} ${n} ${noun}${extra}?${warning}`))) return;
        problem.textContent = "";
        try {
          const answer = await postJson("/schedules/bulk", body);
          chosen.clear(); allMatching = false;
          const failed = answer.problems.map((p) => `${p.id.slice(0, 8)}: ${p.problem}`).join("; ");
          problem.textContent = failed ? `Not changed: ${failed}` : "";
          await reloadRows();
          render();
          bar.hidden = false;
          count.textContent = `${DONE[action]} ${answer.applied} of ${answer.total}.`;
        } catch (error) {
          problem.textContent = error.message;
          render();
        }
      });
    }
    render();
  }

  // -- backfill with a preview of its slots ------------------------------------------------
  function setupBackfill() {
    const form = document.getElementById("backfill-form");
    if (!form) return;
    const url = form.dataset.backfill;
    const problem = document.getElementById("backfill-problem");
    const list = document.getElementById("backfill-slots");
    const runButton = document.getElementById("backfill-run");
    const body = () => ({ from: form.elements.from.value, to: form.elements.to.value });

    function show(answer) {
      list.textContent = "";
      const head = document.createElement("p");
      const slots = answer.slots;
      head.textContent = answer.dry_run
        ? `${slots.length} slot${slots.length === 1 ? "" : "s"} without an execution` + (answer.existing ? ` (${answer.existing} already ran)` : "") + "."
        : `Queued ${answer.created} slot${answer.created === 1 ? "" : "s"}; they run oldest first.`;
      list.appendChild(head);
      if (answer.dry_run && slots.length) {
        const ul = document.createElement("ul");
        for (const slot of slots) { const li = document.createElement("li"); li.textContent = slot; ul.appendChild(li); }
        list.appendChild(ul);
      }
      runButton.hidden = !(answer.dry_run && slots.length);
      if (!runButton.hidden) runButton.textContent = `Run these ${slots.length} slot${slots.length === 1 ? "" : "s"}`;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      problem.textContent = "";
      try { show(await postJson(url, { ...body(), dry_run: true })); }
      catch (error) { problem.textContent = error.message; list.textContent = ""; runButton.hidden = true; }
    });
    runButton.addEventListener("click", async () => {
      problem.textContent = "";
      try { show(await postJson(url, body())); }
      catch (error) { problem.textContent = error.message; }
    });
  }

  // -- the editor's timing presets ------------------------------------------------------------
  function setupPresets() {
    const select = document.querySelector("select[data-presets]");
    if (!select) return;
    const set = (id, value) => {
      const field = document.getElementById(id);
      if (!field) return;
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    };
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      if (!option || !option.value) return;
      const mode = document.getElementById(`mode-${option.dataset.type}`);
      if (mode) { mode.checked = true; mode.dispatchEvent(new Event("change", { bubbles: true })); }
      if (option.dataset.type === "cron") set("cron_expression", option.dataset.cron);
      else { set("interval_value", option.dataset.every); set("interval_unit", option.dataset.unit); }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupPresets();
    setupChips();
    setupSelection();
    setupBackfill();
  });
})();
