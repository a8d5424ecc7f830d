// "Publish to X" on a thread's page: a dialog to publish the saved thread now or at a time (in the profile's time
// zone, shown with its UTC equivalent, sent with its offset), saying how many tweets carry a link (X charges more
// for those) and offering to carry the article's link in the last tweet only. The API answers; this says what
// became of it, with a link to the queue or to what must come first.

import { api, ApiError, request } from "./http.js";
import { findUrls } from "./xtext.js";
import { browserZone, localValue, withOffset, zonedDate } from "./zoned-time.js";

const bar = document.getElementById("publish");
const dialog = document.getElementById("publish-dialog");
const form = document.getElementById("publish-form");
const status = document.getElementById("publish-status");
const at = document.getElementById("publish-at");
const confirm = document.getElementById("publish-confirm");
const problem = document.getElementById("publish-error");
const linkLast = document.getElementById("publish-link-last");

function say(text, link) {
  status.replaceChildren(text);
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = link.text;
    status.append(" ", anchor);
  }
}

const NEXT = {
  x_not_connected: () => ({ href: bar.dataset.settingsUrl, text: "Connect X" }),
  premium_required: () => ({ href: bar.dataset.pricingUrl, text: "See plans" }),
  publication_exists: () => ({ href: bar.dataset.queueUrl, text: "See the queue" }),
};

const later = () => form.elements.when.value === "later";
// The profile's zone, else this browser's, which the profile then keeps (the server keeps it only while the profile
// has none, so a zone chosen on the settings page is never replaced).
const zone = bar?.dataset.timeZone || browserZone();
let zoneKept = Boolean(bar?.dataset.timeZone);

function keepZone() {
  if (zoneKept || !zone) return;
  zoneKept = true;
  request("/accounts/settings/time-zone/detect/", { method: "POST", body: { time_zone: zone } }).catch(() => {});
}

function showTime() {
  document.getElementById("publish-time").hidden = !later();
  at.required = later();
  confirm.textContent = later() ? "Schedule" : "Publish now";
  const chosen = at.value ? zonedDate(at.value, zone) : null;
  document.getElementById("publish-utc").textContent =
    chosen && !Number.isNaN(chosen.getTime()) ? `${chosen.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
}

// Each tweet's links, as the texts X would see.
const linksOf = (text) => findUrls(text).map(([start, end]) => text.slice(start, end));
let texts = [];

const moving = () => linkLast.checked && !document.getElementById("publish-link").hidden;

function summarise() {
  const source = bar.dataset.sourceUrl;
  const moved = moving();
  // Moved: the tweets before the last keep only their other links, and the last one carries the article's.
  const linked = texts.filter((text, index) => {
    const urls = linksOf(text);
    if (!moved) return urls.length > 0;
    return index === texts.length - 1 || urls.some((url) => url !== source);
  }).length;
  document.getElementById("publish-summary").textContent =
    `${texts.length} tweet${texts.length === 1 ? "" : "s"} as a reply chain; ` +
    (linked ? `${linked} carr${linked === 1 ? "ies" : "y"} a link, which X charges more for.` : "none carries a link.");
}

function offerLinkLast() {
  const source = bar.dataset.sourceUrl;
  const early = texts
    .slice(0, -1)
    .map((text, index) => (source && linksOf(text).includes(source) ? index + 1 : 0))
    .filter(Boolean);
  document.getElementById("publish-link").hidden = early.length === 0;
  const which = early.length === 1 ? `Tweet ${early[0]} carries` : `Tweets ${early.join(", ")} carry`;
  document.getElementById("publish-link-offer").textContent =
    `${which} the article's link: move it to the end of the last tweet`;
}

function open() {
  if (document.getElementById("save-state")?.dataset.state !== "saved") {
    say("Your latest edits are still being saved. Publish once it says Saved.");
    return;
  }
  texts = [...document.querySelectorAll("#tweet-list textarea")].map((area) => area.value);
  offerLinkLast();
  summarise();
  document.getElementById("publish-zone").textContent = zone;
  keepZone();
  at.min = localValue(new Date(Date.now() + 2 * 60_000), zone);
  if (!at.value) at.value = localValue(new Date(Date.now() + 60 * 60_000), zone);
  problem.hidden = true;
  showTime();
  dialog.showModal();
}

async function publish() {
  const when = later() ? withOffset(at.value, zone) : null;
  confirm.disabled = true;
  try {
    const publication = await api(`/api/v1/threads/${bar.dataset.threadId}/publications`, {
      method: "POST",
      body: { at: when, link_last: moving() },
    });
    dialog.close();
    const count = publication.tweets.length;
    const what = `${count} tweet${count === 1 ? "" : "s"}`;
    const text = when
      ? `Scheduled ${what} for ${new Date(publication.scheduled_for).toLocaleString(undefined, { timeZone: zone })} (${zone}).`
      : `Publishing ${what} to X as a reply chain.`;
    const where = publication.link_last ? " The article's link is in the last tweet." : "";
    say(text + where, { href: bar.dataset.queueUrl, text: "Follow it in the queue" });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === "invalid_input") {
      problem.textContent = error.message;
      problem.hidden = false;
    } else {
      dialog.close();
      say(error.message, NEXT[error.code]?.());
    }
  } finally {
    confirm.disabled = false;
  }
}

if (bar && dialog && form) {
  document.getElementById("publish-open").addEventListener("click", open);
  form.addEventListener("change", showTime);
  linkLast.addEventListener("change", summarise);
  at.addEventListener("input", showTime);
  form.addEventListener("submit", (event) => {
    if (event.submitter?.value !== "publish") return;
    event.preventDefault();
    publish();
  });
}
