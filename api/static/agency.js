// Simpul, the agency's run page: while a run is queued or running, fetch its status part
// (an HTML fragment) every second and swap it in, until the fragment says the run ended
// (it then carries no data-poll). Without script the part offers a link that reloads the page.
(function () {
  "use strict";
  var DELAY_MS = 1000;

  function poll() {
    var part = document.getElementById("run-status");
    var url = part && part.getAttribute("data-poll");
    if (!url) { return; }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        // Signed out meanwhile: the answer is the sign-in page; show it whole.
        if (response.redirected) { window.location.assign(response.url); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) { part.outerHTML = html; }
        setTimeout(poll, DELAY_MS);
      })
      .catch(function () { setTimeout(poll, DELAY_MS * 3); });
  }

  document.addEventListener("DOMContentLoaded", function () { setTimeout(poll, DELAY_MS); });
}());
