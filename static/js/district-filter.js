// A district list grouped by province (<optgroup label="province">) follows the province list
// named in its data-filtered-by: only the chosen province's districts are offered, and a district
// of another province is unselected. Without this script the grouped list still works.
(function () {
  "use strict";
  document.querySelectorAll("select[data-filtered-by]").forEach(function (districts) {
    var province = document.getElementById(districts.getAttribute("data-filtered-by"));
    if (!province) { return; }
    function filter() {
      var chosen = province.value ? province.options[province.selectedIndex].text : "";
      districts.querySelectorAll("optgroup").forEach(function (group) {
        var shown = !chosen || group.label === chosen;
        group.hidden = !shown;
        group.disabled = !shown;
      });
      var selected = districts.options[districts.selectedIndex];
      if (selected && selected.parentNode.disabled) { districts.value = ""; }
    }
    province.addEventListener("change", filter);
    filter();
  });
}());
