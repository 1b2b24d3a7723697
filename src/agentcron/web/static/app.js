// agentcron: the small scripts every page shares. Pages work without them; with them,
// countdowns tick, regions update live over SSE, row actions post in place, deletes ask
// in a dialog, and the theme toggle remembers its choice.
"use strict";

(function () {
  const doc = document.documentElement;
  doc.classList.add("js");
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // -- announcements (aria-live) and toasts ---------------------------------------------
  function announce(message) {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = message; }, 50);
  }

  function toast(message, kind) {
    let box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.className = "toasts";
      document.body.appendChild(box);
    }
    const item = document.createElement("div");
    item.className = "toast" + (kind ? " toast-" + kind : "");
    item.setAttribute("role", kind === "error" ? "alert" : "status");
    item.textContent = message;
    box.appendChild(item);
    window.setTimeout(() => item.remove(), 5000);
  }

  // -- theme ------------------------------------------------------------------------------
  // The button shows the theme a press switches to: system → dark → light → system.
  const THEMES = ["", "dark", "light"];
  const SWITCH_TO = {
    dark: "Switch to the dark theme", light: "Switch to the light theme", "": "Follow the system theme",
  };
  const THEME_NAMES = { "": "follows your system", dark: "dark", light: "light" };
  function setupTheme() {
    const button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    const following = () => THEMES[(THEMES.indexOf(doc.dataset.theme || "") + 1) % THEMES.length];
    const label = () => {
      const next = following();
      button.dataset.next = next;
      button.setAttribute("aria-label", SWITCH_TO[next]);
      button.title = SWITCH_TO[next];
      const text = button.querySelector(".theme-label");
      if (text) text.textContent = SWITCH_TO[next];
    };
    button.hidden = false;
    label();
    button.addEventListener("click", () => {
      const next = following();
      if (next) {
        doc.dataset.theme = next;
        document.cookie = `agentcron_theme=${next}; path=/; max-age=31536000; samesite=lax`;
      } else {
        delete doc.dataset.theme;
        document.cookie = "agentcron_theme=; path=/; max-age=0; samesite=lax";
      }
      label();
      announce(`Theme: ${THEME_NAMES[next]}`);
    });
  }

  // -- the header's menu on small screens ------------------------------------------------------
  function setupMenu() {
    const bar = document.querySelector("[data-topbar]");
    const button = document.querySelector("[data-menu-toggle]");
    if (!bar || !button) return;
    button.hidden = false;
    const set = (open) => {
      bar.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    };
    button.addEventListener("click", () => set(!bar.classList.contains("is-open")));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && bar.classList.contains("is-open")) {
        set(false);
        button.focus();
      }
    });
  }

  // -- relative times and countdowns -------------------------------------------------------
  function span(ms, precise) {
    let total = Math.floor(Math.abs(ms) / 1000);
    if (total < 60) return `${total} s`;
    let minutes = Math.floor(total / 60);
    if (minutes < 60) {
      const seconds = total % 60;
      return precise ? `${minutes} min ${String(seconds).padStart(2, "0")} s` : `${minutes} min`;
    }
    let hours = Math.floor(minutes / 60);
    minutes %= 60;
    if (hours < 24) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
    const days = Math.floor(hours / 24);
    hours %= 24;
    return hours ? `${days} d ${hours} h` : `${days} d`;
  }

  function tick() {
    const now = Date.now();
    for (const el of document.querySelectorAll("time[data-countdown]")) {
      const at = Date.parse(el.getAttribute("datetime"));
      if (Number.isNaN(at)) continue;
      const left = at - now;
      const text = left > 500 ? `in ${span(left, true)}` : "due now";
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("is-due", left <= 500);
    }
    for (const el of document.querySelectorAll("time[data-relative]")) {
      const at = Date.parse(el.getAttribute("datetime"));
      if (Number.isNaN(at)) continue;
      const delta = at - now;
      const text = Math.abs(delta) < 1000 ? "now" : delta > 0 ? `in ${span(delta)}` : `${span(delta)} ago`;
      if (el.textContent !== text) el.textContent = text;
    }
  }

  // -- live regions ------------------------------------------------------------------------
  const pending = new Map();

  function regionUrl(region) {
    const url = new URL(window.location.href);
    url.searchParams.set("fragment", region.dataset.region);
    url.hash = "";
    return url.toString();
  }

  async function refresh(region) {
    let response;
    try {
      response = await fetch(regionUrl(region), { headers: { Accept: "text/html" }, credentials: "same-origin" });
    } catch (error) {
      return;
    }
    if (!response.ok) return;
    const html = await response.text();
    const focusedId = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id : "";
    const open = [...region.querySelectorAll("details[open][id]")].map((d) => d.id);
    region.innerHTML = html;
    for (const id of open) {
      const details = document.getElementById(id);
      if (details) details.open = true;
    }
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus({ preventScroll: true });
    }
    tick();
    region.dispatchEvent(new CustomEvent("region:updated", { bubbles: true }));
  }

  // At most one refresh per region per second (or per `data-refresh-min` seconds, for a
  // heavy one such as the calendar), however many events arrive: a burst of executions
  // costs a few requests, not one each.
  const lastRefresh = new Map();
  function schedule(region, delay) {
    if (pending.has(region)) return;
    const since = Date.now() - (lastRefresh.get(region) || 0);
    const least = 1000 * (Number(region.dataset.refreshMin) || 1);
    const wait = Math.max(delay === undefined ? 150 : delay, least - since);
    pending.set(region, window.setTimeout(async () => {
      pending.delete(region);
      lastRefresh.set(region, Date.now());
      await refresh(region);
    }, wait));
  }

  function refreshAll(kind, data) {
    for (const region of document.querySelectorAll("[data-region]")) {
      const on = (region.dataset.refreshOn || "").split(/\s+/);
      if (kind && !on.some((prefix) => prefix && kind.startsWith(prefix))) continue;
      const only = region.dataset.scheduleFilter;
      if (only && data && data.schedule_id && data.schedule_id !== only) continue;
      schedule(region);
    }
  }

  function labelFor(scheduleId) {
    const el = scheduleId && document.querySelector(`[data-schedule-id="${CSS.escape(scheduleId)}"][data-label]`);
    return el ? el.dataset.label : "A schedule";
  }

  const STATUS_WORDS = {
    success: "succeeded", failed: "failed", timed_out: "timed out", missed: "was missed",
    skipped: "was skipped", cancelled: "was cancelled",
  };

  // The stream ends every half minute and the browser reconnects by itself. A refusal (the
  // server caps streams per user) closes it for good: then try again a little later.
  function connect(attempt) {
    const url = document.body.dataset.events;
    if (!url || !window.EventSource) return;
    let opened = attempt ? 1 : 0;
    const source = new EventSource(url);
    source.addEventListener("hello", () => {
      opened += 1;
      attempt = 0;
      document.body.dataset.live = "connected";
      if (opened > 1) refreshAll(null, null); // we may have missed events while away
      // A run that changed between this page's render and the stream's start sent its
      // event to nobody: a region still in motion reads itself once the stream is open.
      else for (const region of document.querySelectorAll("[data-refresh-on-open]")) schedule(region, 0);
    });
    const onEvent = (event) => {
      let data = {};
      try { data = JSON.parse(event.data); } catch (error) { /* keep {} */ }
      refreshAll(event.type, data);
      // Other scripts (the bell, notify.js) follow the same stream without a second one.
      document.dispatchEvent(new CustomEvent("agentcron:event", { detail: { type: event.type, data } }));
      if (event.type === "execution.started") announce(`${labelFor(data.schedule_id)}: started`);
      if (event.type === "execution.finished") {
        announce(`${labelFor(data.schedule_id)}: ${STATUS_WORDS[data.status] || data.status}`);
      }
      if (event.type === "execution.retrying") announce(`${labelFor(data.schedule_id)}: will retry`);
    };
    // An execution's page hears its steps and output too (timeline.js draws them).
    const progress = (event) => {
      let data = {};
      try { data = JSON.parse(event.data); } catch (error) { return; }
      document.dispatchEvent(new CustomEvent("agentcron:event", { detail: { type: event.type, data } }));
    };
    source.addEventListener("execution.step", progress);
    source.addEventListener("execution.output", progress);
    for (const kind of [
      "execution.queued", "execution.started", "execution.finished", "execution.retrying",
      "schedule.created", "schedule.updated", "schedule.enabled", "schedule.disabled", "schedule.deleted",
      "notification.created", "notification.delivered",
    ]) {
      source.addEventListener(kind, onEvent);
    }
    source.addEventListener("error", () => {
      document.body.dataset.live = "reconnecting";
      if (source.readyState === EventSource.CLOSED) {
        const next = Math.min((attempt || 0) + 1, 6);
        window.setTimeout(() => connect(next), 5000 * next);
      }
    });
    // This browser's session was ended elsewhere (another tab, its token revoked). A form
    // this page is submitting (signing out here) navigates by itself.
    let leaving = false;
    document.addEventListener("submit", () => { leaving = true; }, true);
    source.addEventListener("signed-out", () => {
      source.close();
      if (!leaving) window.location.reload();
    });
    window.addEventListener("pagehide", () => source.close());
  }

  function periodic() {
    for (const region of document.querySelectorAll("[data-refresh-every]")) {
      const seconds = Number(region.dataset.refreshEvery);
      if (seconds > 0) window.setInterval(() => schedule(region, 0), seconds * 1000);
    }
  }

  // -- row actions posted in place ----------------------------------------------------------
  async function post(form) {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json", "X-CSRF-Token": csrf() },
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (error) { /* not JSON */ }
    if (!response.ok) throw new Error(data.message || data.error || `HTTP ${response.status}`);
    return data;
  }

  function setupAjaxForms() {
    document.addEventListener("submit", async (event) => {
      const form = event.target.closest("form[data-ajax]");
      if (!form) return;
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button) button.setAttribute("aria-busy", "true");
      const row = form.closest("[data-label]") || document.querySelector("[data-schedule-id][data-label]");
      const label = row ? row.dataset.label : "Schedule";
      try {
        const data = await post(form);
        if (form.dataset.ajax === "toggle") {
          const on = Boolean(data.enabled);
          announce(`${label}: ${on ? "enabled" : "disabled"}`);
          if (button) {
            button.setAttribute("aria-checked", on ? "true" : "false");
            const text = button.querySelector(".switch-text");
            if (text) text.textContent = on ? "On" : "Off";
          }
          const field = form.querySelector('input[name="enabled"]');
          if (field) field.value = on ? "false" : "true";
        } else if (form.dataset.ajax === "run") {
          toast(`Queued a run: ${label}`);
          announce(`${label}: run queued`);
        }
        refreshAll(null, null);
      } catch (error) {
        toast(`Could not do that: ${error.message}`, "error");
      } finally {
        if (button) button.removeAttribute("aria-busy");
      }
    });
  }

  // -- delete confirmation -------------------------------------------------------------------
  function setupDeleteDialog() {
    const dialog = document.getElementById("confirm-delete");
    if (!dialog || typeof dialog.showModal !== "function") return;
    const form = dialog.querySelector("[data-delete-form]");
    let opener = null;
    document.addEventListener("click", (event) => {
      const trigger = event.target.closest("[data-confirm-delete]");
      if (!trigger) return;
      event.preventDefault();
      opener = trigger;
      form.action = trigger.dataset.confirmDelete;
      const next = form.querySelector('input[name="next"]');
      if (next) next.value = trigger.dataset.deleteNext || "/schedules";
      const row = trigger.closest("[data-label]") || document.querySelector("[data-schedule-id][data-label]");
      dialog.querySelector("[data-delete-label]").textContent = row ? row.dataset.label : "";
      dialog.showModal();
    });
    dialog.querySelector("[data-dialog-close]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      if (opener && document.contains(opener)) opener.focus();
    });
  }

  // -- the browser's time zone -------------------------------------------------------------
  // Kept in a cookie the server reads (web/routing.py `visitor`): a user who never chose a
  // zone is offered this one, once (`suggested_timezone`).
  function rememberZone() {
    let zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    const pair = `agentcron_browser_tz=${encodeURIComponent(zone)}`;
    if (zone && !document.cookie.split("; ").includes(pair)) {
      document.cookie = `${pair}; path=/; max-age=31536000; samesite=lax`;
    }
  }

  // -- filters submit on change ---------------------------------------------------------------
  function setupAutosubmit() {
    for (const form of document.querySelectorAll("form[data-autosubmit]")) {
      for (const select of form.querySelectorAll("select")) {
        select.addEventListener("change", () => form.requestSubmit());
      }
    }
  }

  // -- charts: the value under the pointer, in words -------------------------------------------
  function setupCharts() {
    document.addEventListener("pointerover", (event) => {
      const bar = event.target.closest && event.target.closest("rect.bar");
      const figure = bar && bar.closest("figure.chart");
      const readout = figure && figure.querySelector("[data-chart-readout]");
      if (!readout) return;
      const title = bar.querySelector("title");
      for (const other of figure.querySelectorAll("rect.bar.is-hovered")) other.classList.remove("is-hovered");
      bar.classList.add("is-hovered");
      readout.textContent = title ? title.textContent : "";
    });
    document.addEventListener("pointerout", (event) => {
      const figure = event.target.closest && event.target.closest("figure.chart");
      if (!figure || (event.relatedTarget && figure.contains(event.relatedTarget))) return;
      const readout = figure.querySelector("[data-chart-readout]");
      if (readout) readout.textContent = readout.dataset.chartReadout || "";
      for (const other of figure.querySelectorAll("rect.bar.is-hovered")) other.classList.remove("is-hovered");
    });
  }

  function highlightCreated() {
    const created = new URL(window.location.href).searchParams.get("created");
    const row = created && document.getElementById(`schedule-${created}`);
    if (row) row.classList.add("flash-row");
  }

  rememberZone();
  document.addEventListener("DOMContentLoaded", () => {
    setupTheme();
    setupMenu();
    setupCharts();
    setupAjaxForms();
    setupDeleteDialog();
    setupAutosubmit();
    highlightCreated();
    tick();
    window.setInterval(tick, 1000);
    connect(0);
    periodic();
  });

  window.agentcron = { announce, toast, span };
})();
