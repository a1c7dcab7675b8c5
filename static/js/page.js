// Every page: the folding header menu and the focus on a form's error summary.
// The header's menu folds behind a button on a narrow screen (issue 17, item 6). Without this
// script the button stays hidden and the menu stays open: nothing depends on it.
(function () {
  "use strict";
  var header = document.querySelector("header.top");
  var button = header && header.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu || !header.querySelector("nav.main")) {
    return;
  }
  header.classList.add("foldable");
  button.hidden = false;
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();

// After a refused submit, the error summary at the top of the form takes the focus, so a
// keyboard or screen-reader user hears what went wrong and can follow its links to the fields.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary, .errors[role=alert]");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.focus();
    // A link of the summary puts the focus in its field, not only the field in sight.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      }
    });
  }
})();
