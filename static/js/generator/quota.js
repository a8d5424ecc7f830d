// Quota on the generator page: the upgrade dialog (for an exhausted quota or a premium style) and the Generate
// button, which becomes "Upgrade to keep writing", with the reset time in the browser's time zone, at 0 left.

const dialog = document.getElementById("upgrade-dialog");
const title = document.getElementById("upgrade-title");
const message = document.getElementById("upgrade-message");
const reset = document.getElementById("upgrade-reset");
const generateButton = document.getElementById("generate");
const buttonReset = document.getElementById("quota-reset");
const QUOTA_TITLE = title.textContent;
// The quota as the page was rendered, then as the server last reported it.
let usage = JSON.parse(document.getElementById("usage-data").textContent);

/** `iso` as the person's local time: "today at 01:00", "Tuesday at 01:00" or "1 December at 01:00". */
export function localTime(iso) {
  const when = new Date(iso);
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const days = (when - new Date()) / 86_400_000;
  const tomorrow = new Date(Date.now() + 86_400_000);
  if (when.toDateString() === new Date().toDateString()) return `today at ${time}`;
  if (when.toDateString() === tomorrow.toDateString()) return `tomorrow at ${time}`;
  if (days < 6) return `${when.toLocaleDateString([], { weekday: "long" })} at ${time}`;
  return `${when.toLocaleDateString([], { day: "numeric", month: "long" })} at ${time}`;
}

/** When `usage` allows a thread again: the month's end once the month is spent, else the day's. */
function nextReset(usage) {
  const monthSpent = usage.monthly_limit !== null && usage.monthly_used >= usage.monthly_limit;
  return monthSpent ? usage.monthly_resets_at : usage.daily_resets_at;
}

function open({ heading = QUOTA_TITLE, text, resetsAt = "" }) {
  title.textContent = heading;
  message.textContent = text;
  reset.hidden = !resetsAt;
  reset.textContent = resetsAt ? `Your free threads come back ${localTime(resetsAt)} (your time).` : "";
  if (!dialog.open) dialog.showModal();
}

/** The dialog for a quota error from the API. */
export function openQuotaDialog(error) {
  const usage = error.details.usage;
  open({ text: error.message, resetsAt: usage?.plan === "free" ? nextReset(usage) : "" });
}

/** The dialog for a premium style a free user picked. */
export function openStyleDialog(name) {
  open({
    heading: `${name} is a premium style`,
    text: `Upgrade to write threads in the ${name} style. What you pasted stays here.`,
  });
}

/** Whether Generate is "Upgrade to keep writing" now. */
export function outOfQuota() {
  return generateButton.dataset.mode === "upgrade";
}

/** The dialog the out-of-quota Generate button opens, saying what the server would. */
export function openOutOfQuotaDialog() {
  const monthSpent = usage.monthly_limit !== null && usage.monthly_used >= usage.monthly_limit;
  const text = monthSpent
    ? `You've used all ${usage.monthly_limit} free threads this month. Upgrade for unlimited threads.`
    : `You've used all ${usage.daily_limit} free threads today. Upgrade for unlimited threads.`;
  open({ text, resetsAt: nextReset(usage) });
}

/** Set the Generate button for `latest` usage: "Upgrade to keep writing" with the reset time at 0 left. */
export function showQuota(latest) {
  usage = latest;
  const out = usage.plan === "free" && usage.daily_left === 0;
  generateButton.dataset.mode = out ? "upgrade" : "generate";
  generateButton.textContent = out ? "Upgrade to keep writing" : "Generate thread";
  buttonReset.hidden = !out;
  if (out) buttonReset.querySelector("time").dateTime = nextReset(usage);
  if (out) generateButton.setAttribute("aria-describedby", buttonReset.id);
  else generateButton.removeAttribute("aria-describedby");
  localiseReset();
}

/** Set the button for the quota the page was rendered with, its reset time in the browser's time zone. */
export function setUpQuota() {
  showQuota(usage);
}

function localiseReset() {
  const time = buttonReset.querySelector("time");
  if (time.dateTime) time.textContent = localTime(time.dateTime);
}
