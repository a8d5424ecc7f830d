// The thread page (/app/threads/<id>/): the saved thread, from the JSON the page carries, opened in the editor.

import { mountEditor } from "./editor.js";

const initial = document.getElementById("thread-data");
if (initial) mountEditor(document.getElementById("editor"), JSON.parse(initial.textContent));
