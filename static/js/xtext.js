// X's character counting (weighted length, config v3) for the browser's live counter.
//
// The twin of generator/xtext.py: the same rules, the same regular expressions, the same tables (xtext-tables.js is
// generated from the server's), and a browser test checks that both give the same numbers on the same texts.
// See generator/xtext.py for the rules; in short: NFC first, every URL counts 23, every emoji sequence 2,
// U+0000-10FF, U+2000-200D, U+2010-201F and U+2032-2037 count 1, everything else 2, 280 at most.
//
// Deliberate choice shared with the server: "\r\n" counts as one line break, weight 1 (a textarea hands scripts "\n"
// while a form post sends "\r\n"; X stores one character for a line break).
//
// Offsets: findUrls and emojiSpans return [start, end) pairs in UTF-16 code units of the string they are given
// (what String.prototype.slice and textarea selections use). parse's ranges are inclusive UTF-16 indices into the
// original text, as X's conformance data defines them.

import {
  CCTLD_PATTERN,
  EMOJI_WEIGHT,
  EXTENDED_PICTOGRAPHIC,
  GTLD_PATTERN,
  MAX_WEIGHTED_LENGTH,
  URL_WEIGHT,
} from "./xtext-tables.js";

export { EMOJI_WEIGHT, MAX_WEIGHTED_LENGTH, URL_WEIGHT };

const LIGHT_RANGES = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];
const INVALID_CHARS = new Set(["\ufffe", "\ufeff", "\uffff"]);

// Character groups: the same regex text as the server's, letters in both cases spelled out (no `i` flag).
const SPACES = "\\t-\\r \\u0085\\u00a0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const INVALID = "\\ufffe\\ufeff\\uffff";
const DIRECTIONAL = "\\u202a-\\u202e\\u061c\\u200e\\u200f\\u2066-\\u2069";
const PUNCT = "!'#%&()*+,\\\\\\-./:;<=>?@\\[\\]\\^_{|}~$";
const LATIN_ACCENTS =
  "\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u00ff\\u0100-\\u024f\\u0253\\u0254\\u0256\\u0257\\u0259\\u025b\\u0263" +
  "\\u0268\\u026f\\u0272\\u0289\\u028b\\u02bb\\u0300-\\u036f\\u1e00-\\u1eff";
const CYRILLIC = "\\u0400-\\u04ff";

const DOMAIN_CHAR = `[^${PUNCT}${SPACES}${INVALID}${DIRECTIONAL}]`;
const SUBDOMAIN = `(?:(?:${DOMAIN_CHAR}(?:[_\\-]|${DOMAIN_CHAR})*)?${DOMAIN_CHAR}\\.)`;
const DOMAIN_NAME = `(?:(?:${DOMAIN_CHAR}(?:-|${DOMAIN_CHAR})*)?${DOMAIN_CHAR}\\.)`;
const TLD_END = "(?=[^0-9a-zA-Z@+\\-]|$)";
const GTLD = `(?:(?:${GTLD_PATTERN})${TLD_END})`;
const CCTLD = `(?:(?:${CCTLD_PATTERN})${TLD_END})`;
const PUNYCODE = "(?:[xX][nN]--[\\-0-9a-zA-Z]+)";
const DOMAIN = `(?:${SUBDOMAIN}*${DOMAIN_NAME}(?:${GTLD}|${CCTLD}|${PUNYCODE}))`;
const PATH_CHAR = `[a-z${CYRILLIC}0-9A-Z!*';:=+,.$/%#\\[\\]\\-\\u2013_~@|&${LATIN_ACCENTS}]`;
const BALANCED_PARENS = `\\((?:${PATH_CHAR}+|(?:${PATH_CHAR}*\\(${PATH_CHAR}+\\)${PATH_CHAR}*))\\)`;
const PATH_END = `(?:[+\\-a-z${CYRILLIC}0-9A-Z=_#/${LATIN_ACCENTS}]|${BALANCED_PARENS})`;
const PATH = `(?:(?:${PATH_CHAR}*(?:${BALANCED_PARENS}${PATH_CHAR}*)*${PATH_END})|(?:@${PATH_CHAR}+/))`;
const QUERY_CHAR = "[a-zA-Z0-9!?*'@();:&=+$/%#\\[\\]\\-_.,~|]";
const QUERY_END = "[a-zA-Z0-9\\-_&=#/]";
const PRECEDING = `(?:[^A-Za-z0-9@\\uff20$#\\uff03${INVALID}]|[${DIRECTIONAL}]|^)`;

const URL_SOURCE =
  `(?<before>${PRECEDING})` +
  "(?<url>" +
  "(?<protocol>[hH][tT][tT][pP][sS]?://)?" +
  `(?<domain>${DOMAIN})` +
  "(?::[0-9]+)?" +
  `(?<path>/${PATH}*)?` +
  `(?:\\?${QUERY_CHAR}*${QUERY_END})?` +
  ")";
