// The thread editor: one card per tweet, counted exactly as X counts, numbered as the server numbers, saved as
// the user types. The same component runs on /app/ after a generation and on /app/threads/<id>/.
//
// State is the list of tweet *bodies*; numbering is applied on the fly (generator/splitter.py `_mark`), so moving,
// splitting or deleting a tweet renumbers the thread without touching its text.

import { weightedLength, MAX_WEIGHTED_LENGTH } from "./xtext.js";

const WARN_FROM = 260;
const UNDO_LIMIT = 20;
const SAVE_DELAY = 800;
const TYPING_PAUSE = 1000;
const RING = 2 * Math.PI * 15.9;

/** The mark the server appends to tweet `position` of `count` (generator/splitter.py `_mark`). */
export function numberMark(numbering, position, count) {
  if (numbering === "1/n") return ` ${position}/${count}`;
  if (numbering === "1/") return ` ${position}/`;
  if (numbering === "(1/n)") return ` (${position}/${count})`;
  if (numbering === "🧵") return position === 1 ? " 🧵" : "";
  return "";
}

export function numbered(bodies, numbering) {
  return bodies.map((body, index) => body + numberMark(numbering, index + 1, bodies.length));
}

/** Saved tweets carry their numbering; take off exactly the mark the server put on. */
export function bodiesOf(texts, numbering) {
  return texts.map((text, index) => {
    const mark = numberMark(numbering, index + 1, texts.length);
    return mark && text.endsWith(mark) ? text.slice(0, -mark.length) : text;
  });
}

export function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

export async function api(path, { method = "GET", body } = {}) {
  const response = await fetch(path, {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error?.message || `The server answered ${response.status}.`);
    error.code = data.error?.code;
    throw error;
  }
  return data;
}

function isTextField(element) {
  return element instanceof HTMLTextAreaElement || element instanceof HTMLInputElement || element?.isContentEditable;
}

class Editor {
  constructor(root, thread) {
    this.root = root;
    this.thread = thread;
    this.numbering = thread.options?.numbering || "1/n";
    this.maxTweets = Number(root.dataset.maxTweets) || 25;
    this.nextId = 1;
    this.items = bodiesOf(
      thread.tweets.map((tweet) => tweet.text),
      this.numbering,
    ).map((body) => this.item(body));
    this.title = thread.title;
    this.undoStack = [];
    this.redoStack = [];
    this.lastTyping = { id: null, at: 0 };
    this.saveTimer = null;
    this.saving = null;
    this.dirty = false;
    this.failed = false;
    this.dragId = null;
    this.listeners = new AbortController();
    this.list = root.querySelector("#tweet-list");
    this.preview = root.querySelector("#editor-preview");
    this.template = document.getElementById("editor-card-template");
    this.titleInput = root.querySelector("#thread-title");
    this.announcer = root.querySelector("#editor-announcer");
    this.wire();
    this.titleInput.value = this.title;
    this.render();
    this.showSaveState("saved");
  }

  item(body) {
    return { id: this.nextId++, body };
  }

  // --- wiring ----------------------------------------------------------------------------------------------

  wire() {
    const root = this.root;
    root.querySelector("#undo").addEventListener("click", () => this.undo());
    root.querySelector("#redo").addEventListener("click", () => this.redo());
    root.querySelector("#preview-toggle").addEventListener("click", (event) => this.togglePreview(event.currentTarget));
    root.querySelector("#copy-all").addEventListener("click", () => this.copyAll());
    root.querySelector("#save-retry").addEventListener("click", () => this.save());
    this.titleInput.addEventListener("input", () => {
      this.title = this.titleInput.value;
      this.changed();
    });
    for (const link of root.querySelectorAll("[data-export]")) {
      link.href = `/api/v1/threads/${this.thread.id}/export?format=${link.dataset.export}`;
      link.addEventListener("click", (event) => this.exportAfterSave(event, link));
    }
    this.list.addEventListener("input", (event) => this.onInput(event));
    this.list.addEventListener("click", (event) => this.onClick(event));
    this.list.addEventListener("keydown", (event) => this.onCardKey(event));
    this.list.addEventListener("submit", (event) => this.onRewriteSubmit(event));
    this.list.addEventListener("dragstart", (event) => this.onDragStart(event));
    this.list.addEventListener("dragover", (event) => this.onDragOver(event));
    this.list.addEventListener("drop", (event) => this.onDrop(event));
    this.list.addEventListener("dragend", () => this.clearDrag());
    const { signal } = this.listeners;
    document.addEventListener("keydown", (event) => this.onGlobalKey(event), { signal });
    window.addEventListener(
      "beforeunload",
      (event) => {
        if (this.dirty || this.saving || this.failed) {
          event.preventDefault();
          event.returnValue = "";
        }
      },
      { signal },
    );
  }

