// The execution page while its run goes on: steps join the attempt's timeline and output
// joins the output box as the agent works (events of this execution only: the page's
// stream is /ui/events?execution=ID). The region itself is re-read when the run starts,
// retries or ends (app.js), which brings the stored, final picture.
"use strict";

(function () {
  const region = document.querySelector('[data-region="execution"][data-execution]');
  if (!region) return;
  const executionId = region.dataset.execution;
  const OUTPUT_KEEP = 256 * 1024; // characters kept in the page; the stored output is the record
  const span = (ms) => {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return "?";
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    return (window.agentcron && window.agentcron.span) ? window.agentcron.span(ms) : `${Math.round(ms / 1000)} s`;
  };
  const number = (n) => (typeof n === "number" ? n.toLocaleString("en") : "—");

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function svg(tag, attrs) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
    return el;
  }

  // The attempt's section, made when a retry starts before the page is re-read.
  function timelineFor(attempt) {
    let list = region.querySelector(`[data-timeline][data-attempt="${attempt}"]`);
    if (list) return list;
    const card = region.querySelector("[data-timeline-empty]");
    const holder = card ? card.parentElement : region.querySelector("[data-attempt-section]")?.parentElement;
    if (!holder) return null;
    if (card) card.remove();
    const section = element("section", "attempt");
    section.dataset.attemptSection = String(attempt);
    section.dataset.startedAt = new Date().toISOString();
    section.appendChild(element("h3", "attempt-head", `Attempt ${attempt}`));
    list = element("ol", "timeline");
    list.dataset.timeline = "";
    list.dataset.attempt = String(attempt);
    section.appendChild(list);
    holder.appendChild(section);
    return list;
  }

  function stepItem(step, startedAt) {
    const kind = step.kind === "llm" ? "model" : step.kind;
    const item = element("li", `step step-${step.kind}${step.error ? " has-error" : ""} is-new`);
    item.dataset.step = "";
    item.dataset.kind = step.kind;
    const details = element("details");
    const summary = element("summary");
    summary.appendChild(element("span", "step-kind", kind));
    summary.appendChild(element("span", "step-name mono", step.name));
    const at = Date.parse(step.started_at);
    const offset = Number.isNaN(at) || Number.isNaN(startedAt) ? null : Math.max(0, at - startedAt);
    const where = element("span", "step-at muted small", `+${span(offset)}`);
    where.title = "from the attempt's start";
    summary.appendChild(where);
    summary.appendChild(element("span", "step-duration small", span(step.duration_ms || 0)));
    if (step.input_tokens !== null && step.input_tokens !== undefined || step.output_tokens !== null && step.output_tokens !== undefined) {
      summary.appendChild(element("span", "step-tokens muted small", `${number(step.input_tokens)} in · ${number(step.output_tokens)} out`));
    }
    if (step.error) summary.appendChild(element("span", "step-error error-text small", step.error.slice(0, 120)));
    details.appendChild(summary);
    const body = element("div", "step-detail");
    if (step.error) {
      body.appendChild(element("h4", "", "Error"));
      body.appendChild(element("pre", "pre error-text", step.error));
    }
    for (const [name, value] of Object.entries(step.detail || {})) {
      body.appendChild(element("h4", "", name.charAt(0).toUpperCase() + name.slice(1)));
      body.appendChild(element("pre", "pre", value));
    }
    if (!body.childElementCount) body.appendChild(element("p", "muted small", "No detail was kept for this step."));
    details.appendChild(body);
    item.appendChild(details);
    return item;
  }

  // Steps already shown (from the page, or an earlier event) are not shown twice.
  const key = (step) => `${step.kind}|${step.name}|${step.started_at}`;
  const seen = new Set();

  function addStep(data) {
    const step = data.step;
    if (!step || seen.has(key(step))) return;
    seen.add(key(step));
    const list = timelineFor(data.attempt);
    if (!list) return;
    const section = list.closest("[data-attempt-section]");
    const startedAt = Date.parse(section ? section.dataset.startedAt : "");
    const none = section && section.querySelector("[data-no-steps]");
    if (none) none.remove();
    const item = stepItem(step, startedAt);
    const at = Date.parse(step.started_at);
    if (!Number.isNaN(at) && !Number.isNaN(startedAt)) {
      const start = Math.max(0, at - startedAt);
      item.dataset.startMs = String(start);
      item.dataset.lengthMs = String(step.duration_ms || 0);
      item.dataset.endMs = String(start + (step.duration_ms || 0));
    }
    list.appendChild(item);
    redrawBars(list, startedAt);
  }

  // Each step's place on the attempt's line, as the line grows.
  function redrawBars(list, startedAt) {
    const items = [...list.querySelectorAll("[data-step]")];
    const ends = items.map((li) => Number(li.dataset.endMs) || 0);
    const total = Math.max(1, Date.now() - startedAt, ...ends);
    for (const li of items) {
      let bar = li.querySelector(".step-bar");
      const start = Number(li.dataset.startMs);
      const length = Number(li.dataset.lengthMs);
      if (Number.isNaN(start) || Number.isNaN(length)) continue;
      if (!bar) {
        bar = svg("svg", { class: "step-bar", viewBox: "0 0 100 4", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
        bar.appendChild(svg("rect", { class: "bar-track", x: 0, y: 0, width: 100, height: 4 }));
        bar.appendChild(svg("rect", { class: "bar-fill", x: 0, y: 0, width: 1, height: 4 }));
        li.querySelector("summary").appendChild(bar);
      }
      const x = Math.min(100, (100 * start) / total);
      const fill = bar.querySelector(".bar-fill");
      fill.setAttribute("x", x.toFixed(2));
      fill.setAttribute("width", Math.max(0.6, Math.min(100 - x, (100 * length) / total)).toFixed(2));
    }
  }

  function addOutput(chunk) {
    if (!chunk) return;
    const box = region.querySelector("[data-live-output]");
    if (!box) return;
    const empty = region.querySelector("[data-no-output]");
    if (empty) empty.remove();
    box.hidden = false;
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    let text = box.textContent + chunk;
    if (text.length > OUTPUT_KEEP) text = "…" + text.slice(text.length - OUTPUT_KEEP);
    box.textContent = text;
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function remember() {
    for (const li of region.querySelectorAll("[data-step][data-key]")) seen.add(li.dataset.key);
  }

  document.addEventListener("agentcron:event", (event) => {
    const { type, data } = event.detail || {};
    if (!data || data.execution_id !== executionId) return;
    if (type === "execution.step") addStep(data);
    else if (type === "execution.output") addOutput(data.chunk);
  });
  region.addEventListener("region:updated", () => { seen.clear(); remember(); });
  remember();
})();