const URL_RE = new RegExp(URL_SOURCE, "gu");
const ASCII_DOMAIN_SOURCE = `(?:(?:[\\-a-zA-Z0-9${LATIN_ACCENTS}]+)\\.)+(?:${GTLD}|${CCTLD}|${PUNYCODE})`;
const ASCII_DOMAIN_RE = new RegExp(ASCII_DOMAIN_SOURCE, "gu");
const HAS_ASCII_DOMAIN_RE = new RegExp(ASCII_DOMAIN_SOURCE, "u");
// Without a scheme, "name.cc" alone is not a link (so "it.It" stays text), except the .co and .tv ones X allows.
const SHORT_CC_DOMAIN_RE = new RegExp(`^(?:${DOMAIN_NAME}${CCTLD})$`, "u");
const SPECIAL_SHORT_DOMAIN_RE = new RegExp(`^(?:${DOMAIN_NAME}(?:(?:[cC][oO]|[tT][vV])${TLD_END}))$`, "u");
const SHORT_LINK_RE = /^[hH][tT][tT][pP][sS]?:\/\/[tT]\.[cC][oO]\/([a-zA-Z0-9]+)/u;
const LABEL_SEPARATORS_RE = /[.\u3002\uff0e\uff61]/u;
const NOT_SPACE_RE = new RegExp(`[^${SPACES}]`, "u");
const ASCII_RE = /^[\x00-\x7f]*$/;

const MAX_URL_LENGTH = 4096;
const MAX_SHORT_LINK_SLUG = 40;
const MAX_LABEL_LENGTH = 63;

// Extended_Pictographic minus U+00A9 and U+00AE, which are emoji only when followed by U+FE0F.
const PICTOGRAPHIC = `[${EXTENDED_PICTOGRAPHIC.filter(([first, last]) => !(first === last && (first === 0xa9 || first === 0xae)))
  .map(([first, last]) => (first === last ? codePointEscape(first) : `${codePointEscape(first)}-${codePointEscape(last)}`))
  .join("")}]`;
const MODIFIER = "[\\u{1f3fb}-\\u{1f3ff}]";
// One pictograph, possibly with a presentation selector or skin tone; text presentation (U+FE0E) is not emoji.
const EMOJI_ELEMENT = `(?:[\\u00a9\\u00ae]\\ufe0f|${PICTOGRAPHIC}(?!\\ufe0e)(?:\\ufe0f|${MODIFIER})?${MODIFIER}?)`;
const EMOJI_RE = new RegExp(
  "\\u{1f3f4}[\\u{e0020}-\\u{e007e}]+\\u{e007f}" + // subdivision flags (tag sequences)
    "|[\\u{1f1e6}-\\u{1f1ff}]{2}" + // country flags
    "|[0-9#*]\\ufe0f?\\u20e3" + // keycaps
    `|${EMOJI_ELEMENT}(?:\\u200d${EMOJI_ELEMENT})*`, // ZWJ sequences and single emoji
  "gu",
);

function codePointEscape(codePoint) {
  return `\\u{${codePoint.toString(16)}}`;
}

/** The text's weight by X's rules (MAX_WEIGHTED_LENGTH is the limit). */
export function weightedLength(text) {
  return parse(text).weightedLength;
}

/** Whether X would accept the text as one post. */
export function isValid(text) {
  return parse(text).valid;
}

/** Weigh the text as X does: {weightedLength, valid, permillage, validRange*, displayRange*}. */
export function parse(text) {
  const normalized = text.normalize("NFC");
  const urlEnds = new Map(findUrls(normalized));
  const emojiEnds = new Map(emojiSpans(normalized));
  let weight = 0;
  let valid = true;
  let index = 0;
  let validEnd = 0;
  while (index < normalized.length) {
    let end;
    let unitWeight;
    if (urlEnds.has(index)) {
      end = urlEnds.get(index);
      unitWeight = URL_WEIGHT;
    } else if (emojiEnds.has(index)) {
      end = emojiEnds.get(index);
      unitWeight = EMOJI_WEIGHT;
    } else if (normalized.startsWith("\r\n", index)) {
      end = index + 2;
      unitWeight = 1;
    } else {
      const codePoint = normalized.codePointAt(index);
      end = index + (codePoint > 0xffff ? 2 : 1);
      unitWeight = charWeight(codePoint);
      valid = valid && !INVALID_CHARS.has(normalized[index]);
    }
    weight += unitWeight;
    if (valid && weight <= MAX_WEIGHTED_LENGTH) {
      validEnd = end - 1;
    }
    index = end;
  }
  return {
    weightedLength: weight,
    valid: valid && weight > 0 && weight <= MAX_WEIGHTED_LENGTH && NOT_SPACE_RE.test(normalized),
    permillage: Math.floor((weight * 1000) / MAX_WEIGHTED_LENGTH),
    validRangeStart: 0,
    validRangeEnd: validEnd + text.length - normalized.length,
    displayRangeStart: 0,
    displayRangeEnd: Math.max(text.length - 1, 0),
  };
}

