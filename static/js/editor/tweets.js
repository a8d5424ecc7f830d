// The editor's model: the thread's tweet bodies (numbering is applied on the fly, so moving, splitting or deleting
// a tweet renumbers the thread without touching its text), each with an id that survives moves, and the undo
// history of the list and the title. No DOM here.

const UNDO_LIMIT = 20;

export class TweetList {
  constructor(bodies) {
    this.nextId = 1;
    this.items = bodies.map((body) => this.item(body));
  }

  item(body) {
    return { id: this.nextId++, body };
  }

  get length() {
    return this.items.length;
  }

  indexOf(id) {
    return this.items.findIndex((item) => item.id === id);
  }

  bodies() {
    return this.items.map((item) => item.body);
  }

  hasEmpty() {
    return this.items.some((item) => item.body.trim() === "");
  }

  setBody(id, body) {
    this.items[this.indexOf(id)].body = body;
  }

  copy() {
    return this.items.map((item) => ({ ...item }));
  }

  /** Tweet `index` becomes `head` and a new tweet holding `tail` follows it; returns the new tweet's id. */
  split(index, head, tail) {
    const next = this.item(tail);
    this.items.splice(index, 1, { id: this.items[index].id, body: head }, next);
    return next.id;
  }

  /** Join tweet `index + 1` onto tweet `index`, one space between them. */
  merge(index) {
    const [first, second] = this.items.slice(index, index + 2);
    this.items.splice(index, 2, { id: first.id, body: `${first.body.trimEnd()} ${second.body.trimStart()}`.trim() });
  }

  move(index, target) {
    const [moved] = this.items.splice(index, 1);
    this.items.splice(target, 0, moved);
  }

  /** An empty tweet after tweet `index`; returns its id. */
  insertAfter(index) {
    const fresh = this.item("");
    this.items.splice(index + 1, 0, fresh);
    return fresh.id;
  }

  /** Delete tweet `index`; returns the id of the tweet now at its place (or the new last one). */
  remove(index) {
    this.items.splice(index, 1);
    return this.items[Math.min(index, this.items.length - 1)].id;
  }
}

/** Undo and redo over snapshots of the editor's state; a new change forgets what could be redone. */
export class UndoHistory {
  constructor() {
    this.undoStack = [];
    this.redoStack = [];
  }

  get canUndo() {
    return this.undoStack.length > 0;
  }

  get canRedo() {
    return this.redoStack.length > 0;
  }

  remember(snapshot) {
    this.undoStack.push(snapshot);
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
    this.redoStack = [];
  }

  /** The state to go back to, given the current one (kept for redo); undefined when there is none. */
  undo(current) {
    return this.step(this.undoStack, this.redoStack, current);
  }

  redo(current) {
    return this.step(this.redoStack, this.undoStack, current);
  }

  step(from, to, current) {
    if (from.length === 0) return undefined;
    to.push(current);
    return from.pop();
  }
}
