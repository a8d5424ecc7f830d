// Where a tweet runs past X's limit, and where to cut it so the first part fits: the highlight over the limit and
// "Split at 280" both start here. Counted with xtext.js, as X counts. No DOM here.

import { MAX_WEIGHTED_LENGTH, findUrls, parse } from "../xtext.js";

const SENTENCE_END = /[.!?…]["'”’)\]]*\s+/g;
const SPACE = /\s+/g;
// A sentence boundary wins over a later word boundary unless it leaves the first tweet this short (weighted).
const SHORTEST_SENTENCE_CUT = 120;

/**
 * The offset in `body` from which the tweet, numbered with `mark`, is over X's limit (the characters that have to
 * go for it to fit), or null when it fits.
 */
export function overflowStart(body, mark) {
  // The mark is weighed first, so the limit falls where the body itself has to end; its weight does not depend on
  // which end it is at.
  const lead = mark.trim() ? `${mark.trim()} ` : "";
  const parsed = parse(lead + body);
  if (parsed.weightedLength <= MAX_WEIGHTED_LENGTH) return null;
  return Math.max(0, Math.min(parsed.validRangeEnd + 1 - lead.length, body.length));
}

function lastEnd(pattern, text, limit) {
  let best = -1;
  for (const match of text.matchAll(pattern)) {
    if (match.index + match[0].length > limit) break;
    best = match.index + match[0].length;
  }
  return best;
}

/**
 * Where to cut `body` so that its first part, numbered with `mark`, fits: the last sentence end before the limit,
 * else the last space, never inside a link; else at the limit itself, between two code points. Returns
 * `{ head, tail }`, or null when the tweet already fits or no cut leaves words on both sides.
 */
export function splitAtLimit(body, mark) {
  const limit = overflowStart(body, mark);
  if (limit === null) return null;
  let cut = lastEnd(SENTENCE_END, body, limit);
  if (cut < 0 || parse(body.slice(0, cut) + mark).weightedLength < SHORTEST_SENTENCE_CUT) {
    cut = Math.max(cut, lastEnd(SPACE, body, limit));
  }
  for (const [start, end] of findUrls(body)) if (cut > start && cut < end) cut = start;
  if (cut <= 0) {
    cut = limit;
    if (/[\uDC00-\uDFFF]/.test(body[cut] || "")) cut -= 1;
  }
  const head = body.slice(0, cut).trimEnd();
  const tail = body.slice(cut).trimStart();
  return head && tail ? { head, tail } : null;
}
