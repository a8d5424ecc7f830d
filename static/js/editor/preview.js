// The editor's "Preview": the numbered thread as X shows it, under the author's name and handle.

/** Fill `list` with one X-style tweet per text. */
export function renderPreview(list, texts, { name, handle }) {
  list.replaceChildren(...texts.map((text) => previewTweet(text, name, handle)));
}

function previewTweet(text, name, handle) {
  const li = document.createElement("li");
  li.className = "x-tweet";
  const avatar = document.createElement("div");
  avatar.className = "x-avatar";
  avatar.setAttribute("aria-hidden", "true");
  avatar.textContent = name.slice(0, 1).toUpperCase();
  const body = document.createElement("div");
  body.className = "x-body";
  const meta = document.createElement("p");
  meta.className = "x-meta";
  const who = document.createElement("span");
  who.className = "x-name";
  who.textContent = name;
  const at = document.createElement("span");
  at.className = "x-handle";
  at.textContent = ` @${handle}`;
  meta.append(who, at);
  const para = document.createElement("p");
  para.className = "x-text";
  para.textContent = text;
  body.append(meta, para);
  li.append(avatar, body);
  return li;
}
