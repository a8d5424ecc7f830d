// One tweet card of the editor: built from the page's <template>, then kept current as the thread changes (label,
// number mark, X's weighted count and its ring, the text over the limit highlighted behind the typing, "Split at
// 280", the "Open in X" links, which actions apply).

import { EMOJI_WEIGHT, MAX_WEIGHTED_LENGTH, URL_WEIGHT, weightedLength } from "../xtext.js";
import { overflowStart } from "./overflow.js";

const WARN_FROM = 260;
const RING = 2 * Math.PI * 15.9; // the counter ring's circumference: its circle has r="15.9" in editor_card.html

/** A new card for `item` at `index`, its fields labelled by ids made from the item's id. */
export function buildCard(template, item, index) {
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.id = String(item.id);
  const fieldId = `tweet-${item.id}`;
  const text = card.querySelector("[data-role=text]");
  text.id = fieldId;
  text.value = item.body;
  card.querySelector("[data-role=label]").htmlFor = fieldId;
  const rewrite = card.querySelector("[data-role=rewrite]");
  const label = card.querySelector("[data-role=rewrite-label]");
  label.id = `rewrite-label-${item.id}`;
  card.querySelector("[data-role=rewrite-choices]").setAttribute("aria-labelledby", label.id);
  const instruction = card.querySelector("[data-role=instruction]"); // only when the engine takes free text
  if (instruction) {
    instruction.id = `instruction-${item.id}`;
    card.querySelector("[data-role=instruction-label]").htmlFor = instruction.id;
  }
  rewrite.dataset.id = String(item.id);
  const menu = card.querySelector("[data-role=menu]");
  menu.id = `menu-${item.id}`;
  card.querySelector("[data-action=menu]").setAttribute("aria-controls", menu.id);
  const over = card.querySelector("[data-role=over]");
  over.id = `over-${item.id}`;
  const left = card.querySelector("[data-role=left]");
  left.id = `left-${item.id}`;
  const note = card.querySelector("[data-role=note]");
  note.id = `note-${item.id}`;
  text.setAttribute("aria-describedby", `${left.id} ${over.id} ${note.id}`);
  return card;
}

function disable(card, action, disabled) {
  for (const control of card.querySelectorAll(`[data-action=${action}]`)) control.disabled = disabled;
}

/**
 * Show tweet `index` of `count`: `body` plus its numbering `mark` is what X will get. `threadFull` says the thread
 * may not grow, `canRewrite` whether the thread has rewrites left.
 */
export function updateCard(card, { body, mark, index, count, threadFull, canRewrite }) {
  const full = body + mark;
  const length = weightedLength(full);
  const left = MAX_WEIGHTED_LENGTH - length;
  const name = `Tweet ${index + 1}`;
  card.querySelector("[data-role=label]").textContent = `${name} of ${count}`;
  card.querySelector("[data-role=mark]").textContent = mark.trim();
  card.querySelector("[data-role=actions]").setAttribute("aria-label", `${name} actions`);
  card.querySelector("[data-role=menu]").setAttribute("aria-label", `${name} actions`);
  card.querySelector("[data-role=menu-label]").textContent = `More actions for tweet ${index + 1}`;
  const counter = card.querySelector("[data-role=counter]");
  counter.classList.toggle("is-warn", length >= WARN_FROM && length <= MAX_WEIGHTED_LENGTH);
  counter.classList.toggle("is-error", length > MAX_WEIGHTED_LENGTH);
  const leftText = card.querySelector("[data-role=left]");
  leftText.textContent = String(left);
  leftText.setAttribute("aria-label", left >= 0 ? `${left} characters left` : `${-left} characters over`);
  const fill = Math.min(length / MAX_WEIGHTED_LENGTH, 1) * RING;
  card.querySelector(".ring-value").setAttribute("stroke-dasharray", `${fill.toFixed(2)} ${RING.toFixed(2)}`);
  const over = card.querySelector("[data-role=over]");
  over.hidden = left >= 0;
  over.textContent =
    left >= 0
      ? ""
      : `${-left} over X's limit of ${MAX_WEIGHTED_LENGTH}: X won't post this tweet. Shorten it or split it ` +
        `(links count ${URL_WEIGHT}, emoji ${EMOJI_WEIGHT}).`;
  card.classList.toggle("is-over", left < 0);
  card.classList.toggle("is-empty", body.trim() === "");
  highlightOverflow(card.querySelector("[data-role=backdrop]"), body, left < 0 ? overflowStart(body, mark) : null);
  const fix = card.querySelector("[data-action=split-limit]");
  fix.hidden = left >= 0;
  fix.disabled = threadFull;
  const href = `https://x.com/intent/post?text=${encodeURIComponent(full)}`;
  for (const intent of card.querySelectorAll("[data-role=intent]")) intent.href = href;
  card.querySelector(".tool-icon[data-role=intent]").setAttribute("aria-label", `Open tweet ${index + 1} in X`);
  const last = index === count - 1;
  disable(card, "up", index === 0);
  disable(card, "down", last);
  disable(card, "merge", last);
  disable(card, "delete", count === 1);
  disable(card, "split", threadFull);
  disable(card, "insert", threadFull);
  disable(card, "rewrite", !canRewrite);
  grow(card.querySelector("[data-role=text]"));
}

/**
 * The layer behind the textarea holds the same text, laid out the same way, with the part past the limit in a
 * <mark>: the typed text shows through the transparent textarea and the mark's colour shows behind it.
 */
function highlightOverflow(backdrop, body, from) {
  if (from === null || from === undefined) {
    backdrop.replaceChildren();
    return;
  }
  const mark = document.createElement("mark");
  mark.textContent = body.slice(from);
  // A final newline would otherwise collapse and the last line would not wrap as the textarea's does.
  backdrop.replaceChildren(body.slice(0, from), mark, "\n");
}

/** The card whose text is being typed in (`{ id, caret }`), to give it focus back after a re-render. */
export function focusedCard(list) {
  const active = document.activeElement;
  if (!(active instanceof HTMLTextAreaElement) || !list.contains(active)) return undefined;
  return { id: Number(active.closest(".tweet-card").dataset.id), caret: active.selectionStart };
}

/** Fit the textarea's height to its text, so a long tweet never scrolls inside its card. */
export function grow(textarea) {
  textarea.style.setProperty("height", "auto");
  textarea.style.setProperty("height", `${textarea.scrollHeight + 2}px`);
}
