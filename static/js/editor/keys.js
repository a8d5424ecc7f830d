// The writing canvas's keyboard: in a tweet, Ctrl/Cmd+Enter (or a third Enter in a row) splits at the cursor,
// Backspace at its very start joins it to the tweet above, Alt+↑/↓ moves it; anywhere outside a text field,
// Ctrl/Cmd+Z undoes and Ctrl/Cmd+Shift+Z redoes.

const TEXT = "[data-role=text]";

function isTextField(element) {
  return element instanceof HTMLTextAreaElement || element instanceof HTMLInputElement || element?.isContentEditable;
}

/** Listen for the editor's keys: `editor.edits` splits, joins and moves; `editor` undoes and redoes. */
export function wireKeys(editor, signal) {
  editor.list.addEventListener("keydown", (event) => onCardKey(editor, event));
  document.addEventListener("keydown", (event) => onGlobalKey(editor, event), { signal });
}

function cardId(element) {
  return Number(element.closest(".tweet-card").dataset.id);
}

function onCardKey(editor, event) {
  const target = event.target;
  const inText = target instanceof HTMLTextAreaElement && target.matches(TEXT);
  if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
    if (!target.closest(".tweet-card") || target.closest("[role=menu]")) return;
    event.preventDefault();
    const selector = inText ? TEXT : "[data-action=up]";
    editor.edits.move(cardId(target), event.key === "ArrowUp" ? -1 : 1, selector);
    return;
  }
  if (!inText || event.isComposing) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    editor.edits.split(cardId(target), target);
  } else if (event.key === "Enter" && !event.shiftKey && !event.altKey && splitsOnEnter(target)) {
    event.preventDefault();
    const at = target.selectionStart;
    const parts = { head: target.value.slice(0, at - 2), tail: target.value.slice(at) };
    editor.edits.split(cardId(target), target, parts);
  } else if (event.key === "Backspace" && target.selectionStart === 0 && target.selectionEnd === 0) {
    if (editor.tweets.indexOf(cardId(target)) === 0) return;
    event.preventDefault();
    editor.edits.joinUp(cardId(target));
  }
}

/** Whether an Enter now would be the third in a row at the cursor (two empty lines: the writer wants a new tweet). */
function splitsOnEnter(area) {
  const at = area.selectionStart;
  return at === area.selectionEnd && area.value.slice(at - 2, at) === "\n\n";
}

function onGlobalKey(editor, event) {
  if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z" || isTextField(event.target)) return;
  if (editor.root.hidden) return;
  event.preventDefault();
  if (event.shiftKey) editor.redo();
  else editor.undo();
}
