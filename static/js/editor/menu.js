// Each card's "⋯" menu (the ARIA menu button pattern): the trigger opens it with the first item focused; arrows,
// Home and End move between the items that apply; Escape closes it and gives focus back to the trigger; Tab, a
// click outside or choosing an item closes it. Choosing is the editor's ordinary click on a [data-action].

const ITEMS = "[role=menuitem]:not(:disabled)";

export class CardMenus {
  /** Menus inside `list` (the tweet list); one is open at a time. */
  constructor(list, signal) {
    this.list = list;
    this.open = null;
    list.addEventListener("keydown", (event) => this.onKey(event));
    list.addEventListener("focusout", (event) => {
      if (this.open && !this.open.contains(event.relatedTarget)) this.close();
    });
    document.addEventListener(
      "pointerdown",
      (event) => {
        if (this.open && !this.open.contains(event.target)) this.close();
      },
      { signal },
    );
  }

  /** Open or close the menu of `trigger`'s card. */
  toggle(trigger) {
    const box = trigger.closest(".tweet-menu");
    if (this.open === box) this.close(true);
    else this.show(box);
  }

  show(box, last = false) {
    this.close();
    this.open = box;
    box.querySelector("[role=menu]").hidden = false;
    box.querySelector("[aria-haspopup]").setAttribute("aria-expanded", "true");
    const items = [...box.querySelectorAll(ITEMS)];
    items[last ? items.length - 1 : 0]?.focus();
  }

  close(refocus = false) {
    const box = this.open;
    if (!box) return;
    this.open = null;
    box.querySelector("[role=menu]").hidden = true;
    const trigger = box.querySelector("[aria-haspopup]");
    trigger.setAttribute("aria-expanded", "false");
    if (refocus && trigger.isConnected) trigger.focus();
  }

  onKey(event) {
    const trigger = event.target.closest("[aria-haspopup=menu]");
    if (trigger && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      this.show(trigger.closest(".tweet-menu"), event.key === "ArrowUp");
      return;
    }
    if (!this.open || !this.open.contains(event.target) || trigger) return;
    const items = [...this.open.querySelectorAll(ITEMS)];
    const at = items.indexOf(event.target);
    const moves = {
      ArrowDown: (at + 1) % items.length,
      ArrowUp: (at - 1 + items.length) % items.length,
      Home: 0,
      End: items.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      items[moves[event.key]].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close(true);
    } else if (event.key === "Tab") {
      this.close(true);
    }
  }
}