/**
 * [start, end) UTF-16 offsets of every URL X would link in `text`, in order.
 *
 * With a scheme (http or https) any valid domain counts; without one the domain must be ASCII and end in a known
 * top-level domain, so "example.com" is a link and "sentence.Second" is not.
 */
export function findUrls(text) {
  if (!text.includes(".")) {
    return [];
  }
  const spans = [];
  for (const match of text.matchAll(URL_RE)) {
    const { before, url, protocol, domain, path } = match.groups;
    const start = match.index + before.length;
    const end = start + url.length;
    if (!isLinkable(url, protocol || "https://", domain)) {
      continue;
    }
    if (protocol) {
      const short = SHORT_LINK_RE.exec(url);
      if (short && short[1].length > MAX_SHORT_LINK_SLUG) {
        continue;
      }
      spans.push([start, short ? start + short[0].length : end]);
    } else if (!/[-_./]$/.test(before)) {
      spans.push(...schemeLessSpans(domain, start, end, Boolean(path)));
    }
  }
  return spans;
}

/** [start, end) UTF-16 offsets of every emoji sequence in `text`; never cut a text inside one of these. */
export function emojiSpans(text) {
  return Array.from(text.matchAll(EMOJI_RE), (match) => [match.index, match.index + match[0].length]);
}

function schemeLessSpans(domain, start, end, hasPath) {
  const spans = [];
  for (const found of domain.matchAll(ASCII_DOMAIN_RE)) {
    const name = found[0];
    if (hasPath || SPECIAL_SHORT_DOMAIN_RE.test(name) || !SHORT_CC_DOMAIN_RE.test(name)) {
      spans.push([start + found.index, start + found.index + name.length]);
    }
  }
  if (hasPath && spans.length > 0) {
    spans[spans.length - 1][1] = end;
  }
  return spans;
}

function isLinkable(url, protocol, domain) {
  if (domain.startsWith("xn--") && !HAS_ASCII_DOMAIN_RE.test(domain)) {
    return false;
  }
  for (const label of domain.split(".")) {
    const length = asciiLabelLength(label);
    if (length < 1 || length > MAX_LABEL_LENGTH) {
      return false;
    }
  }
  return protocol.length + url.length <= MAX_URL_LENGTH;
}

function asciiLabelLength(label) {
  const parts = label.split(LABEL_SEPARATORS_RE);
  const encoded = parts.map((part) => (ASCII_RE.test(part) ? part.length : 4 + punycode(part).length));
  return encoded.reduce((sum, length) => sum + length, 0) + parts.length - 1;
}

function charWeight(codePoint) {
  return LIGHT_RANGES.some(([first, last]) => first <= codePoint && codePoint <= last) ? 1 : 2;
}

// Punycode (RFC 3492), only to measure an international domain label as DNS will see it.
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;

function punycode(text) {
  const codePoints = Array.from(text, (char) => char.codePointAt(0));
  const output = codePoints.filter((codePoint) => codePoint < 0x80).map((codePoint) => String.fromCodePoint(codePoint));
  const basicCount = output.length;
  if (basicCount > 0) {
    output.push("-");
  }
  let handled = basicCount;
  let next = 0x80;
  let delta = 0;
  let bias = 72;
  while (handled < codePoints.length) {
    const smallest = Math.min(...codePoints.filter((codePoint) => codePoint >= next));
    delta += (smallest - next) * (handled + 1);
    next = smallest;
    for (const codePoint of codePoints) {
      if (codePoint < next) {
        delta += 1;
      } else if (codePoint === next) {
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const threshold = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
          if (q < threshold) {
            break;
          }
          output.push(punycodeDigit(threshold + ((q - threshold) % (BASE - threshold))));
          q = Math.floor((q - threshold) / (BASE - threshold));
        }
        output.push(punycodeDigit(q));
        bias = punycodeAdapt(delta, handled + 1, handled === basicCount);
        delta = 0;
        handled += 1;
      }
    }
    delta += 1;
    next += 1;
  }
  return output.join("");
}

function punycodeDigit(value) {
  return String.fromCharCode(value < 26 ? 97 + value : 22 + value);
}

function punycodeAdapt(delta, pointCount, first) {
  let scaled = first ? Math.floor(delta / 700) : Math.floor(delta / 2);
  scaled += Math.floor(scaled / pointCount);
  let k = 0;
  while (scaled > ((BASE - T_MIN) * T_MAX) >> 1) {
    scaled = Math.floor(scaled / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * scaled) / (scaled + 38));
}
