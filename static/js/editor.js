// The thread editor: one card per tweet, counted exactly as X counts, numbered as the server numbers, saved as
// the user types. The same component runs on /app/ after a generation and on /app/threads/<id>/.
//
// Tweets are a column of text fields typed into directly. This module holds the edits and wires the page to its
// parts in editor/: the tweet list and its undo history (tweets.js), the cards (card.js) and their "⋯" menus
// (menu.js), the keyboard (keys.js), the text over the limit (overflow.js), the preview (preview.js), saving
// (autosave.js), merging what changed elsewhere (merge.js), dragging (drag.js), copying (clipboard.js) and the
// "Post on X" checklist (post-guide.js).

import { DEFAULT_NUMBERING, bodiesOf, numberMark, numbered } from "./numbering.js";
import { Autosave } from "./editor/autosave.js";
import { buildCard, focusedCard, updateCard } from "./editor/card.js";
import { Clipboard } from "./editor/clipboard.js";
import { DragReorder } from "./editor/drag.js";
import { wireKeys } from "./editor/keys.js";
import { CardMenus } from "./editor/menu.js";
import { StructureEdits } from "./editor/edits.js";
import { ServerCopy, mergeThread } from "./editor/merge.js";
import { PostGuide } from "./editor/post-guide.js";
import { Rewriter } from "./editor/rewrite.js";
import { renderPreview } from "./editor/preview.js";
import { TweetList, UndoHistory } from "./editor/tweets.js";

const TYPING_PAUSE = 1000;
const TEXT = "[data-role=text]";

class Editor {
  constructor(root, thread) {
    this.root = root;
    this.thread = thread;
    this.numbering = thread.options?.numbering || DEFAULT_NUMBERING;
    this.maxTweets = Number(root.dataset.maxTweets);
    this.maxRewrites = Number(root.dataset.maxRewrites);
    this.tweets = new TweetList(this.bodiesOf(thread));
    this.title = thread.title;
    this.copy = new ServerCopy(thread.version, thread.title, this.tweets.items);
    this.sending = [];
    this.undoHistory = new UndoHistory();
    this.lastTyping = { id: null, at: 0 };
    this.listeners = new AbortController();
    this.list = root.querySelector("#tweet-list");
    this.preview = root.querySelector("#editor-preview");
    this.template = document.getElementById("editor-card-template");
    this.titleInput = root.querySelector("#thread-title");
    this.announcer = root.querySelector("#editor-announcer");
    this.autosave = new Autosave(root, {
      url: `/api/v1/threads/${thread.id}`,
      payload: () => {
        this.sending = this.tweets.items.map((item) => item.id);
        return {
          title: this.title.trim() || this.thread.title,
          tweets: numbered(
            this.tweets.bodies().map((body) => body.trim()),
            this.numbering,
          ),
        };
      },
      etag: () => this.copy.etag,
      blocker: () => (this.tweets.hasEmpty() ? "write something in the empty tweet or delete it" : null),
      onSaved: (saved) => {
        this.thread.title = saved.title;
        if (saved.version <= this.copy.version) return; // a rewrite's answer, newer still, came back first
        const bodies = this.bodiesOf(saved);
        const tweets = this.sending.map((id, at) => ({ id, body: bodies[at] }));
        this.copy = new ServerCopy(saved.version, saved.title, tweets);
      },
      onConflict: (current) => this.adopt(current),
    });
    this.clipboard = new Clipboard(root, (message) => this.announce(message));
    this.rewriter = new Rewriter(this);
    this.edits = new StructureEdits(this);
    this.drag = new DragReorder(this.list, (id, targetId) => this.edits.moveTo(id, this.tweets.indexOf(targetId)));
    this.menus = new CardMenus(this.list, this.listeners.signal);
    // Absent when the page offers "Publish to X" (publish.js) instead of the manual guide.
    const guide = root.querySelector("#post-guide");
    this.postGuide = guide
      ? new PostGuide(guide, {
          threadId: thread.id,
          texts: () => numbered(this.tweets.bodies().map((body) => body.trim()), this.numbering),
        })
      : null;
    this.wire();
    this.titleInput.value = this.title;
    this.render();
  }

