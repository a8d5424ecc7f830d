// The generator page: pick a source and options, stream the thread in over Server-Sent Events, then hand the
// result to the editor in place.

import { mountEditor } from "./editor.js";
import { clearFieldError, clearFieldErrorsOnInput, showFieldError } from "./field-errors.js";
import { collapseComposer, composerCollapsed, expandComposer, setUpComposer } from "./generator/composer.js";
import { openOutOfQuotaDialog, openQuotaDialog, openStyleDialog, outOfQuota, setUpQuota, showQuota } from "./generator/quota.js";
import { reveal, stageDraft, stageTweet, stageWriting, startStage, stopStage, tweetsShown } from "./generator/stage.js";
import { api, postForEvents } from "./http.js";

const form = document.getElementById("generator");
const tabs = [...form.querySelectorAll("[role=tab]")];
const textArea = document.getElementById("source-text");
const urlInput = document.getElementById("source-url");
const textLength = document.getElementById("text-length");
const generateButton = document.getElementById("generate");
const cancelButton = document.getElementById("cancel");
const editButton = document.getElementById("edit-source");
const progress = document.getElementById("progress");
const errorBox = document.getElementById("generate-error");
const STAGES = {
  fetching: "Fetching article…",
  generating: "Writing your thread…",
  saving: "Saving your thread…",
};
const number = new Intl.NumberFormat();

let controller = null;
let editor = null;
// A pristine copy of the editor's markup, so a second generation on the same page starts a fresh editor.
const editorShell = document.getElementById("editor").cloneNode(true);

// --- source tabs (WAI-ARIA tabs: arrow keys move between them, Tab goes into the panel) ----------------------

function selectTab(tab, { focus = false } = {}) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
}

function activeSource() {
  return tabs.find((tab) => tab.getAttribute("aria-selected") === "true").id === "tab-url" ? "url" : "text";
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(tabs[(index + moves[event.key] + tabs.length) % tabs.length], { focus: true });
  });
}

const minLength = Number(textLength.dataset.min);
const maxLength = Number(textLength.dataset.limit);

/** Characters as the server counts them (code points, so an emoji is one), after trimming. */
function characters(text) {
  return [...text.trim()].length;
}

function showTextLength() {
  const length = characters(textArea.value);
  textLength.textContent = `${number.format(length)} / ${number.format(maxLength)} characters`;
  textLength.classList.toggle("is-over", length > maxLength);
}
textArea.addEventListener("input", showTextLength);
showTextLength();
clearFieldErrorsOnInput(urlInput, textArea);

// --- the request --------------------------------------------------------------------------------------------

function requestBody() {
  const data = new FormData(form);
  const maxTweets = data.get("max_tweets");
  const body = {
    style: data.get("style") || undefined, // none picked: the API applies its default style
    tone: data.get("tone"),
    max_tweets: maxTweets ? Number(maxTweets) : null,
    numbering: data.get("numbering"),
    hashtags: data.has("hashtags"),
    cta: data.has("cta"),
    link_in_reply: data.has("link_in_reply"),
    language: "auto",
  };
  if (activeSource() === "url") body.url = urlInput.value.trim();
  else body.text = textArea.value.trim();
  return body;
}

function setBusy(busy) {
  generateButton.disabled = busy;
  if (busy) generateButton.textContent = "Generating…";
  else generateButton.textContent = outOfQuota() ? "Upgrade to keep writing" : "Generate thread";
  cancelButton.hidden = !busy;
  editButton.hidden = busy; // while it writes, the way out is Cancel
  form.setAttribute("aria-busy", String(busy));
}

/** The problem with what is typed that the server would refuse anyway, or "" — so no request is spent on it. */
function problemWith(body) {
  if (body.url === "") return "Paste the article's link first.";
  if (body.url !== undefined) {
    return /^https?:\/\//i.test(body.url) ? "" : "Only http:// and https:// links can be imported.";
  }
  const length = characters(body.text);
  if (length === 0) return "Paste the article's text first.";
  const count = `The text is ${number.format(length)} characters`;
  const [least, most] = [number.format(minLength), number.format(maxLength)];
  if (length < minLength) return `${count}; paste at least ${least} so there is enough to make a thread.`;
  if (length > maxLength) return `${count}; the limit is ${most}. Paste a shorter part of the article.`;
  return "";
}

function validate(body) {
  const problem = problemWith(body);
  if (problem && body.url === undefined) fieldError(textArea, problem);
  else if (problem) fieldError(urlInput, problem, [pasteInsteadButton()]);
  return !problem;
}

