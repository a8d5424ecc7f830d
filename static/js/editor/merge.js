// The editor's copy of the thread as last saved, and the merge of the thread as the server now holds it (another
// tab, an API client or a rewrite changed it) with the edits made here since, tweet by tweet:
//
//   - a tweet you edited or added since the last save keeps your text, even if the server changed or deleted it
//     too: nothing typed is lost;
//   - your order is kept, and a tweet you deleted stays deleted;
//   - a tweet you did not touch takes the server's text, and goes if the server deleted it;
//   - a tweet the server added comes in after the tweet it follows there.
//
// The title follows the same rule. Tweets here are matched to the saved copy by their ids; the saved copy's tweets
// to the server's by equal text, then one for one between two equal ones where both sides have as many (tweets
// edited in place). No DOM here.

/** What the server held at `version` when the editor last read or saved it: the title, and the tweets' bodies
 * ([{ id, body }]) under the ids they have in the editor (null for a tweet that has no card any more). */
export class ServerCopy {
  constructor(version, title, tweets) {
    this.version = version;
    this.title = title;
    this.tweets = tweets.map(({ id, body }) => ({ id, body }));
  }

  /** The If-Match header value naming this copy's version (the thread API's ETag). */
  get etag() {
    return `"${this.version}"`;
  }
}

function sameTexts(some, others) {
  return some.length === others.length && some.every((text, index) => text === others[index]);
}

/** For each of `base`'s texts, the index of the text in `server` it became, or -1 if the server dropped it. */
export function align(base, server) {
  // Longest common subsequence of equal texts: the tweets the server left alone.
  const lengths = Array.from({ length: base.length + 1 }, () => new Array(server.length + 1).fill(0));
  for (let i = base.length - 1; i >= 0; i--) {
    for (let j = server.length - 1; j >= 0; j--) {
      lengths[i][j] =
        base[i] === server[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const pairs = new Array(base.length).fill(-1);
  const anchors = [[-1, -1]];
  for (let i = 0, j = 0; i < base.length && j < server.length; ) {
    if (base[i] === server[j]) {
      pairs[i] = j;
      anchors.push([i, j]);
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++;
    else j++;
  }
  anchors.push([base.length, server.length]);
  // Between two unchanged tweets, as many tweets on both sides were edited in place.
  for (let k = 1; k < anchors.length; k++) {
    const [i0, j0] = anchors[k - 1];
    const [i1, j1] = anchors[k];
    if (i1 - i0 === j1 - j0) for (let step = 1; i0 + step < i1; step++) pairs[i0 + step] = j0 + step;
  }
  return pairs;
}

/**
 * Merge `server` ({ version, title, bodies }) with the editor's `items` ([{ id, body }] in order) and `title`,
 * given the `copy` they were edited from; `newItem(body)` makes an item for a tweet the server added. Returns the
 * merged `items` and `title`, the server's thread as the new saved `copy` (under the merged items' ids), and
 * whether the server's title or tweets differ from the copy (`news`), the merge from what the editor shows
 * (`changed`) and the merge from the server's thread (`differs`: it holds edits the server has not got yet).
 */
export function mergeThread({ copy, items, title, server, newItem }) {
  const base = copy.tweets.map((tweet) => tweet.body);
  const pairs = align(base, server.bodies);
  const baseIndex = new Map(copy.tweets.map((tweet, index) => [tweet.id, index]));
  const merged = []; // { item, at }: `at` is the server tweet the item stands for, -1 for a tweet only here
  for (const item of items) {
    const index = baseIndex.get(item.id);
    const at = index === undefined ? -1 : pairs[index];
    const untouched = index !== undefined && item.body.trim() === base[index];
    if (!untouched) merged.push({ item, at });
    else if (at >= 0) {
      // Keep the text as typed (a trailing space, say) unless the server changed the tweet.
      const body = server.bodies[at] === base[index] ? item.body : server.bodies[at];
      merged.push({ item: { id: item.id, body }, at });
    }
  }
  const known = new Set(pairs);
  server.bodies.forEach((body, at) => {
    if (known.has(at)) return;
    let after = -1;
    merged.forEach((entry, position) => {
      if (entry.at >= 0 && entry.at < at && (after < 0 || entry.at > merged[after].at)) after = position;
    });
    merged.splice(after + 1, 0, { item: newItem(body), at });
  });
  const ids = new Map(merged.filter((entry) => entry.at >= 0).map((entry) => [entry.at, entry.item.id]));
  const mergedTitle = title.trim() === copy.title ? server.title : title;
  const bodies = merged.map((entry) => entry.item.body);
  return {
    items: merged.map((entry) => entry.item),
    title: mergedTitle,
    news: server.title !== copy.title || !sameTexts(server.bodies, base),
    changed:
      mergedTitle !== title ||
      bodies.length !== items.length ||
      bodies.some((body, position) => body !== items[position].body),
    copy: new ServerCopy(
      server.version,
      server.title,
      server.bodies.map((body, at) => ({ id: ids.get(at) ?? null, body })),
    ),
    differs:
      mergedTitle.trim() !== server.title ||
      bodies.length !== server.bodies.length ||
      bodies.some((body, position) => body.trim() !== server.bodies[position]),
  };
}
