// "Show" on a password box: the person checks what they typed instead of typing it twice. The box is a password box
// again before the form is sent, so the browser never keeps the password as ordinary text.

for (const button of document.querySelectorAll("[data-password-toggle]")) {
  const input = document.getElementById(button.getAttribute("aria-controls"));
  const verb = button.querySelector("[data-role=verb]");
  const reveal = (visible) => {
    input.type = visible ? "text" : "password";
    verb.textContent = visible ? "Hide" : "Show";
  };
  button.hidden = false;
  button.addEventListener("click", () => reveal(input.type === "password"));
  input.form?.addEventListener("submit", () => reveal(false));
}
