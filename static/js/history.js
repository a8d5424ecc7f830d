// History page: live search, filters, sort and paging, and each thread's actions in its "⋯" menu.
// The server renders the rows (the same template with or without JavaScript); this module asks for the
// results region again after each change and talks to /api/v1/threads for the actions.

import { api, request } from "./http.js";
import { enableRowMenus } from "./row-menu.js";

const root = document.getElementById("history");
const results = document.getElementById("history-results");
const form = root?.querySelector(".history-controls");
const toasts = document.getElementById("history-toasts");
const dialog = document.getElementById("history-confirm");
const SEARCH_DELAY_MS = 300;

// Deletions wait for their Undo toast to expire; their rows stay hidden through every refresh meanwhile.
const pendingDeletes = new Map(); // thread id -> timer

/** How long toasts stay (data-toast-ms) and how long a delete can be undone (data-undo-ms), in milliseconds. */
function durationMs(name, fallback) {
  const value = Number.parseInt(root.dataset[name] ?? "", 10);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function urlFromForm() {
  const params = new URLSearchParams();
  const query = form.elements.q.value.trim();
  const show = form.elements.show.value;
  const sort = form.elements.sort.value;
  if (query) params.set("q", query);
  if (show && show !== "all") params.set("show", show);
  if (sort && sort !== "newest") params.set("sort", sort);
  const search = params.toString();
  return `${location.pathname}${search ? `?${search}` : ""}`;
}

function syncFormTo(url) {
  const params = new URL(url, location.href).searchParams;
  form.elements.q.value = params.get("q") ?? "";
  const show = params.get("show") ?? "all";
  for (const radio of form.querySelectorAll("input[name=show]")) radio.checked = radio.value === show;
  form.elements.sort.value = params.get("sort") ?? "newest";
}

let loading = null;

async function load(url = location.pathname + location.search, { focus = null } = {}) {
  loading?.abort();
  loading = new AbortController();
  results.setAttribute("aria-busy", "true");
  try {
    const response = await request(url, {
      accept: "text/html",
      headers: { "X-Threadr-Fragment": "results" },
      signal: loading.signal,
    });
    results.innerHTML = await response.text();
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
    enhance();
    restoreFocus(focus);
  } catch (error) {
    if (error.name !== "AbortError") toast(`The list could not be loaded. ${error.message}`);
  } finally {
    results.removeAttribute("aria-busy");
  }
}

/** The "⋯" button of a thread's row: where focus rests after one of its actions. */
function menuButton(card) {
  return card?.querySelector(".row-menu-button") ?? null;
}

/** After a refresh, put focus back on the same thread's "⋯" button, or on the count if the thread left the list. */
function restoreFocus(focus) {
  if (!focus) return;
  const target = menuButton(cardById(focus.id)) ?? (focus.fallback ? results.querySelector("#history-count") : null);
  target?.focus();
}

const relative = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
const UNITS = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

function relativeTime(date) {
  const seconds = (date.getTime() - Date.now()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

function enhance() {
  for (const time of results.querySelectorAll("time.relative-time")) {
    time.textContent = relativeTime(new Date(time.dateTime));
  }
  for (const id of pendingDeletes.keys()) {
    const card = cardById(id);
    if (card) card.hidden = true;
  }
}

function cardById(id) {
  return results.querySelector(`[data-thread-id="${id}"]`);
}

/** Call the threads API for thread `path` (an id, or an id and an action); a delete outlives the page. */
function threadApi(method, path, body) {
  return api(`/api/v1/threads/${path}`, { method, body, keepalive: method === "DELETE" });
}

function toast(message, { action = null, duration = durationMs("toastMs", 4000) } = {}) {
  const item = document.createElement("div");
  item.className = "toast";
  const text = document.createElement("p");
  text.textContent = message;
  item.append(text);
  let timer = null;
  const close = () => {
    clearTimeout(timer);
    item.remove();
  };
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-ghost";
    button.textContent = action.label;
    button.addEventListener("click", () => {
      close();
      action.run();
    });
    item.append(button);
  }
  toasts.append(item);
  timer = setTimeout(close, duration);
  return item;
}

function confirmDelete(title) {
  return new Promise((resolve) => {
    document.getElementById("history-confirm-name").textContent = title;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "delete"), { once: true });
    dialog.showModal();
  });
}

