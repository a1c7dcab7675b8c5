// Ask the server's COMMIT rule for the suggested outcome each time an indicator is ticked or
// unticked, so the worker sees it before sending the form. Saving applies the same rule again.
(function () {
  "use strict";
  var form = document.getElementById("screening-form");
  if (!form) { return; }
  var url = form.getAttribute("data-evaluate");
  var pending = null;

  function yesno(value) { return value ? window.PATHWAY_YES : window.PATHWAY_NO; }

  function update() {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    form.querySelectorAll("input[name=indicators]:checked").forEach(function (box) {
      body.append("indicators", box.value);
    });
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { method: "POST", body: body, credentials: "same-origin", signal: pending.signal })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (!result) { return; }
        document.getElementById("suggested-outcome").textContent = result.suggested_label;
        document.getElementById("el-act").textContent = yesno(result.act);
        document.getElementById("el-means").textContent = yesno(result.means);
        document.getElementById("el-purpose").textContent = yesno(result.purpose);
        document.getElementById("suggestion").setAttribute("data-suggested", result.suggested);
      })
      .catch(function () { /* offline or aborted: the server decides on save */ });
  }

  form.querySelectorAll("input[name=indicators]").forEach(function (box) {
    box.addEventListener("change", update);
  });
}());
