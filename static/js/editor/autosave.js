// Saving as the user types: a change marks the thread unsaved and saves it after a short pause; one save runs at
// a time; a failure is shown with a Retry button and keeps the page from being left silently. Every save names
// the version it was made on (If-Match); when the thread has changed elsewhere since, the server refuses it with
// the current thread, the editor merges its edits into that, the user is told, and the merge is saved.

import { api } from "../http.js";

const SAVE_DELAY = 800;
const CONFLICT_TEXT = "This thread changed elsewhere; your edits were kept.";
const STATE_TEXTS = {
  saved: "Saved",
  pending: "Saving…", // a save follows the pause in typing by itself
  saving: "Saving…",
  failed: "Not saved",
  blocked: "Not saved",
};

export class Autosave {
  /**
   * `url` is the thread's API address; `payload()` gives the PATCH body; `etag()` the version it was edited from;
   * `blocker()` says why the thread cannot be saved as it stands (or nothing); `onSaved(thread)` gets the server's
   * answer; `onConflict(thread)` gets the thread as it is now when the save was made on an older version, merges,
   * and says whether the title or tweets had changed there (`news`) and whether the merge needs saving (`differs`).
   */
  constructor(root, { url, payload, etag, blocker, onSaved, onConflict }) {
    this.root = root;
    this.url = url;
    this.payload = payload;
    this.etag = etag;
    this.blocker = blocker;
    this.onSaved = onSaved;
    this.onConflict = onConflict;
    this.timer = null;
    this.saving = null;
    this.dirty = false;
    this.failed = false;
    this.notice = root.querySelector("#editor-notice");
    root.querySelector("#save-retry").addEventListener("click", () => this.save());
    this.notice.querySelector("button").addEventListener("click", () => {
      this.notice.hidden = true;
    });
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

  /** Save now; after a conflict, merge and save again (`retries` times, then after the usual pause). */
  async save(retries = 2) {
    window.clearTimeout(this.timer);
    while (this.saving) await this.saving;
    if (!this.dirty) return;
    const blocked = this.blocker();
    if (blocked) {
      this.show("blocked", blocked);
      return;
    }
    const body = this.payload();
    let current = null;
    this.dirty = false;
    this.show("saving");
    this.saving = api(this.url, { method: "PATCH", body, headers: { "If-Match": this.etag() } })
      .then((thread) => {
        this.failed = false;
        this.onSaved(thread);
        if (!this.dirty) this.show("saved");
      })
      .catch((error) => {
        this.dirty = true;
        if (error.code === "version_conflict" && error.details.thread) {
          current = error.details.thread;
          return;
        }
        this.failed = true;
        this.show("failed", error.message);
      })
      .finally(() => {
        this.saving = null;
      });
    await this.saving;
    if (!current) return;
    const { news, differs } = this.onConflict(current);
    if (news) {
      this.notice.querySelector("[data-role=notice-text]").textContent = CONFLICT_TEXT;
      this.notice.hidden = false;
    }
    if (!differs) this.saved();
    else if (retries > 0) await this.save(retries - 1);
    else this.changed();
  }

  /** A link to something built from the saved thread (an export) waits for the save it would otherwise miss. */
  async followAfterSave(event, link) {
    if (!this.dirty && !this.saving) return;
    event.preventDefault();
    await this.save();
    if (!this.failed) link.click();
  }
}