async function commitDelete(id) {
  if (!pendingDeletes.has(id)) return;
  clearTimeout(pendingDeletes.get(id));
  try {
    await threadApi("DELETE", id);
    pendingDeletes.delete(id);
  } catch (error) {
    pendingDeletes.delete(id);
    toast(error.message);
  }
  await load();
}

async function deleteWithUndo(card, id) {
  const title = card.dataset.title;
  const trigger = menuButton(card);
  if (!(await confirmDelete(title))) {
    trigger.focus();
    return;
  }
  card.hidden = true;
  const duration = durationMs("undoMs", 6000);
  pendingDeletes.set(
    id,
    setTimeout(() => commitDelete(id), duration),
  );
  const item = toast(`Deleted “${title}”.`, {
    duration,
    action: {
      label: "Undo",
      run: () => {
        clearTimeout(pendingDeletes.get(id));
        pendingDeletes.delete(id);
        const restored = cardById(id);
        if (restored) {
          restored.hidden = false;
          menuButton(restored).focus();
        }
        toast(`“${title}” is back.`);
      },
    },
  });
  item.querySelector("button").focus();
}

async function copyLink(card) {
  const url = card.dataset.shareUrl;
  try {
    await navigator.clipboard.writeText(url);
    toast("Link copied.");
  } catch {
    toast(`Copying is blocked here. The public link is ${url}`, { duration: durationMs("toastMs", 4000) * 3 });
  }
}

const ACTIONS = {
  async favourite(card, id, button) {
    const favourite = button.getAttribute("aria-checked") !== "true";
    await threadApi("PATCH", id, { favourite });
    toast(favourite ? "Added to favourites." : "Removed from favourites.");
    await load(undefined, { focus: { id, action: "favourite", fallback: true } });
  },
  async archive(card, id) {
    const archived = card.dataset.archived !== "true";
    await threadApi("PATCH", id, { archived });
    toast(archived ? `Archived “${card.dataset.title}”.` : `“${card.dataset.title}” is back in your threads.`);
    await load(undefined, { focus: { id, action: "archive", fallback: true } });
  },
  async duplicate(card, id) {
    const copy = await threadApi("POST", `${id}/duplicate`);
    toast(`Duplicated as “${copy.title}”.`);
    await load(undefined, { focus: { id, action: "duplicate", fallback: true } });
  },
  async share(card, id, button) {
    const shared = button.getAttribute("aria-checked") !== "true";
    await threadApi("PATCH", id, { shared });
    await load(undefined, { focus: { id, action: "share", fallback: true } });
    const row = cardById(id);
    if (shared && row) {
      toast("Anyone with the link can now read this thread.", {
        action: { label: "Copy link", run: () => copyLink(row) },
      });
    } else {
      toast(shared ? "Anyone with the link can now read this thread." : "Sharing stopped: the old link no longer works.");
    }
  },
  "copy-link": copyLink,
  delete: deleteWithUndo,
};

function onResultsClick(event) {
  const pageLink = event.target.closest("a[data-page]");
  if (pageLink) {
    event.preventDefault();
    syncFormTo(pageLink.href);
    const url = new URL(pageLink.href);
    load(url.pathname + url.search, { focus: { fallback: true } });
    return;
  }
  const button = event.target.closest("button[data-action]");
  const card = button?.closest("[data-thread-id]");
  const action = ACTIONS[button?.dataset.action];
  if (!card || !action) return;
  const id = card.dataset.threadId;
  // A request in flight disables its button; the delete button stays enabled so focus can return to it.
  const busy = button.dataset.action !== "delete";
  if (busy) button.disabled = true;
  Promise.resolve(action(card, id, button))
    .catch((error) => toast(error.message))
    .finally(() => {
      if (busy) button.disabled = false;
    });
}

if (root && results && form) {
  let searchTimer = null;
  form.elements.q.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => load(urlFromForm()), SEARCH_DELAY_MS);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name !== "q") load(urlFromForm());
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    load(urlFromForm());
  });
  enableRowMenus(results);
  results.addEventListener("click", onResultsClick);
  // Leaving the page while an Undo toast is showing still deletes: the request outlives the page (keepalive).
  window.addEventListener("pagehide", () => {
    for (const [id, timer] of pendingDeletes) {
      clearTimeout(timer);
      threadApi("DELETE", id).catch(() => {});
    }
    pendingDeletes.clear();
  });
  enhance();
}
