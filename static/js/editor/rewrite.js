// Rewriting one tweet with the AI: the card's "Rewrite…" form, the request, and the thread the server answers
// with handed back to the editor, which merges it with anything typed meanwhile (here or in another tab).

import { api } from "../http.js";

export class Rewriter {
  /** Rewrites tweets of `editor` (the Editor: its list, thread, tweets, autosave, adopt, focus and announce). */
  constructor(editor) {
    this.editor = editor;
    editor.list.addEventListener("submit", (event) => {
      const form = event.target.closest("[data-role=rewrite]");
      if (!form) return;
      event.preventDefault();
      this.submit(form);
    });
  }

  toggle(card, open) {
    const form = card.querySelector("[data-role=rewrite]");
    const toggle = card.querySelector("[data-action=rewrite]");
    form.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) form.querySelector("input").focus();
    else toggle.focus();
  }

  async submit(form) {
    const editor = this.editor;
    const id = Number(form.dataset.id);
    const position = editor.tweets.indexOf(id) + 1;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Rewriting…";
    editor.announce(`Rewriting tweet ${position}…`);
    try {
      await editor.autosave.save();
      if (editor.autosave.failed) throw new Error("Your last edits are not saved yet; retry saving first.");
      const instruction = form.querySelector("input").value.trim();
      const thread = await api(`/api/v1/threads/${editor.thread.id}/tweets/${position}/regenerate`, {
        method: "POST",
        body: { instruction },
      });
      if (editor.adopt(thread, { asked: true }).differs) editor.autosave.changed();
      editor.focus({ id: editor.tweets.items[position - 1]?.id ?? id });
      editor.announce(`Tweet ${position} rewritten`);
    } catch (error) {
      button.disabled = false;
      button.textContent = "Rewrite tweet";
      editor.announce(error.message);
      const over = editor.cardFor(id)?.querySelector("[data-role=over]");
      if (over) {
        over.hidden = false;
        over.textContent = error.message;
      }
    }
  }
}
