// The generator's form around its source field: style chips, the "Options" disclosure (its open state kept in
// localStorage), and the one-line summary the form folds into while the thread takes the stage.

const form = document.getElementById("generator");
const composer = document.getElementById("composer");
const summary = document.getElementById("composer-summary");
const summaryText = document.getElementById("summary-text");
const editButton = document.getElementById("edit-source");
const options = document.getElementById("options");
const optionsCurrent = document.getElementById("options-current");
const styleHint = document.getElementById("style-hint");
const OPTIONS_OPEN_KEY = "threadr.generator.options-open";
const number = new Intl.NumberFormat();

function remembered(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage switched off: the disclosure just starts closed
  }
}

function remember(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // storage switched off or full: nothing to keep
  }
}

function selectedLabel(select) {
  return select.selectedOptions[0]?.textContent.trim() || "";
}

/** The chosen options in a few words, such as "Neutral · Auto length · 1/n · Hashtags". */
function optionsText() {
  const data = new FormData(form);
  const length = data.get("max_tweets") ? selectedLabel(form.elements.max_tweets) : "Auto length";
  const extras = [
    data.has("hashtags") && "Hashtags",
    data.has("cta") && "Call to action",
    data.has("link_in_reply") && "Link last",
  ];
  return [selectedLabel(form.elements.tone), length, selectedLabel(form.elements.numbering), ...extras]
    .filter(Boolean)
    .join(" · ");
}

function styleName() {
  const checked = form.querySelector("input[name=style]:checked");
  return checked ? checked.closest("label").querySelector("span").textContent.trim() : "";
}

function showOptions() {
  optionsCurrent.textContent = optionsText();
  const checked = form.querySelector("input[name=style]:checked");
  if (checked && styleHint) styleHint.textContent = checked.dataset.description;
}

/** Fold the form into one line naming the source, style and options, with Edit to open it again. */
export function collapseComposer(body) {
  const source = body.url
    ? `Link · ${body.url.replace(/^https?:\/\/(www\.)?/i, "")}`
    : `Text · ${number.format([...body.text].length)} characters`;
  summaryText.replaceChildren(
    Object.assign(document.createElement("strong"), { className: "summary-source", textContent: source }),
    ` · ${[styleName(), optionsText()].filter(Boolean).join(" · ")}`,
  );
  composer.hidden = true;
  summary.hidden = false;
}

/** Open the form again, focusing `focus` if given. */
export function expandComposer(focus) {
  composer.hidden = false;
  summary.hidden = true;
  focus?.focus();
}

export function composerCollapsed() {
  return composer.hidden;
}

/** Wire the chips and the disclosure; `onLockedStyle(name)` runs when a premium style the user lacks is picked. */
export function setUpComposer({ onLockedStyle }) {
  options.open = remembered(OPTIONS_OPEN_KEY) === "open";
  options.addEventListener("toggle", () => remember(OPTIONS_OPEN_KEY, options.open ? "open" : "closed"));
  form.addEventListener("change", showOptions);
  showOptions();
  editButton.addEventListener("click", () => expandComposer(form.querySelector("[role=tab][aria-selected=true]")));
  for (const locked of form.querySelectorAll("[data-locked-style]")) {
    locked.addEventListener("click", (event) => {
      event.preventDefault(); // the dialog, in place, instead of leaving the page and the pasted text
      onLockedStyle(locked.dataset.lockedStyle, locked);
    });
  }
}