async function generate() {
  if (controller) return;
  if (outOfQuota()) {
    openOutOfQuotaDialog();
    return;
  }
  const body = requestBody();
  hideError();
  clearFieldError(urlInput);
  clearFieldError(textArea);
  if (!validate(body)) return;
  controller = new AbortController();
  setBusy(true);
  collapseComposer(body);
  cancelButton.focus({ preventScroll: true }); // Generate, which had the focus, is folded away
  startStage({ fetchingLink: Boolean(body.url) });
  progress.textContent = STAGES[body.url ? "fetching" : "generating"];
  let finished = false;
  try {
    await postForEvents("/api/v1/generations", {
      body,
      signal: controller.signal,
      onEvent: (name, data) => {
        if (name === "status") {
          progress.textContent = STAGES[data.stage] || "";
          if (data.stage === "generating") stageWriting();
          if (data.stage === "saving") stopStage({ keepTweets: true });
        } else if (name === "draft") {
          stageDraft(data);
        } else if (name === "tweet") {
          addStreamedTweet(data);
        } else if (name === "done") {
          finished = true;
          done(data);
        } else if (name === "error") {
          finished = true;
          failed(data);
        }
      },
    });
    if (!finished) throw new Error("The connection ended early.");
  } catch (error) {
    stopStage({ keepTweets: true });
    expandComposer();
    if (error.name === "AbortError") {
      progress.replaceChildren(
        "Stopped waiting — your thread will be in ",
        link("/app/threads/", "History"),
        " when it's ready.",
      );
    } else {
      progress.textContent = "";
      showError({
        message: `We lost the connection (${error.message}). If the thread was finished it is in History.`,
        actions: [retryButton(), link("/app/threads/", "Open History")],
      });
    }
  } finally {
    controller = null;
    setBusy(false);
    // The form is open again after a failure or Cancel: the focus goes back to Generate, not to the page's start.
    const stranded = [cancelButton, document.body].includes(document.activeElement);
    if (stranded && !composerCollapsed()) generateButton.focus();
  }
}

function addStreamedTweet(data) {
  progress.textContent = `Writing your thread… ${data.position} tweet${data.position === 1 ? "" : "s"} so far`;
  stageTweet(data);
}

async function done(data) {
  progress.textContent = `Your thread is ready: ${data.tweets.length} tweets. Edit them below.`;
  history.replaceState(null, "", data.url);
  const [thread, usage] = await Promise.all([api(`/api/v1/threads/${data.id}`), api("/api/v1/usage")]);
  stopStage({ keepTweets: false });
  if (editor) {
    await editor.save();
    editor.destroy();
    document.getElementById("editor").replaceWith(editorShell.cloneNode(true));
  }
  editor = mountEditor(document.getElementById("editor"), thread);
  showUsage(usage);
  reveal(document.getElementById("editor"), "start");
  document.getElementById("editor-heading").tabIndex = -1;
  document.getElementById("editor-heading").focus({ preventScroll: true });
}

function showUsage(usage) {
  const meter = document.getElementById("usage-meter");
  showQuota(usage);
  if (usage.plan !== "free") return;
  meter.querySelector(".usage-text strong").textContent = `${usage.daily_left} of ${usage.daily_limit}`;
  meter.querySelector("meter").value = usage.daily_left;
}

// --- errors -------------------------------------------------------------------------------------------------

function link(href, text) {
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.textContent = text;
  return anchor;
}

function button(text, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "button button-small";
  element.textContent = text;
  element.addEventListener("click", onClick);
  return element;
}

function retryButton() {
  return button("Try again", () => generate());
}

function showError({ message, actions = [] }) {
  errorBox.querySelector("[data-role=message]").textContent = message;
  errorBox.querySelector("[data-role=actions]").replaceChildren(...actions);
  errorBox.hidden = false;
}

function hideError() {
  errorBox.hidden = true;
}

/** Show `message` under the source field it is about, open that field's tab, and put the cursor in it. */
function fieldError(field, message, actions = []) {
  hideError();
  selectTab(document.getElementById(field === urlInput ? "tab-url" : "tab-text"));
  showFieldError(field, message, actions);
  field.focus();
}

function pasteInsteadButton() {
  return button("Paste the text instead", () => {
    selectTab(document.getElementById("tab-text"));
    textArea.focus();
  });
}

/** Explain an ApiError from the stream, with the way forward that fits it. */
function failed(error) {
  progress.textContent = "";
  stopStage({ keepTweets: true });
  expandComposer();
  const { message, status } = error;
  // A failed link import names `url`, refused input its fields: the source fields show theirs in place.
  const fields = error.fields || {};
  if (status === 402 || error.code === "quota_exceeded") {
    showError({ message, actions: [button("See plans", () => openQuotaDialog(error))] });
    if (error.details.usage) showUsage(error.details.usage);
    openQuotaDialog(error);
  } else if (fields.url) {
    fieldError(urlInput, [fields.url].flat().join(" "), [pasteInsteadButton()]);
  } else if (fields.text || error.code === "input_too_large") {
    fieldError(textArea, fields.text ? [fields.text].flat().join(" ") : message);
  } else if (error.code === "premium_style") {
    showError({ message, actions: [link("/pricing", "See the premium plans")] });
  } else if (error.code === "storage_limit") {
    showError({ message, actions: [link("/app/threads/", "Open History to delete threads")] });
  } else if (error.code === "email_unverified") {
    showError({ message, actions: [link("/accounts/email/", "Resend the confirmation email")] });
  } else if (status === 429) {
    const wait = error.retryAfter;
    showError({ message, actions: wait ? [] : [retryButton()] });
    if (wait) window.setTimeout(() => errorBox.querySelector("[data-role=actions]").append(retryButton()), wait * 1000);
  } else if (status === 400 && error.fields) {
    const details = Object.values(error.fields).flat().join(" ");
    showError({ message: `${message} ${details}`.trim() });
  } else {
    showError({ message, actions: [retryButton()] });
  }
}

// --- triggers -----------------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  generate();
});
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    generate();
  }
});
cancelButton.addEventListener("click", () => controller?.abort());
setUpComposer({ onLockedStyle: openStyleDialog });
setUpQuota();
