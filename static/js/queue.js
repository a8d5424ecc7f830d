// The publishing queue follows a publication on its way to X (or off it): while one is publishing or deleting,
// the list is asked for again every few seconds (the same server-rendered page) and put in place, and a change of
// status is announced. It waits while a reschedule form is open or the tab is hidden, and stops once nothing is on
// its way. A profile without a time zone takes this browser's, and the list is shown again on its clocks.

import { request } from "./http.js";
import { browserZone } from "./zoned-time.js";

const list = document.getElementById("queue");
const announcer = document.getElementById("queue-announcer");
const every = () => Number(list.dataset.refreshMs) || 4000;
const onItsWay = () => list.querySelector("[data-live]") !== null;

function statuses(root) {
  return new Map([...root.querySelectorAll(".queue-item")].map((item) => [item.id, item.dataset.statusLabel]));
}

function announce(before, after) {
  const changes = [];
  for (const [id, label] of after) {
    if (before.has(id) && before.get(id) !== label) {
      changes.push(`${list.querySelector(`#${id} .queue-title`).textContent.trim()}: ${label}.`);
    }
  }
  if (changes.length) announcer.textContent = changes.join(" ");
}

async function refresh() {
  if (!document.hidden && !list.querySelector("details[open]")) {
    try {
      const response = await request(location.pathname, { accept: "text/html" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("queue");
      if (fresh) {
        const before = statuses(list);
        list.replaceChildren(...fresh.children);
        announce(before, statuses(list));
      }
    } catch {
      // Offline or the server is restarting: the next round tries again.
    }
  }
  if (onItsWay()) setTimeout(refresh, every());
}

async function takeBrowserZone() {
  try {
    await request("/accounts/settings/time-zone/detect/", { method: "POST", body: { time_zone: browserZone() } });
  } catch {
    // The list stays on UTC, as it says, and is still followed.
    if (onItsWay()) setTimeout(refresh, every());
    return;
  }
  await refresh();
}

if (list?.hasAttribute("data-zone-unset")) takeBrowserZone();
else if (list && onItsWay()) setTimeout(refresh, every());
