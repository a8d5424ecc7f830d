// The stage under the collapsed form while a thread is written: a skeleton while a link is fetched, the finished
// tweets, and the one being written growing with its live count. The newest stays in view (below the sticky
// header: the CSS gives these elements a scroll margin) unless the person scrolls away to read.

import { MAX_WEIGHTED_LENGTH, weightedLength } from "../xtext.js";

const WARN_FROM = 260;
const stream = document.getElementById("stream");
const list = document.getElementById("stream-list");
const fetching = document.getElementById("stream-fetching");
const draft = document.getElementById("stream-draft");
const draftLabel = document.getElementById("draft-label");
const draftText = document.getElementById("draft-text");
const draftCount = document.getElementById("draft-count");
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

let following = false;
let position = 1;

// Reading back up stops the stage from pulling the page down; the next generation follows again.
for (const type of ["wheel", "touchmove"]) {
  window.addEventListener(type, () => (following = false), { passive: true });
}

function scrollBehaviour() {
  return reducedMotion.matches ? "auto" : "smooth";
}

/** Scroll `element` into view below the header, if it is not entirely in view already. */
export function reveal(element, block = "nearest") {
  const box = element.getBoundingClientRect();
  const top = parseFloat(getComputedStyle(element).scrollMarginTop) || 0;
  if (box.top >= top && box.bottom <= window.innerHeight) return;
  element.scrollIntoView({ behavior: scrollBehaviour(), block });
}

function follow() {
  if (following) reveal(draft.hidden ? list.lastElementChild || stream : draft);
}

function showDraft(text) {
  draft.hidden = false;
  draftLabel.textContent = `Tweet ${position}`;
  draft.classList.toggle("is-waiting", !text);
  if (!text) {
    draftText.replaceChildren(Object.assign(document.createElement("span"), { className: "skeleton-line" }));
    draftCount.textContent = "";
    return;
  }
  draftText.textContent = text;
  const length = weightedLength(text);
  draftCount.textContent = String(MAX_WEIGHTED_LENGTH - length);
  draftCount.classList.toggle("is-warn", length >= WARN_FROM && length <= MAX_WEIGHTED_LENGTH);
  draftCount.classList.toggle("is-error", length > MAX_WEIGHTED_LENGTH);
}

/** Empty the stage and show it, with a skeleton while `fetching` a link. */
export function startStage({ fetchingLink }) {
  list.replaceChildren();
  position = 1;
  following = true;
  stream.hidden = false;
  fetching.hidden = !fetchingLink;
  draft.hidden = fetchingLink;
  if (!fetchingLink) showDraft("");
  reveal(stream.closest(".app").querySelector(".generator"), "start");
}

/** The article is in: the model starts writing the first tweet. */
export function stageWriting() {
  fetching.hidden = true;
  showDraft("");
  follow();
}

/** The unfinished tweet at `data.position` as far as the model has written it. */
export function stageDraft(data) {
  if (data.position !== position) return; // a late draft of a tweet already finished
  fetching.hidden = true;
  showDraft(data.text);
  follow();
}

/** Tweet `data.position` is finished: it joins the list and the next one starts. */
export function stageTweet(data) {
  fetching.hidden = true;
  const item = document.createElement("li");
  item.className = "stream-tweet";
  item.textContent = data.text;
  list.append(item);
  position = data.position + 1;
  showDraft("");
  follow();
}

/** Writing has stopped (finished, failed or cancelled): no tweet is being written any more. */
export function stopStage({ keepTweets }) {
  draft.hidden = true;
  fetching.hidden = true;
  following = false;
  stream.hidden = !keepTweets || list.children.length === 0;
  if (!keepTweets) list.replaceChildren();
}

export function tweetsShown() {
  return list.children.length;
}
