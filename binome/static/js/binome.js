// Small progressive enhancements. Everything works without JavaScript.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : null;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A form being sent cannot be sent again: its buttons say so (aria-disabled keeps them focusable and
// announced) until the next page arrives. The server refuses a second sending anyway (submit_once.py);
// this spares the wait. Buttons are marked after the event, so the one clicked still sends its value.
// A form that answers with a download stays on the page: its buttons come back after a while.
const SENDING_MS = 15000;

function setSending(form, sending) {
  if (sending) {
    form.setAttribute("aria-busy", "true");
  } else {
    form.removeAttribute("aria-busy");
  }
  form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((button) => {
    if (sending) {
      button.setAttribute("aria-disabled", "true");
    } else {
      button.removeAttribute("aria-disabled");
    }
  });
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if ((form.method || "").toLowerCase() !== "post") {
    return;
  }
  if (form.getAttribute("aria-busy") === "true") {
    event.preventDefault();
    return;
  }
  if (event.defaultPrevented) {
    return;
  }
  window.setTimeout(() => setSending(form, true), 0);
  window.setTimeout(() => setSending(form, false), SENDING_MS);
});

// Back to a page from the browser's cache: its forms may be sent again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[aria-busy]").forEach((form) => setSending(form, false));
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

// On a phone, the account and the navigation sit behind one « Menu » button (binome.css).
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".menu-button");
  if (!button) {
    return;
  }
  const header = button.closest(".site-header");
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    header.classList.toggle("is-open", open);
  });
});
