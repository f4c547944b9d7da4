// Small progressive enhancements. Everything works without JavaScript.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Navigation menus are <details data-menu>: they open and close without JavaScript. This only closes
// an open menu on Escape (focus back on its title), on a click elsewhere, and when another one opens
// (for browsers that ignore <details name>).
function openMenus() {
  return Array.from(document.querySelectorAll("details[data-menu][open]"));
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") {
    return;
  }
  openMenus().forEach((menu) => {
    const hadFocus = menu.contains(document.activeElement);
    menu.open = false;
    if (hadFocus) {
      menu.querySelector("summary").focus();
    }
  });
});

document.addEventListener("click", (event) => {
  openMenus().forEach((menu) => {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  });
});

document.addEventListener(
  "toggle",
  (event) => {
    const opened = event.target;
    if (opened.matches && opened.matches("details[data-menu]") && opened.open) {
      openMenus().forEach((menu) => {
        if (menu !== opened) {
          menu.open = false;
        }
      });
    }
  },
  true,
);