  /** Stop listening to the page (a new generation replaces this editor). */
  destroy() {
    window.clearTimeout(this.saveTimer);
    this.listeners.abort();
  }

  // --- rendering -------------------------------------------------------------------------------------------

  render(focus) {
    const cards = this.items.map((item, index) => this.card(item, index));
    this.list.replaceChildren(...cards);
    this.updateAll();
    this.root.querySelector("#undo").disabled = this.undoStack.length === 0;
    this.root.querySelector("#redo").disabled = this.redoStack.length === 0;
    if (!this.preview.hidden) this.renderPreview();
    if (focus) this.focus(focus);
  }

  card(item, index) {
    const card = this.template.content.firstElementChild.cloneNode(true);
    card.dataset.id = String(item.id);
    const fieldId = `tweet-${item.id}`;
    const text = card.querySelector("[data-role=text]");
    text.id = fieldId;
    text.value = item.body;
    card.querySelector("[data-role=label]").htmlFor = fieldId;
    const rewrite = card.querySelector("[data-role=rewrite]");
    const instruction = card.querySelector("[data-role=instruction]");
    instruction.id = `instruction-${item.id}`;
    card.querySelector("[data-role=rewrite-label]").htmlFor = instruction.id;
    rewrite.dataset.id = String(item.id);
    const over = card.querySelector("[data-role=over]");
    over.id = `over-${item.id}`;
    const left = card.querySelector("[data-role=left]");
    left.id = `left-${item.id}`;
    text.setAttribute("aria-describedby", `${left.id} ${over.id}`);
    card.querySelector("[data-role=actions]").setAttribute("aria-label", `Tweet ${index + 1} actions`);
    return card;
  }

  updateAll() {
    const count = this.items.length;
    this.items.forEach((item, index) => {
      const card = this.cardFor(item.id);
      if (card) this.updateCard(card, item, index, count);
    });
  }

  updateCard(card, item, index, count) {
    const full = item.body + numberMark(this.numbering, index + 1, count);
    const length = weightedLength(full);
    const left = MAX_WEIGHTED_LENGTH - length;
    card.querySelector("[data-role=label]").textContent = `Tweet ${index + 1} of ${count}`;
    card.querySelector("[data-role=mark]").textContent = numberMark(this.numbering, index + 1, count).trim();
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
          "(links count 23, emoji 2).";
    card.classList.toggle("is-over", left < 0);
    card.classList.toggle("is-empty", item.body.trim() === "");
    card.querySelector("[data-role=intent]").href = `https://x.com/intent/post?text=${encodeURIComponent(full)}`;
    card.querySelector("[data-role=intent]").setAttribute("aria-label", `Open tweet ${index + 1} in X`);
    const last = index === count - 1;
    const full25 = count >= this.maxTweets;
    card.querySelector("[data-action=up]").disabled = index === 0;
    card.querySelector("[data-action=down]").disabled = last;
    card.querySelector("[data-action=merge]").disabled = last;
    card.querySelector("[data-action=delete]").disabled = count === 1;
    card.querySelector("[data-action=split]").disabled = full25;
    card.querySelector("[data-action=insert]").disabled = full25;
    card.querySelector("[data-action=rewrite]").disabled = this.thread.regenerations >= 20;
    this.grow(card.querySelector("[data-role=text]"));
  }

  grow(textarea) {
    textarea.style.setProperty("height", "auto");
    textarea.style.setProperty("height", `${textarea.scrollHeight + 2}px`);
  }

  cardFor(id) {
    return this.list.querySelector(`.tweet-card[data-id="${id}"]`);
  }

  focus({ id, selector = "[data-role=text]", caret }) {
    const card = this.cardFor(id);
    const target = card?.querySelector(selector);
    if (!target) return;
    target.focus();
    if (caret !== undefined && target instanceof HTMLTextAreaElement) target.setSelectionRange(caret, caret);
  }

