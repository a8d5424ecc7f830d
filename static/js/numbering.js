// A thread's numbering, applied exactly as the server applies it (generator/splitter.py `numbering_mark`): the
// formats are the server's table (numbering-formats.js is generated from generator/domain.py), and a browser test
// checks that both number and un-number the same bodies to the same text.

import { DEFAULT_NUMBERING, NUMBERING_FORMATS } from "./numbering-formats.js";

export { DEFAULT_NUMBERING };

/** The mark tweet `position` (from 1) of `count` carries in this numbering style. */
export function numberMark(numbering, position, count) {
  const format = NUMBERING_FORMATS[numbering];
  if (!format || (format.firstOnly && position !== 1)) return "";
  return format.mark.replaceAll("{position}", String(position)).replaceAll("{count}", String(count));
}

/** Each body with its mark appended (generator/splitter.py `mark_tweets`). */
export function numbered(bodies, numbering) {
  return bodies.map((body, index) => body + numberMark(numbering, index + 1, bodies.length));
}

/** Saved tweets carry their numbering; take off exactly the mark the server put on (`unnumber_tweets`). */
export function bodiesOf(texts, numbering) {
  return texts.map((text, index) => {
    const mark = numberMark(numbering, index + 1, texts.length);
    return mark && text.endsWith(mark) ? text.slice(0, -mark.length) : text;
  });
}
