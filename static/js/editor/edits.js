// The edits that change the thread's shape: splitting a tweet (at the cursor, or where it passes X's limit),
// joining two, moving, adding and deleting tweets. Each is one undo step (the editor's `edit`); a join that would
// pass the limit is refused, with the reason said under the tweet.

import { numberMark } from "../numbering.js";
import { MAX_WEIGHTED_LENGTH, weightedLength } from "../xtext.js";
import { splitAtLimit } from "./overflow.js";

const TEXT = "[data-role=text]";
const MENU = "[data-action=menu]";

export class StructureEdits {
  /** Edits `editor`'s thread (its tweets, numbering, maxTweets, edit and tell). */
  constructor(editor) {
    this.editor = editor;
  }

  get tweets() {
    return this.editor.tweets;
  }

  /** Split tweet `id` at the textarea's cursor, or into the `parts` typed Enters left (`{ head, tail }`). */
  split(id, textarea, parts) {
    const index = this.tweets.indexOf(id);
    const body = this.tweets.items[index].body;
    const at = textarea.selectionStart;
    const head = (parts?.head ?? body.slice(0, at)).trimEnd();
    const tail = (parts?.tail ?? body.slice(at)).trimStart();
    if (this.tweets.length >= this.editor.maxTweets) {
      this.editor.tell(id, `A thread holds at most ${this.editor.maxTweets} tweets.`);
      return;
    }
    // Enters typed at the end start an empty tweet; the cursor itself has to be inside the text.
    if (!head || (!tail && !parts)) {
      this.editor.tell(id, "Place the cursor inside the text where the new tweet should start.");
      textarea.focus();
      return;
    }
    this.editor.edit(
      () => ({ id: this.tweets.split(index, head, tail), caret: 0 }),
      `Split into tweets ${index + 1} and ${index + 2}`,
    );
  }

  /** Split tweet `id`, over the limit, at the last sentence or word end that keeps its first part within it. */
  splitAtLimit(id) {
    const index = this.tweets.indexOf(id);
    const mark = numberMark(this.editor.numbering, index + 1, this.tweets.length + 1);
    const parts = splitAtLimit(this.tweets.items[index].body, mark);
    if (!parts || this.tweets.length >= this.editor.maxTweets) return;
    this.editor.edit(
      () => ({ id: this.tweets.split(index, parts.head, parts.tail), caret: 0 }),
      `Split tweet ${index + 1} at ${MAX_WEIGHTED_LENGTH}: the rest is now tweet ${index + 2}`,
    );
  }

  /** Why tweets `index` and `index + 1` cannot become one, or null when they can. */
  joinRefusal(index) {
    const [first, second] = this.tweets.items.slice(index, index + 2);
    const joined = `${first.body.trimEnd()} ${second.body.trimStart()}`.trim();
    const length = weightedLength(joined + numberMark(this.editor.numbering, index + 1, this.tweets.length - 1));
    if (length <= MAX_WEIGHTED_LENGTH) return null;
    return (
      `Tweets ${index + 1} and ${index + 2} together would be ${length} characters, over X's limit of ` +
      `${MAX_WEIGHTED_LENGTH}: not merged.`
    );
  }

  /** Join tweet `id` onto the tweet above it (Backspace at its start), the cursor at the seam. */
  joinUp(id) {
    const index = this.tweets.indexOf(id);
    if (index < 1) return;
    const above = this.tweets.items[index - 1];
    const refusal = this.joinRefusal(index - 1);
    if (refusal) {
      this.editor.tell(id, refusal);
      return;
    }
    const head = above.body.trimEnd();
    const caret = head.length + (head && this.tweets.items[index].body.trim() ? 1 : 0);
    this.editor.edit(
      () => {
        this.tweets.merge(index - 1);
        return { id: above.id, caret };
      },
      `Merged tweet ${index + 1} into tweet ${index}`,
    );
  }

  merge(id) {
    const index = this.tweets.indexOf(id);
    if (index >= this.tweets.length - 1) return;
    const refusal = this.joinRefusal(index);
    if (refusal) {
      this.editor.tell(id, refusal);
      return;
    }
    const caret = this.tweets.items[index].body.trimEnd().length;
    this.editor.edit(
      () => {
        this.tweets.merge(index);
        return { id, caret };
      },
      `Merged tweet ${index + 2} into tweet ${index + 1}`,
    );
  }

  move(id, step, selector) {
    const index = this.tweets.indexOf(id);
    const target = index + step;
    if (target < 0 || target >= this.tweets.length) return;
    this.editor.edit(() => {
      this.tweets.move(index, target);
      // A Move button that became disabled at either end cannot hold focus: the tweet's text takes it.
      const atEnd = step < 0 ? target === 0 : target === this.tweets.length - 1;
      const stillThere = selector === TEXT || selector === MENU || !atEnd;
      return { id, selector: stillThere ? selector : TEXT };
    }, `Moved to position ${target + 1}`);
  }

  moveTo(id, target) {
    const index = this.tweets.indexOf(id);
    if (index < 0 || target === index) return;
    this.editor.edit(() => {
      this.tweets.move(index, target);
      return { id };
    }, `Moved to position ${target + 1}`);
  }

  insert(id) {
    const index = this.tweets.indexOf(id);
    this.editor.edit(() => ({ id: this.tweets.insertAfter(index) }), `Added tweet ${index + 2}`);
  }

  remove(id) {
    const index = this.tweets.indexOf(id);
    if (this.tweets.length === 1) return;
    this.editor.edit(
      () => ({ id: this.tweets.remove(index) }),
      `Deleted tweet ${index + 1}. Undo brings it back.`,
    );
  }
}
