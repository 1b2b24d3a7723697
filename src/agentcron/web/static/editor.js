// The schedule editor: a preview that follows what you type (debounced, from the server,
// so it says exactly what will be saved) and a visual cron builder that writes the
// expression and reads it back. Without this script the form still works: the server
// checks everything and shows problems beside the fields, and a Preview button posts.
"use strict";

(function () {
  const form = document.getElementById("schedule-form");
  if (!form) return;
  const csrf = form.querySelector('input[name="csrf_token"]').value;
  const previewUrl = form.dataset.previewUrl;
  const body = form.querySelector("[data-preview-body]");
  const panel = document.getElementById("preview");
  const PREVIEW_FIELDS = ["text", "command_text", "agent_id", "cron_expression", "interval_value",
    "interval_unit", "run_at", "timezone"];
  let lastSentence = null;

  const $ = (name) => form.elements.namedItem(name);
  const mode = () => (form.querySelector('input[name="mode"]:checked') || {}).value || "sentence";

  // -- preview ---------------------------------------------------------------------------------
  let timer = 0;
  let sequence = 0;
  let controller = null;

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // A refusal's fix may name an in-app help page ("/help/sentences"): as a link.
  function appendLinked(parent, text) {
    const parts = text.split(/(\/help\/[a-z-]+)/);
    for (const part of parts) {
      if (/^\/help\/[a-z-]+$/.test(part)) {
        const link = element("a", "", part);
        link.href = part;
        parent.appendChild(link);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    }
  }

  function placeholder(message) {
    body.replaceChildren(element("p", "muted", message));
  }

  function hasInput() {
    const m = mode();
    if (m === "sentence") return $("text").value.trim().length > 0;
    if (m === "cron") return $("cron_expression").value.trim().length > 0;
    if (m === "interval") return $("interval_value").value.trim().length > 0;
    return $("run_at").value.trim().length > 0;
  }

  function render(data) {
    if (!data.ok) {
      const list = element("ul", "preview-problems");
      for (const p of data.problems) {
        const item = element("li");
        if (p.label) item.appendChild(document.createTextNode(`${p.label}: `));
        item.appendChild(element("strong", "", p.message));
        if (p.fix) {
          item.appendChild(document.createTextNode(" — "));
          appendLinked(item, p.fix);
        }
        list.appendChild(item);
      }
      body.replaceChildren(list);
      return;
    }
    const parts = [element("p", "preview-description", data.description)];
    parts[0].dataset.previewDescription = "";
    if (data.command) {
      const facts = element("dl", "preview-facts");
      facts.appendChild(element("dt", "", "Agent"));
      const agent = element("dd");
      if (data.agent) {
        agent.appendChild(element("span", `agent hue-${data.hue}`, `@${data.agent}`));
      } else {
        const known = (data.agents || []).map((h) => `@${h}`).join(", ");
        agent.appendChild(element("span", "field-error", `none: start the command with @handle${known ? ` (${known})` : ""}`));
      }
      facts.appendChild(agent);
      facts.appendChild(element("dt", "", "Command"));
      facts.appendChild(element("dd", "", data.command));
      parts.push(facts);
    }
    const heading = element("h3", "small-title", "Next runs ");
    const both = data.next_runs.some((run) => run.viewer);
    heading.appendChild(element("span", "muted small",
      `in ${data.timezone}${both ? ` · yours in ${data.viewer_timezone}` : ""}`));
    parts.push(heading);
    const runs = element("ol", "runs");
    for (const run of data.next_runs) {
      const item = element("li");
      const time = element("time", "", run.local);
      time.setAttribute("datetime", run.at);
      time.title = run.title;
      item.appendChild(time);
      if (run.viewer) {
        item.appendChild(document.createTextNode(" "));
        const theirs = element("span", "viewer-zone", `= ${run.viewer}`);
        theirs.dataset.viewerTime = "";
        item.appendChild(theirs);
      }
      item.appendChild(document.createTextNode(" "));
      const rel = element("time", "muted", run.relative);
      rel.setAttribute("datetime", run.at);
      rel.dataset.relative = "";
      item.appendChild(rel);
      runs.appendChild(item);
    }
    if (!data.next_runs.length) runs.appendChild(element("li", "muted", "No future runs."));
    parts.push(runs);
    if (data.notes && data.notes.length) {
      const notes = element("ul", "preview-notes");
      notes.dataset.previewNotes = "";
      for (const note of data.notes) {
        const item = element("li");
        appendLinked(item, note);
        notes.appendChild(item);
      }
      parts.push(notes);
    }
    if (data.needs_confirmation) {
      // The same reading, already ticked, stays ticked (a preview redrawn as the page loads
      // or as another field changes); a different reading asks again.
      const shown = body.querySelector('input[name="model_reading"]');
      const ticked = body.querySelector('input[name="accept_model_reading"]');
      const box = modelReading(data);
      if (shown && ticked && ticked.checked && shown.value === data.model_reading) {
        box.querySelector('input[name="accept_model_reading"]').checked = true;
      }
      parts.push(box);
    }
    body.replaceChildren(...parts);
  }

  // A model read the sentence the grammar refused: say so, show its reading, and save it
  // only with this box ticked (the hidden field names the reading shown, so a different
  // answer next time is refused rather than saved).
  function modelReading(data) {
    const box = element("div", "model-reading");
    box.dataset.modelReading = "";
    const said = element("p");
    said.appendChild(element("strong", "", `Interpreted by ${data.interpreted_by}`));
    said.appendChild(document.createTextNode(
      `: the grammar did not understand the sentence (${data.grammar_refusal}).`));
    box.appendChild(said);
    const reading = element("p", "", "It read it as: ");
    reading.appendChild(element("em", "", data.description));
    if (data.command) {
      reading.appendChild(document.createTextNode(
        `, asking ${data.agent ? `@${data.agent}` : "no agent"} to “${data.command}”`));
    }
    reading.appendChild(document.createTextNode("."));
    box.appendChild(reading);
    const label = element("label", "check");
    const tick = element("input");
    tick.type = "checkbox";
    tick.name = "accept_model_reading";
    tick.value = "on";
    label.appendChild(tick);
    label.appendChild(document.createTextNode(" Use this reading"));
    box.appendChild(label);
    const hidden = element("input");
    hidden.type = "hidden";
    hidden.name = "model_reading";
    hidden.value = data.model_reading;
    box.appendChild(hidden);
    return box;
  }

  async function preview() {
    if (!hasInput()) {
      placeholder("Describe the command and when to run it; the schedule in words and its next five runs appear here.");
      return;
    }
    const payload = { mode: mode() };
    for (const name of PREVIEW_FIELDS) payload[name] = ($(name) || {}).value || "";
    const mine = ++sequence;
    if (controller) controller.abort();
    controller = new AbortController();
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(previewUrl, {
        method: "POST",
        body: JSON.stringify(payload),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (mine !== sequence) return;
      if (!response.ok) {
        placeholder(`The preview is unavailable (HTTP ${response.status}).`);
        return;
      }
      const data = await response.json();
      if (mine !== sequence) return;
      if (payload.mode === "sentence" && data.ok) lastSentence = data;
      render(data);
    } catch (error) {
      if (error.name !== "AbortError") placeholder("The preview is unavailable right now.");
    } finally {
      if (mine === sequence) panel.removeAttribute("aria-busy");
    }
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, 300);
  }

  for (const name of PREVIEW_FIELDS) {
    const field = $(name);
    if (!field) continue;
    field.addEventListener("input", later);
    field.addEventListener("change", later);
  }

  // Switching from a sentence to a structured mode carries over what the sentence said.
  for (const radio of form.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => {
      const spec = lastSentence && lastSentence.spec;
      if (spec && mode() !== "sentence") {
        if (!$("command_text").value.trim() && lastSentence.command_raw) $("command_text").value = lastSentence.command_raw;
        if (spec.cron_expression && !$("cron_expression").value.trim()) {
          $("cron_expression").value = spec.cron_expression;
          readBack();
        }
        if (spec.interval_value && !$("interval_value").value.trim()) {
          $("interval_value").value = spec.interval_value;
          $("interval_unit").value = spec.interval_unit;
        }
        if (spec.run_at_local && !$("run_at").value) $("run_at").value = spec.run_at_local;
      }
      later();
    });
  }

  // -- the cron builder --------------------------------------------------------------------------
  const builder = document.getElementById("cron-builder");
  const cron = $("cron_expression");
  const FIELDS = ["minute", "hour", "dom", "month", "dow"];
  const RANGE = { minute: [0, 59], hour: [0, 23], dom: [1, 31], month: [1, 12], dow: [0, 6] };
  const NAMES = {
    month: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
    dow: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 },
  };
  const MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
  };
  let writing = false;

  function row(field) { return builder.querySelector(`[data-cb-field="${field}"]`); }

  function number(token, field) {
    const names = NAMES[field] || {};
    const value = token in names ? names[token] : (/^\d+$/.test(token) ? Number(token) : NaN);
    if (field === "dow" && value === 7) return 0;
    const [low, high] = RANGE[field];
    return value >= low && value <= high ? value : NaN;
  }

  // One field's text → {mode, values|step|custom}.
  function parseField(text, field) {
    const t = text.toLowerCase();
    if (t === "*" || t === "?") return field === "minute" ? { mode: "custom", custom: text } : { mode: "any" };
    const step = /^\*\/(\d+)$/.exec(t);
    if (step && (field === "minute" || field === "hour")) return { mode: "step", step: Number(step[1]) };
    const values = new Set();
    for (const token of t.split(",")) {
      const range = /^([a-z0-9]+)-([a-z0-9]+)$/.exec(token);
      if (range) {
        const a = number(range[1], field);
        // "1-7" in the day-of-week field runs Monday to Sunday.
        const end = field === "dow" && range[2] === "7" ? 7 : number(range[2], field);
        if (Number.isNaN(a) || Number.isNaN(end) || a > end) return { mode: "custom", custom: text };
        for (let v = a; v <= end; v++) values.add(field === "dow" ? v % 7 : v);
      } else {
        const v = number(token, field);
        if (Number.isNaN(v)) return { mode: "custom", custom: text };
        values.add(v);
      }
    }
    return { mode: field === "minute" ? "at" : "pick", values };
  }

  // [1,2,3,4,5] → "1-5"; [0,6] → "0,6"; runs of three or more become ranges.
  function compact(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const parts = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
      else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
      i = j + 1;
    }
    return parts.join(",");
  }

  function showMode(field, value) {
    const r = row(field);
    const select = r.querySelector("[data-cb-mode]");
    if (value === "custom") select.querySelector('option[value="custom"]').hidden = false;
    select.value = value;
    for (const el of r.querySelectorAll("[data-cb-show]")) el.hidden = el.dataset.cbShow !== value;
  }

  function apply(field, state) {
    const r = row(field);
    showMode(field, state.mode);
    if (state.mode === "step") r.querySelector("[data-cb-step]").value = state.step;
    if (state.mode === "custom") r.querySelector("[data-cb-custom]").textContent = state.custom;
    if (state.mode === "at") r.querySelector("[data-cb-list]").value = compact(state.values);
    for (const box of r.querySelectorAll("[data-cb-pick]")) {
      box.checked = state.mode === "pick" && state.values.has(Number(box.value));
    }
  }

  function fieldText(field) {
    const r = row(field);
    const value = r.querySelector("[data-cb-mode]").value;
    if (value === "any") return "*";
    if (value === "step") return `*/${Math.max(1, Number(r.querySelector("[data-cb-step]").value) || 1)}`;
    if (value === "custom") return r.querySelector("[data-cb-custom]").textContent || "*";
    if (value === "at") return r.querySelector("[data-cb-list]").value.replace(/\s+/g, "") || "0";
    const picked = [...r.querySelectorAll("[data-cb-pick]:checked")].map((b) => Number(b.value));
    return picked.length ? compact(picked) : "*";
  }

  function write() {
    writing = true;
    cron.value = FIELDS.map(fieldText).join(" ");
    cron.dispatchEvent(new Event("input", { bubbles: true }));
    writing = false;
    note("Picked in the builder; the expression above follows.");
  }

  function note(message) {
    const el = builder.querySelector("[data-builder-note]");
    if (el) el.textContent = message;
  }

  function readBack() {
    let text = cron.value.trim();
    if (!text) {
      apply("minute", { mode: "at", values: new Set([0]) });
      apply("hour", { mode: "pick", values: new Set([9]) });
      for (const field of ["dom", "month", "dow"]) apply(field, { mode: "any" });
      note("Pick the times; the expression above follows.");
      return;
    }
    text = MACROS[text.toLowerCase()] || text;
    const parts = text.split(/\s+/);
    if (parts.length !== 5) {
      note("This expression cannot be shown in the builder; edit it above.");
      return;
    }
    FIELDS.forEach((field, i) => apply(field, parseField(parts[i], field)));
    note("The builder shows the expression above.");
  }

  if (builder && cron) {
    builder.hidden = false;
    readBack();
    cron.addEventListener("input", () => { if (!writing) readBack(); });
    for (const field of FIELDS) {
      const r = row(field);
      r.querySelector("[data-cb-mode]").addEventListener("change", (event) => {
        showMode(field, event.target.value);
        write();
      });
      for (const input of r.querySelectorAll("[data-cb-pick], [data-cb-step], [data-cb-list]")) {
        input.addEventListener("input", write);
        input.addEventListener("change", write);
      }
      for (const preset of r.querySelectorAll("[data-cb-preset]")) {
        preset.addEventListener("click", () => {
          const wanted = new Set(preset.dataset.cbPreset.split(",").map(Number));
          apply(field, { mode: "pick", values: wanted });
          write();
        });
      }
    }
  }

  // -- the notification rule's summary follows the choice ---------------------------------------
  const summary = form.querySelector("[data-notify-summary]");
  const SUMMARIES = { follow: "· your channels", custom: "· chosen channels and events", silence: "· silenced" };
  for (const radio of form.querySelectorAll('input[name="notify_mode"]')) {
    radio.addEventListener("change", () => {
      if (summary && radio.checked) summary.textContent = SUMMARIES[radio.value] || "";
    });
  }

  // -- leaving with unsaved changes asks first -----------------------------------------------------
  let dirty = false;
  let submitting = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty || submitting) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need a value to ask
  });

  // A form the server sent back with problems: take the reader to the first one. A new
  // schedule starts in the sentence box, the cursor after what is there (a prefilled @handle).
  const problems = document.getElementById("form-problems");
  const sentence = $("text");
  if (problems) {
    problems.focus();
  } else if (sentence && sentence.hasAttribute("autofocus")) {
    sentence.focus();
    sentence.setSelectionRange(sentence.value.length, sentence.value.length);
  }
  if (hasInput()) preview();
})();
