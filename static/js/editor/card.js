// One tweet card of the editor: built from the page's <template>, then kept current as the thread changes (label,
// number mark, X's weighted count and its ring, the over-limit warning, the "Open in X" link, which actions apply).

import { EMOJI_WEIGHT, MAX_WEIGHTED_LENGTH, URL_WEIGHT, weightedLength } from "../xtext.js";

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
  const over = card.querySelector("[data-role=over]");
  over.id = `over-${item.id}`;
  const left = card.querySelector("[data-role=left]");
  left.id = `left-${item.id}`;
  text.setAttribute("aria-describedby", `${left.id} ${over.id}`);
  card.querySelector("[data-role=actions]").setAttribute("aria-label", `Tweet ${index + 1} actions`);
  return card;
}

/**
 * Show tweet `index` of `count`: `body` plus its numbering `mark` is what X will get. `threadFull` says the thread
 * may not grow, `canRewrite` whether the thread has rewrites left.
 */
export function updateCard(card, { body, mark, index, count, threadFull, canRewrite }) {
  const full = body + mark;
  const length = weightedLength(full);
  const left = MAX_WEIGHTED_LENGTH - length;
  card.querySelector("[data-role=label]").textContent = `Tweet ${index + 1} of ${count}`;
  card.querySelector("[data-role=mark]").textContent = mark.trim();
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
  const intent = card.querySelector("[data-role=intent]");
  intent.href = `https://x.com/intent/post?text=${encodeURIComponent(full)}`;
  intent.setAttribute("aria-label", `Open tweet ${index + 1} in X`);
  const last = index === count - 1;
  card.querySelector("[data-action=up]").disabled = index === 0;
  card.querySelector("[data-action=down]").disabled = last;
  card.querySelector("[data-action=merge]").disabled = last;
  card.querySelector("[data-action=delete]").disabled = count === 1;
  card.querySelector("[data-action=split]").disabled = threadFull;
  card.querySelector("[data-action=insert]").disabled = threadFull;
  card.querySelector("[data-action=rewrite]").disabled = !canRewrite;
  grow(card.querySelector("[data-role=text]"));
}

/** The card whose text is being typed in (`{ id, caret }`), to give it focus back after a re-render. */
export function focusedCard(list) {
  const active = document.activeElement;
  if (!(active instanceof HTMLTextAreaElement) || !list.contains(active)) return undefined;
  return { id: Number(active.closest(".tweet-card").dataset.id), caret: active.selectionStart };
}

/** Fit the textarea's height to its text, so a long tweet never scrolls inside its card. */
function grow(textarea) {
  textarea.style.setProperty("height", "auto");
  textarea.style.setProperty("height", `${textarea.scrollHeight + 2}px`);
}
