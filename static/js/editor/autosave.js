// Saving as the user types: a change marks the thread unsaved and saves it after a short pause; one save runs at
// a time; a failure is shown with a Retry button and keeps the page from being left silently.

import { api } from "../http.js";

const SAVE_DELAY = 800;
const STATE_TEXTS = {
  saved: "Saved",
  pending: "Unsaved changes",
  saving: "Saving…",
  failed: "Not saved",
  blocked: "Not saved",
};

export class Autosave {
  /**
   * `url` is the thread's API address; `payload()` gives the PATCH body; `blocker()` says why the thread cannot
   * be saved as it stands (or nothing); `onSaved(thread)` gets the server's answer.
   */
  constructor(root, { url, payload, blocker, onSaved }) {
    this.root = root;
    this.url = url;
    this.payload = payload;
    this.blocker = blocker;
    this.onSaved = onSaved;
    this.timer = null;
    this.saving = null;
    this.dirty = false;
    this.failed = false;
    root.querySelector("#save-retry").addEventListener("click", () => this.save());
    this.show("saved");
  }

  /** Whether leaving the page now would lose an edit. */
  get unsaved() {
    return Boolean(this.dirty || this.saving || this.failed);
  }

  changed() {
    this.dirty = true;
    this.failed = false;
    this.show("pending");
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.save(), SAVE_DELAY);
  }

  /** The server already holds the current state (it made it, as a rewrite does). */
  saved() {
    this.dirty = false;
    this.show("saved");
  }

  stop() {
    window.clearTimeout(this.timer);
  }

  show(state, detail) {
    const element = this.root.querySelector("#save-state");
    element.dataset.state = state;
    element.querySelector("[data-role=save-text]").textContent = detail
      ? `${STATE_TEXTS[state]} — ${detail}`
      : STATE_TEXTS[state];
    this.root.querySelector("#save-retry").hidden = state !== "failed";
  }

  async save() {
    window.clearTimeout(this.timer);
    if (this.saving) {
      await this.saving;
      if (!this.dirty) return;
    }
    if (!this.dirty) return;
    const blocked = this.blocker();
    if (blocked) {
      this.show("blocked", blocked);
      return;
    }
    const body = this.payload();
    this.dirty = false;
    this.show("saving");
    this.saving = api(this.url, { method: "PATCH", body })
      .then((thread) => {
        this.failed = false;
        this.onSaved(thread);
        if (!this.dirty) this.show("saved");
      })
      .catch((error) => {
        this.dirty = true;
        this.failed = true;
        this.show("failed", error.message);
      })
      .finally(() => {
        this.saving = null;
      });
    await this.saving;
  }

  /** A link to something built from the saved thread (an export) waits for the save it would otherwise miss. */
  async followAfterSave(event, link) {
    if (!this.dirty && !this.saving) return;
    event.preventDefault();
    await this.save();
    if (!this.failed) link.click();
  }
}
