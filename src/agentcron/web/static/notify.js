// agentcron: the notification bell. It lists your recent notices (from /ui/notifications),
// counts the ones you have not seen, and follows the page's live event stream (app.js
// forwards each event as "agentcron:event"). Browser notifications are offered, and asked
// for, only when you click the button for them.
"use strict";

(function () {
  const SEEN_KEY = "agentcron.bell.seen";
  let items = [];
  let loaded = false;

  const el = (selector) => document.querySelector(selector);
  const seenAt = () => Number(window.localStorage.getItem(SEEN_KEY) || 0);

  function unseen() {
    const since = seenAt();
    return items.filter((item) => Date.parse(item.created_at) > since);
  }

  function paintCount() {
    const badge = el("[data-bell-count]");
    if (!badge) return;
    const count = unseen().length;
    badge.hidden = count === 0;
    badge.textContent = count > 9 ? "9+" : String(count);
    const button = el("[data-bell-toggle]");
    if (button) button.setAttribute("aria-label", count ? `Notifications, ${count} new` : "Notifications");
  }

  function paintList() {
    const list = el("[data-bell-list]");
    if (!list) return;
    list.textContent = "";
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = "Nothing yet. Failures, recoveries and pauses show up here.";
      list.appendChild(empty);
      return;
    }
    const since = seenAt();
    for (const item of items) {
      const li = document.createElement("li");
      li.dataset.event = item.event;
      if (Date.parse(item.created_at) > since) li.classList.add("is-new");
      const title = document.createElement(item.execution_id ? "a" : "span");
      title.className = "bell-title";
      title.textContent = item.title;
      if (item.execution_id) title.href = `/executions/${encodeURIComponent(item.execution_id)}`;
      const meta = document.createElement("span");
      meta.className = "bell-meta";
      const when = new Date(item.created_at);
      const where = item.deliveries.length ? ` · ${item.deliveries.join(", ")}` : "";
      meta.textContent = `${item.event.replace("_", " ")} · ${when.toLocaleString(undefined, { timeZone: document.body.dataset.zone || undefined, timeZoneName: "short" })}${where}`;
      li.append(title, meta);
      list.appendChild(li);
    }
  }

  async function load() {
    try {
      const response = await fetch("/ui/notifications", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      items = (await response.json()).items || [];
      loaded = true;
    } catch (error) {
      return;
    }
    paintCount();
    const panel = el("[data-bell-panel]");
    if (panel && !panel.hidden) paintList();
  }

  function setupPanel() {
    const button = el("[data-bell-toggle]");
    const panel = el("[data-bell-panel]");
    if (!button || !panel) return;
    button.addEventListener("click", () => {
      const open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        paintList();
        const newest = items.length ? Date.parse(items[0].created_at) : Date.now();
        window.localStorage.setItem(SEEN_KEY, String(Math.max(newest, seenAt())));
        paintCount();
      }
    });
    document.addEventListener("click", (event) => {
      if (!panel.hidden && !event.target.closest("[data-bell]")) {
        panel.hidden = true;
        button.setAttribute("aria-expanded", "false");
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) {
        panel.hidden = true;
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // -- browser notifications, asked for only on a click -----------------------------------
  function setupBrowser() {
    const button = el("[data-browser-notify]");
    if (!button || !("Notification" in window)) return;
    const label = () => {
      const state = Notification.permission;
      button.hidden = state === "denied";
      button.textContent = state === "granted" ? "This browser is notified" : "Notify this browser";
      button.disabled = state === "granted";
    };
    label();
    button.addEventListener("click", async () => {
      try {
        await Notification.requestPermission();
      } finally {
        label();
      }
    });
  }

  function tellBrowser(data) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const item = items.find((i) => i.id === data.notice_id);
    const shown = new Notification(data.title || (item && item.title) || "agentcron", {
      body: item ? item.message.split("\n").slice(0, 3).join("\n") : "",
      tag: data.notice_id,
    });
    if (data.execution_id) {
      shown.onclick = () => { window.focus(); window.location.href = `/executions/${encodeURIComponent(data.execution_id)}`; };
    }
  }

  document.addEventListener("agentcron:event", async (event) => {
    const { type, data } = event.detail || {};
    if (type !== "notification.created") return;
    await load();
    tellBrowser(data || {});
    if (window.agentcron && data && data.title) window.agentcron.announce(`Notification: ${data.title}`);
  });

  document.addEventListener("DOMContentLoaded", () => {
    if (!el("[data-bell]")) return;
    setupPanel();
    setupBrowser();
    load();
  });
  window.agentcronBell = { reload: load, loaded: () => loaded };
})();
