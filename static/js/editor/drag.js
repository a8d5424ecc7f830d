// Reordering tweets by dragging a card's handle onto another card. The keyboard way (Alt+↑/↓ and the Move
// buttons) lives in the editor; both end in the same move.

export class DragReorder {
  /** Listen on `list`; a drop calls `onDrop(draggedId, targetId)` with the cards' tweet ids. */
  constructor(list, onDrop) {
    this.list = list;
    this.onDrop = onDrop;
    this.dragId = null;
    list.addEventListener("dragstart", (event) => this.start(event));
    list.addEventListener("dragover", (event) => this.over(event));
    list.addEventListener("drop", (event) => this.drop(event));
    list.addEventListener("dragend", () => this.clear());
  }

  start(event) {
    const handle = event.target.closest?.(".drag-handle");
    if (!handle) return;
    const card = handle.closest(".tweet-card");
    this.dragId = Number(card.dataset.id);
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
    event.dataTransfer.setDragImage(card, 24, 24);
  }

  over(event) {
    if (this.dragId === null) return;
    const card = event.target.closest(".tweet-card");
    if (!card) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of this.list.querySelectorAll(".is-drop-target")) other.classList.remove("is-drop-target");
    card.classList.add("is-drop-target");
  }

  drop(event) {
    const card = event.target.closest(".tweet-card");
    if (this.dragId === null || !card) return;
    event.preventDefault();
    const id = this.dragId;
    this.clear();
    this.onDrop(id, Number(card.dataset.id));
  }

  clear() {
    this.dragId = null;
    for (const card of this.list.querySelectorAll(".is-dragging, .is-drop-target")) {
      card.classList.remove("is-dragging", "is-drop-target");
    }
  }
}
