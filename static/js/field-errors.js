// Errors that belong to one form field: shown under the field, tied to it for screen readers (aria-invalid, and
// the reason first in aria-describedby, so focusing the field reads it out), and gone once the field is edited.
// Each field's error lives in the page as `<div data-error-for="<field id>">` holding a message and actions.

function parts(field) {
  const problem = document.querySelector(`[data-error-for="${field.id}"]`);
  return { problem, message: problem.querySelector("[data-role=message]") };
}

function describedBy(field, without) {
  return (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== without);
}

/** Mark `field` invalid with `message` (and buttons or links in `actions`) under it. */
export function showFieldError(field, message, actions = []) {
  const { problem, message: text } = parts(field);
  text.textContent = message;
  problem.querySelector("[data-role=actions]").replaceChildren(...actions);
  problem.hidden = false;
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", [text.id, ...describedBy(field, text.id)].join(" "));
}

/** Take `field`'s error away, if it has one. */
export function clearFieldError(field) {
  const { problem, message } = parts(field);
  problem.hidden = true;
  field.removeAttribute("aria-invalid");
  field.setAttribute("aria-describedby", describedBy(field, message.id).join(" "));
}

/** Clear each field's error as soon as the person changes the field. */
export function clearFieldErrorsOnInput(...fields) {
  for (const field of fields) field.addEventListener("input", () => clearFieldError(field));
}
