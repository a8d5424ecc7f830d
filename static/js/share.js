// Shared thread page: one button that copies the whole thread, tweets separated by a blank line.
const button = document.getElementById("copy-thread");
const source = document.getElementById("shared-text");
const status = document.getElementById("shared-status");

if (button && source && status && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.content.textContent);
      status.textContent = "The thread is copied.";
    } catch {
      status.textContent = "Copying is blocked here; select the text instead.";
    }
  });
}
