// The thread page's "Publish to X" button: publishes the saved thread now through the API and says what became of
// it, with a link to the queue (or to what must be done first: connect X, upgrade).

import { api, ApiError } from "./http.js";

const bar = document.getElementById("publish");
const button = document.getElementById("publish-now");
const status = document.getElementById("publish-status");
const saveState = document.getElementById("save-state");

function say(text, link) {
  status.replaceChildren(text);
  if (link) {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = link.text;
    status.append(" ", anchor);
  }
}

function next(error) {
  if (error.code === "x_not_connected") return { href: bar.dataset.settingsUrl, text: "Connect X" };
  if (error.code === "premium_required") return { href: bar.dataset.pricingUrl, text: "See plans" };
  if (error.code === "publication_exists") return { href: bar.dataset.queueUrl, text: "See the queue" };
  return null;
}

async function publish() {
  if (saveState && saveState.dataset.state !== "saved") {
    say("Your latest edits are still being saved. Publish once it says Saved.");
    return;
  }
  button.disabled = true;
  say("Sending to X…");
  try {
    const publication = await api(`/api/v1/threads/${bar.dataset.threadId}/publications`, {
      method: "POST",
      body: { at: null },
    });
    const count = publication.tweets.length;
    say(`Publishing ${count} tweet${count === 1 ? "" : "s"} to X as a reply chain.`, {
      href: bar.dataset.queueUrl,
      text: "Follow it in the queue",
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    say(error.message, next(error));
    button.disabled = false;
  }
}

if (bar && button && status) button.addEventListener("click", publish);
