// Copying from the editor, with a short toast beside the save state saying what happened.

const TOAST_TIME = 2500;

export class Clipboard {
  constructor(root, announce) {
    this.root = root;
    this.announce = announce;
    this.toastTimer = null;
  }

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
    this.toastTimer = window.setTimeout(() => toast.remove(), TOAST_TIME);
  }
}
