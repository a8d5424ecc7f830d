// "Post on X" without the X API: a checklist that opens tweet 1 in X's composer and gives each reply to copy, in
// order. What is ticked is kept in this browser per thread, against the text that was posted: a tweet edited since
// it was ticked shows as not posted again.

const STORE = "threadr:posted:";

export class PostGuide {
  /**
   * `dialog` is the guide; `threadId` names the thread; `texts()` gives the tweets as X gets them (numbered).
   */
  constructor(dialog, { threadId, texts }) {
    this.dialog = dialog;
    this.key = STORE + threadId;
    this.texts = texts;
    this.status = dialog.querySelector("#post-status");
    this.steps = dialog.querySelector("#post-steps");
    this.template = dialog.querySelector("#post-step-template");
    this.progress = dialog.querySelector("#post-progress");
    this.steps.addEventListener("change", (event) => this.tick(event.target));
    this.steps.addEventListener("click", (event) => {
      const button = event.target.closest("[data-role=copy]");
      if (button) this.copy(this.texts()[Number(button.dataset.position)], button.dataset.name);
    });
    dialog.querySelector("#post-reset").addEventListener("click", () => {
      this.save({});
      this.render();
    });
  }

  /** Copy a tweet, saying so inside the dialog: the page behind a modal dialog is inert. */
  async copy(text, name) {
    try {
      await navigator.clipboard.writeText(text);
      this.status.textContent = `${name} copied`;
    } catch {
      this.status.textContent = "Copying was blocked by the browser: select the text and copy it by hand.";
    }
  }

  open() {
    this.status.textContent = "";
    this.render();
    this.dialog.showModal();
    const next = this.steps.querySelector(".is-next [data-role=open]:not([hidden]), .is-next [data-role=copy]");
    next?.focus();
  }

  load() {
    try {
      return JSON.parse(window.localStorage.getItem(this.key)) || {};
    } catch {
      return {};
    }
  }

  save(posted) {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(posted));
    } catch {
      // Storage is full or off: the checklist still works until the page is left.
    }
  }

  tick(checkbox) {
    const position = Number(checkbox.dataset.position);
    const posted = this.load();
    if (checkbox.checked) posted[position] = this.texts()[position];
    else delete posted[position];
    this.save(posted);
    this.render(checkbox.id);
  }

  render(focusId) {
    const texts = this.texts();
    const posted = this.load();
    const done = texts.map((text, position) => posted[position] === text);
    const next = done.indexOf(false);
    this.steps.replaceChildren(...texts.map((text, position) => this.step(text, position, done[position], next)));
    const count = done.filter(Boolean).length;
    this.progress.textContent =
      count === texts.length ? `All ${count} tweets posted.` : `${count} of ${texts.length} posted`;
    if (focusId) this.dialog.querySelector(`#${focusId}`)?.focus();
  }

  step(text, position, done, next) {
    const item = this.template.content.firstElementChild.cloneNode(true);
    const name = position === 0 ? "Tweet 1" : `Reply ${position + 1}`;
    item.classList.toggle("is-done", done);
    item.classList.toggle("is-next", position === next);
    const checkbox = item.querySelector("[data-role=done]");
    checkbox.id = `posted-${position}`;
    checkbox.dataset.position = String(position);
    checkbox.checked = done;
    item.querySelector("[data-role=name]").textContent = `${name} posted`;
    item.querySelector("[data-role=text]").textContent = text;
    const copy = item.querySelector("[data-role=copy]");
    copy.dataset.position = String(position);
    copy.dataset.name = name;
    copy.textContent = `Copy ${name.toLowerCase()}`;
    if (position === 0) {
      const open = item.querySelector("[data-role=open]");
      open.hidden = false;
      open.href = `https://x.com/intent/post?text=${encodeURIComponent(text)}`;
      open.textContent = "Open tweet 1 in X";
    }
    return item;
  }
}
