/* Save a chart of the page as a PNG: draw its SVG on a canvas and download the canvas.
   No library, no network: works offline. A button names the chart with data-png="<element id>"
   and the file with data-filename. */
(function () {
  "use strict";
  var SCALE = 3; // the charts are drawn 360 units wide: 1080 px is sharp enough to print

  function save(button) {
    var svg = document.getElementById(button.getAttribute("data-png")).querySelector("svg");
    var box = svg.viewBox.baseVal;
    var copy = svg.cloneNode(true);
    copy.setAttribute("width", box.width);
    copy.setAttribute("height", box.height);
    copy.setAttribute("font-family", getComputedStyle(svg).fontFamily);
    var source = new XMLSerializer().serializeToString(copy);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(box.width * SCALE);
      canvas.height = Math.round(box.height * SCALE);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = button.getAttribute("data-filename") || "chart.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-png]");
    if (button) {
      event.preventDefault();
      save(button);
    }
  });
})();
