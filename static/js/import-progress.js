// The register import's progress bar: poll the status URL until the check or import has ended,
// then reload the page to show its result (shelters/imports/views.py).
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-count");
  if (!bar) { return; }
  function poll() {
    fetch(bar.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.max = state.total;
        bar.value = state.done;
        count.textContent = state.done + " / " + state.total;
        if (state.status === "checking" || state.status === "importing") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