  wire() {
    const root = this.root;
    root.querySelector("#undo").addEventListener("click", () => this.undo());
    root.querySelector("#redo").addEventListener("click", () => this.redo());
    root.querySelector("#preview-toggle").addEventListener("click", (event) => this.togglePreview(event.currentTarget));
    root.querySelector("#copy-all").addEventListener("click", () => this.copyAll());
    root.querySelector("#post-open")?.addEventListener("click", () => this.postGuide?.open());
    this.titleInput.addEventListener("input", () => {
      this.title = this.titleInput.value;
      this.autosave.changed();
    });
    for (const link of root.querySelectorAll("[data-export]")) {
      link.href = `/api/v1/threads/${this.thread.id}/export?format=${link.dataset.export}`;
      link.addEventListener("click", (event) => this.autosave.followAfterSave(event, link));
    }
    this.list.addEventListener("input", (event) => this.onInput(event));
    this.list.addEventListener("click", (event) => this.onClick(event));
    this.list.addEventListener("focusout", (event) => {
      const card = event.target.closest(".tweet-card");
      if (card && !card.contains(event.relatedTarget)) card.classList.remove("is-active");
    });
    const { signal } = this.listeners;
    wireKeys(this, signal);
    window.addEventListener(
      "beforeunload",
      (event) => {
        if (this.autosave.unsaved) {
          event.preventDefault();
          event.returnValue = "";
        }
      },
      { signal },
    );
  }

  /** Stop listening to the page (a new generation replaces this editor). */
  destroy() {
    this.autosave.stop();
    this.listeners.abort();
  }

  /** Save now, waiting for any save in flight (the generator page calls this before replacing the editor). */
  save() {
    return this.autosave.save();
  }

  // --- rendering -------------------------------------------------------------------------------------------

  render(focus) {
    this.list.replaceChildren(...this.tweets.items.map((item, index) => buildCard(this.template, item, index)));
    this.updateAll();
    this.root.querySelector("#undo").disabled = !this.undoHistory.canUndo;
    this.root.querySelector("#redo").disabled = !this.undoHistory.canRedo;
    if (!this.preview.hidden) this.showPreview();
    if (focus) this.focus(focus);
  }

  updateAll() {
    const count = this.tweets.length;
    this.tweets.items.forEach((item, index) => {
      const card = this.cardFor(item.id);
      if (!card) return;
      updateCard(card, {
        body: item.body,
        mark: numberMark(this.numbering, index + 1, count),
        index,
        count,
        threadFull: count >= this.maxTweets,
        canRewrite: this.thread.regenerations < this.maxRewrites,
      });
    });
  }

  cardFor(id) {
    return this.list.querySelector(`.tweet-card[data-id="${id}"]`);
  }

  focus({ id, selector = TEXT, caret }) {
    const card = this.cardFor(id);
    const target = card?.querySelector(selector);
    if (!target) return;
    // A new card's actions are hidden until focus is in it; the one to focus has to be shown first.
    card.classList.add("is-active");
    target.focus();
    if (caret !== undefined && target instanceof HTMLTextAreaElement) target.setSelectionRange(caret, caret);
  }

