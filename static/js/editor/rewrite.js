// Rewriting one tweet with the engine: the card's "Rewrite…" form (a button per instruction the engine honours, and
// a free-text box when it is the AI engine), the request, and the thread the server answers with handed back to the
// editor, which merges it with anything typed meanwhile (here or in another tab).

import { api } from "../http.js";

export class Rewriter {
  /** Rewrites tweets of `editor` (the Editor: its list, thread, tweets, autosave, adopt, focus and announce). */
  constructor(editor) {
    this.editor = editor;
    editor.list.addEventListener("submit", (event) => {
      const form = event.target.closest("[data-role=rewrite]");
      if (!form) return;
      event.preventDefault();
      this.submit(form, form.querySelector("button[type=submit]"));
    });
    editor.list.addEventListener("click", (event) => {
      const choice = event.target.closest("[data-instruction]");
      if (choice) this.submit(choice.closest("[data-role=rewrite]"), choice);
    });
  }

  toggle(card, open) {
    const form = card.querySelector("[data-role=rewrite]");
    const toggle = card.querySelector("[data-action=rewrite]");
    form.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) form.querySelector("[data-instruction]").focus();
    else toggle.focus();
  }

  /** Send the instruction `button` stands for: its choice, or the free text when it is "Rewrite tweet". */
  async submit(form, button) {
    const editor = this.editor;
    const id = Number(form.dataset.id);
    const position = editor.tweets.indexOf(id) + 1;
    const buttons = [...form.querySelectorAll("[data-instruction], button[type=submit]")];
    const label = button.textContent;
    for (const each of buttons) each.disabled = true;
    button.textContent = "Rewriting…";
    editor.announce(`Rewriting tweet ${position}…`);
    try {
      await editor.autosave.save();
      if (editor.autosave.failed) throw new Error("Your last edits are not saved yet; retry saving first.");
      const instruction = button.dataset.instruction ?? form.querySelector("input").value.trim();
      const thread = await api(`/api/v1/threads/${editor.thread.id}/tweets/${position}/regenerate`, {
        method: "POST",
        body: { instruction },
      });
      if (editor.adopt(thread, { asked: true }).differs) editor.autosave.changed();
      editor.focus({ id: editor.tweets.items[position - 1]?.id ?? id });
      editor.announce(`Tweet ${position} rewritten`);
    } catch (error) {
      for (const each of buttons) each.disabled = false;
      button.textContent = label;
      editor.announce(error.message);
      const over = editor.cardFor(id)?.querySelector("[data-role=over]");
      if (over) {
        over.hidden = false;
        over.textContent = error.message;
      }
    }
  }
}