  announce(message) {
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = message;
    }, 30);
  }

  renderPreview() {
    const name = this.root.dataset.authorName || "You";
    const handle = this.root.dataset.authorHandle || "you";
    const texts = numbered(
      this.items.map((item) => item.body),
      this.numbering,
    );
    this.preview.replaceChildren(
      ...texts.map((text) => {
        const li = document.createElement("li");
        li.className = "x-tweet";
        const avatar = document.createElement("div");
        avatar.className = "x-avatar";
        avatar.setAttribute("aria-hidden", "true");
        avatar.textContent = name.slice(0, 1).toUpperCase();
        const body = document.createElement("div");
        body.className = "x-body";
        const meta = document.createElement("p");
        meta.className = "x-meta";
        const who = document.createElement("span");
        who.className = "x-name";
        who.textContent = name;
        const at = document.createElement("span");
        at.className = "x-handle";
        at.textContent = ` @${handle}`;
        meta.append(who, at);
        const para = document.createElement("p");
        para.className = "x-text";
        para.textContent = text;
        body.append(meta, para);
        li.append(avatar, body);
        return li;
      }),
    );
  }

  togglePreview(button) {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    this.preview.hidden = !on;
    this.list.hidden = on;
    if (on) this.renderPreview();
  }

  // --- edits -----------------------------------------------------------------------------------------------

  snapshot() {
    return { items: this.items.map((item) => ({ ...item })), title: this.title };
  }

  remember() {
    this.undoStack.push(this.snapshot());
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
    this.redoStack = [];
  }

  /** Apply a structural edit: remembered for undo, renumbered, re-rendered and saved. */
  edit(change, message) {
    this.remember();
    const focus = change();
    this.lastTyping = { id: null, at: 0 };
    this.render(focus);
    this.changed();
    if (message) this.announce(message);
  }

  restore(from, to, message) {
    if (from.length === 0) return;
    to.push(this.snapshot());
    const state = from.pop();
    this.items = state.items;
    this.title = state.title;
    this.titleInput.value = this.title;
    this.lastTyping = { id: null, at: 0 };
    this.render();
    this.changed();
    this.announce(message);
  }

  undo() {
    this.restore(this.undoStack, this.redoStack, "Undone");
  }

  redo() {
    this.restore(this.redoStack, this.undoStack, "Redone");
  }

  indexOf(id) {
    return this.items.findIndex((item) => item.id === id);
  }

  onInput(event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement)) return;
    const card = textarea.closest(".tweet-card");
    const id = Number(card.dataset.id);
    const now = Date.now();
    if (this.lastTyping.id !== id || now - this.lastTyping.at > TYPING_PAUSE) {
      this.remember();
      this.root.querySelector("#undo").disabled = false;
      this.root.querySelector("#redo").disabled = true;
    }
    this.lastTyping = { id, at: now };
    this.items[this.indexOf(id)].body = textarea.value;
    this.updateAll();
    this.changed();
  }

  onClick(event) {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const card = button.closest(".tweet-card");
    const id = Number(card.dataset.id);
    const actions = {
      split: () => this.split(id, card.querySelector("[data-role=text]")),
      merge: () => this.merge(id),
      up: () => this.move(id, -1, "[data-action=up]"),
      down: () => this.move(id, 1, "[data-action=down]"),
      insert: () => this.insert(id),
      delete: () => this.remove(id),
      copy: () => this.copyOne(id),
      rewrite: () => this.toggleRewrite(card, true),
      "rewrite-cancel": () => this.toggleRewrite(card, false),
    };
    actions[button.dataset.action]?.();
  }

  onCardKey(event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const card = event.target.closest(".tweet-card");
    if (!card) return;
    event.preventDefault();
    const id = Number(card.dataset.id);
    const selector = event.target instanceof HTMLTextAreaElement ? "[data-role=text]" : "[data-action=up]";
    this.move(id, event.key === "ArrowUp" ? -1 : 1, selector);
  }

  onGlobalKey(event) {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z" || isTextField(event.target)) return;
    if (this.root.hidden) return;
    event.preventDefault();
    if (event.shiftKey) this.redo();
    else this.undo();
  }

  split(id, textarea) {
    const index = this.indexOf(id);
    const body = this.items[index].body;
    const at = textarea.selectionStart;
    const head = body.slice(0, at).trimEnd();
    const tail = body.slice(at).trimStart();
    if (!head || !tail) {
      this.announce("Place the cursor inside the text where the new tweet should start.");
      textarea.focus();
      return;
    }
    this.edit(() => {
      const next = this.item(tail);
      this.items.splice(index, 1, { id, body: head }, next);
      return { id: next.id, caret: 0 };
    }, `Split into tweets ${index + 1} and ${index + 2}`);
  }

  merge(id) {
    const index = this.indexOf(id);
    if (index >= this.items.length - 1) return;
    const [first, second] = this.items.slice(index, index + 2);
    const caret = first.body.trimEnd().length;
    this.edit(
      () => {
        this.items.splice(index, 2, { id, body: `${first.body.trimEnd()} ${second.body.trimStart()}`.trim() });
        return { id, caret };
      },
      `Merged tweet ${index + 2} into tweet ${index + 1}`,
    );
  }

  move(id, step, selector) {
    const index = this.indexOf(id);
    const target = index + step;
    if (target < 0 || target >= this.items.length) return;
    this.edit(
      () => {
        const [moved] = this.items.splice(index, 1);
        this.items.splice(target, 0, moved);
        const stillThere = selector === "[data-role=text]" || (step < 0 ? target > 0 : target < this.items.length - 1);
        return { id, selector: stillThere ? selector : "[data-role=text]" };
      },
      `Moved to position ${target + 1}`,
    );
  }

  moveTo(id, target) {
    const index = this.indexOf(id);
    if (index < 0 || target === index) return;
    this.edit(() => {
      const [moved] = this.items.splice(index, 1);
      this.items.splice(target, 0, moved);
      return { id };
    }, `Moved to position ${target + 1}`);
  }

  insert(id) {
    const index = this.indexOf(id);
    this.edit(() => {
      const fresh = this.item("");
      this.items.splice(index + 1, 0, fresh);
      return { id: fresh.id };
    }, `Added tweet ${index + 2}`);
  }

  remove(id) {
    const index = this.indexOf(id);
    if (this.items.length === 1) return;
    this.edit(
      () => {
        this.items.splice(index, 1);
        const neighbour = this.items[Math.min(index, this.items.length - 1)];
        return { id: neighbour.id };
      },
      `Deleted tweet ${index + 1}. Undo brings it back.`,
    );
  }

  toggleRewrite(card, open) {
    const form = card.querySelector("[data-role=rewrite]");
    const toggle = card.querySelector("[data-action=rewrite]");
    form.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) form.querySelector("input").focus();
    else toggle.focus();
  }

  async onRewriteSubmit(event) {
    const form = event.target.closest("[data-role=rewrite]");
    if (!form) return;
    event.preventDefault();
    const id = Number(form.dataset.id);
    const position = this.indexOf(id) + 1;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Rewriting…";
    this.announce(`Rewriting tweet ${position}…`);
    try {
      await this.save();
      if (this.failed) throw new Error("Your last edits are not saved yet; retry saving first.");
      const instruction = form.querySelector("input").value.trim();
      const thread = await api(`/api/v1/threads/${this.thread.id}/tweets/${position}/regenerate`, {
        method: "POST",
        body: { instruction },
      });
      this.thread.regenerations = thread.regenerations;
      const bodies = bodiesOf(
        thread.tweets.map((tweet) => tweet.text),
        this.numbering,
      );
      this.edit(() => {
        this.items = bodies.map((body, index) => (index === position - 1 ? { id, body } : this.item(body)));
        return { id };
      }, `Tweet ${position} rewritten`);
      this.dirty = false;
      this.showSaveState("saved");
    } catch (error) {
      button.disabled = false;
      button.textContent = "Rewrite tweet";
      this.announce(error.message);
      const card = this.cardFor(id);
      const over = card?.querySelector("[data-role=over]");
      if (over) {
        over.hidden = false;
        over.textContent = error.message;
      }
    }
  }

  // --- drag and drop ---------------------------------------------------------------------------------------

  onDragStart(event) {
    const handle = event.target.closest?.(".drag-handle");
    if (!handle) return;
    const card = handle.closest(".tweet-card");
    this.dragId = Number(card.dataset.id);
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
    event.dataTransfer.setDragImage(card, 24, 24);
  }

  onDragOver(event) {
    if (this.dragId === null) return;
    const card = event.target.closest(".tweet-card");
    if (!card) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of this.list.querySelectorAll(".is-drop-target")) other.classList.remove("is-drop-target");
    card.classList.add("is-drop-target");
  }

  onDrop(event) {
    const card = event.target.closest(".tweet-card");
    if (this.dragId === null || !card) return;
    event.preventDefault();
    const id = this.dragId;
    this.clearDrag();
    this.moveTo(id, this.indexOf(Number(card.dataset.id)));
  }

  clearDrag() {
    this.dragId = null;
    for (const card of this.list.querySelectorAll(".is-dragging, .is-drop-target")) {
      card.classList.remove("is-dragging", "is-drop-target");
    }
  }

  // --- copying ---------------------------------------------------------------------------------------------

  async copy(text, message) {
    try {
      await navigator.clipboard.writeText(text);
      this.announce(message);
      this.flash(message);
    } catch {
      this.flash("Copying was blocked by the browser: select the text and copy it by hand.");
    }
  }

  flash(message) {
    const text = this.root.querySelector("[data-role=save-text]");
    const toast = this.root.querySelector("#editor-toast") || document.createElement("p");
    toast.id = "editor-toast";
    toast.className = "editor-toast";
    toast.textContent = message;
    if (!toast.isConnected) text.closest(".editor-top").append(toast);
    window.clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => toast.remove(), 2500);
  }

  copyOne(id) {
    const index = this.indexOf(id);
    const text = this.items[index].body + numberMark(this.numbering, index + 1, this.items.length);
    this.copy(text, `Tweet ${index + 1} copied`);
  }

  copyAll() {
    const plain = this.root.querySelector("#copy-format").value === "plain";
    const bodies = this.items.map((item) => item.body.trim());
    const texts = plain ? bodies : numbered(bodies, this.numbering);
    this.copy(texts.join("\n\n"), `All ${texts.length} tweets copied`);
  }

  // --- saving ----------------------------------------------------------------------------------------------

  changed() {
    this.dirty = true;
    this.failed = false;
    this.showSaveState("pending");
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.save(), SAVE_DELAY);
  }

  showSaveState(state, detail) {
    const element = this.root.querySelector("#save-state");
    const texts = {
      saved: "Saved",
      pending: "Unsaved changes",
      saving: "Saving…",
      failed: "Not saved",
      blocked: "Not saved",
    };
    element.dataset.state = state;
    element.querySelector("[data-role=save-text]").textContent = detail ? `${texts[state]} — ${detail}` : texts[state];
    this.root.querySelector("#save-retry").hidden = state !== "failed";
  }

  async save() {
    window.clearTimeout(this.saveTimer);
    if (this.saving) {
      await this.saving;
      if (!this.dirty) return;
    }
    if (!this.dirty) return;
    if (this.items.some((item) => item.body.trim() === "")) {
      this.showSaveState("blocked", "write something in the empty tweet or delete it");
      return;
    }
    const body = {
      title: this.title.trim() || this.thread.title,
      tweets: numbered(
        this.items.map((item) => item.body.trim()),
        this.numbering,
      ),
    };
    this.dirty = false;
    this.showSaveState("saving");
    this.saving = api(`/api/v1/threads/${this.thread.id}`, { method: "PATCH", body })
      .then((thread) => {
        this.failed = false;
        this.thread.title = thread.title;
        if (!this.dirty) this.showSaveState("saved");
      })
      .catch((error) => {
        this.dirty = true;
        this.failed = true;
        this.showSaveState("failed", error.message);
      })
      .finally(() => {
        this.saving = null;
      });
    await this.saving;
  }

  async exportAfterSave(event, link) {
    if (!this.dirty && !this.saving) return;
    event.preventDefault();
    await this.save();
    if (!this.failed) link.click();
  }
}

/** Show the editor for `thread` (the API's thread JSON) inside `root` (the editor panel). */
export function mountEditor(root, thread) {
  root.hidden = false;
  return new Editor(root, thread);
}

const initial = document.getElementById("thread-data");
if (initial) mountEditor(document.getElementById("editor"), JSON.parse(initial.textContent));