  announce(message) {
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = message;
    }, 30);
  }

  showPreview() {
    renderPreview(this.preview, numbered(this.tweets.bodies(), this.numbering), {
      name: this.root.dataset.authorName || "You",
      handle: this.root.dataset.authorHandle || "you",
    });
  }

  togglePreview(button) {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    this.preview.hidden = !on;
    this.list.hidden = on;
    if (on) this.showPreview();
  }

  // --- the server's copy -----------------------------------------------------------------------------------

  /** The tweets of `thread` (the API's JSON) without their numbering. */
  bodiesOf(thread) {
    return bodiesOf(
      thread.tweets.map((tweet) => tweet.text),
      this.numbering,
    );
  }

  /**
   * Take `thread` (the API's JSON) as the server now holds it, keeping every edit made here since the last save
   * (editor/merge.js says how). Says whether the server's title or tweets had changed (`news`) and whether the
   * result holds edits the server has not got yet (`differs`). A thread no newer than the copy this editor
   * already has changes nothing. The change is one undo step when it changes
   * what is shown, or always when the user asked for it (`asked`, as a rewrite is).
   */
  adopt(thread, { asked = false } = {}) {
    this.thread.regenerations = thread.regenerations;
    const focus = focusedCard(this.list);
    if (thread.version <= this.copy.version) {
      this.render(focus);
      return { news: false, differs: false };
    }
    const merge = mergeThread({
      copy: this.copy,
      items: this.tweets.items,
      title: this.title,
      server: { version: thread.version, title: thread.title, bodies: this.bodiesOf(thread) },
      newItem: (body) => this.tweets.item(body),
    });
    if (merge.changed || asked) this.remember();
    this.tweets.items = merge.items;
    this.copy = merge.copy;
    this.thread.title = thread.title;
    this.title = merge.title;
    if (this.titleInput.value !== merge.title) this.titleInput.value = merge.title;
    this.lastTyping = { id: null, at: 0 };
    this.render(focus);
    return { news: merge.news, differs: merge.differs };
  }

  // --- edits -----------------------------------------------------------------------------------------------

  snapshot() {
    return { items: this.tweets.copy(), title: this.title };
  }

  remember() {
    this.undoHistory.remember(this.snapshot());
  }

  /** Apply a structural edit: remembered for undo, renumbered, re-rendered and saved. */
  edit(change, message) {
    this.remember();
    const focus = change();
    this.lastTyping = { id: null, at: 0 };
    this.render(focus);
    this.autosave.changed();
    if (message) this.announce(message);
  }

  restore(state, message) {
    if (!state) return;
    this.tweets.items = state.items;
    this.title = state.title;
    this.titleInput.value = this.title;
    this.lastTyping = { id: null, at: 0 };
    this.render();
    this.autosave.changed();
    this.announce(message);
  }

  undo() {
    this.restore(this.undoHistory.undo(this.snapshot()), "Undone");
  }

  redo() {
    this.restore(this.undoHistory.redo(this.snapshot()), "Redone");
  }

  onInput(event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement)) return;
    const id = Number(textarea.closest(".tweet-card").dataset.id);
    const now = Date.now();
    // Typing is one undo step per tweet until a pause.
    if (this.lastTyping.id !== id || now - this.lastTyping.at > TYPING_PAUSE) {
      this.remember();
      this.root.querySelector("#undo").disabled = false;
      this.root.querySelector("#redo").disabled = true;
    }
    this.lastTyping = { id, at: now };
    this.tell(id, "");
    this.tweets.setBody(id, textarea.value);
    this.updateAll();
    this.autosave.changed();
  }

  onClick(event) {
    const fromMenu = Boolean(event.target.closest("[role=menuitem]"));
    if (fromMenu) this.menus.close(true); // "Open in X" too, which is a link
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const card = button.closest(".tweet-card");
    const id = Number(card.dataset.id);
    // A move chosen in the menu leaves focus on the moved tweet's menu button, which is always there.
    const moved = (action) => (fromMenu ? "[data-action=menu]" : `[data-action=${action}]`);
    const actions = {
      menu: () => this.menus.toggle(button),
      split: () => this.edits.split(id, card.querySelector(TEXT)),
      "split-limit": () => this.edits.splitAtLimit(id),
      merge: () => this.edits.merge(id),
      up: () => this.edits.move(id, -1, moved("up")),
      down: () => this.edits.move(id, 1, moved("down")),
      insert: () => this.edits.insert(id),
      delete: () => this.edits.remove(id),
      copy: () => this.copyOne(id),
      rewrite: () => this.rewriter.toggle(card, true),
      "rewrite-cancel": () => this.rewriter.toggle(card, false),
    };
    actions[button.dataset.action]?.();
  }

  /** Say `message` under tweet `id` (its note is a live region), until the next keystroke there. */
  tell(id, message) {
    const note = this.cardFor(id)?.querySelector("[data-role=note]");
    if (note) note.textContent = message;
  }

  // --- copying ---------------------------------------------------------------------------------------------

  copyOne(id) {
    const index = this.tweets.indexOf(id);
    const text = this.tweets.items[index].body + numberMark(this.numbering, index + 1, this.tweets.length);
    this.clipboard.copy(text, `Tweet ${index + 1} copied`);
  }

  copyAll() {
    const plain = this.root.querySelector("#copy-format").value === "plain";
    const bodies = this.tweets.bodies().map((body) => body.trim());
    const texts = plain ? bodies : numbered(bodies, this.numbering);
    this.clipboard.copy(texts.join("\n\n"), `All ${texts.length} tweets copied`);
  }
}

/** Show the editor for `thread` (the API's thread JSON) inside `root` (the editor panel). */
export function mountEditor(root, thread) {
  root.hidden = false;
  return new Editor(root, thread);
}
