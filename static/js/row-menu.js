// "⋯" menus (the WAI-ARIA menu button pattern) for rows that are re-rendered at will: one set of listeners on a
// container serves every `.row-menu` inside it, now and after a refresh.
// A button with aria-haspopup="menu" and aria-controls opens its `[role=menu]`: a click, a tap, Enter, Space or
// ArrowDown open it on the first item, ArrowUp on the last. In the menu, arrows, Home and End move, Escape closes it and puts focus
// back on its button, Tab closes it and moves on. A click or tap outside closes it.

const ITEMS = '[role="menuitem"], [role="menuitemcheckbox"]';

let open = null; // { button, menu } of the menu showing, if any

function items(menu) {
  return [...menu.querySelectorAll(ITEMS)].filter((item) => !item.disabled);
}

/** Close the open menu; with `focusButton`, focus goes back to the button that opened it. */
export function closeMenu({ focusButton = false } = {}) {
  if (!open) return;
  const { button, menu } = open;
  open = null;
  menu.hidden = true;
  menu.classList.remove("opens-up");
  button.setAttribute("aria-expanded", "false");
  if (focusButton) button.focus();
}

function openMenu(button, { focus = "first" } = {}) {
  closeMenu();
  const menu = document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  menu.hidden = false;
  button.setAttribute("aria-expanded", "true");
  open = { button, menu };
  // Near the bottom of the window, open upwards so the whole menu shows without scrolling.
  if (menu.getBoundingClientRect().bottom > window.innerHeight && button.getBoundingClientRect().top > menu.offsetHeight) {
    menu.classList.add("opens-up");
  }
  const list = items(menu);
  (focus === "last" ? list.at(-1) : list[0])?.focus();
}

function onClick(event) {
  const button = event.target.closest("[aria-haspopup=menu]");
  if (button) {
    if (open?.button === button) closeMenu({ focusButton: true });
    else openMenu(button);
    return;
  }
  // Choosing an item closes the menu, focus back on its button; the item's own click handler does the rest.
  if (open && event.target.closest(ITEMS) && open.menu.contains(event.target)) closeMenu({ focusButton: true });
}

// Enter and Space need nothing here: they click the button.
function onButtonKey(event, button) {
  if (event.key === "ArrowDown") openMenu(button, { focus: "first" });
  else if (event.key === "ArrowUp") openMenu(button, { focus: "last" });
  else return;
  event.preventDefault();
}

function onMenuKey(event) {
  const list = items(open.menu);
  const at = list.indexOf(document.activeElement);
  const moves = {
    ArrowDown: () => list[(at + 1) % list.length],
    ArrowUp: () => list[(at - 1 + list.length) % list.length],
    Home: () => list[0],
    End: () => list.at(-1),
  };
  if (event.key in moves) {
    event.preventDefault();
    moves[event.key]()?.focus();
  } else if (event.key === "Escape") {
    event.preventDefault();
    closeMenu({ focusButton: true });
  } else if (event.key === "Tab") {
    closeMenu();
  }
}

function onKeydown(event) {
  const button = event.target.closest("[aria-haspopup=menu]");
  if (button) onButtonKey(event, button);
  else if (open?.menu.contains(event.target)) onMenuKey(event);
}

/** Give every `.row-menu` inside `container` its behaviour. */
export function enableRowMenus(container) {
  container.addEventListener("click", onClick);
  container.addEventListener("keydown", onKeydown);
  document.addEventListener("pointerdown", (event) => {
    if (open && !open.menu.contains(event.target) && !open.button.contains(event.target)) closeMenu();
  });
  // A menu whose row was re-rendered away is forgotten.
  new MutationObserver(() => {
    if (open && !open.button.isConnected) open = null;
  }).observe(container, { childList: true, subtree: true });
}
