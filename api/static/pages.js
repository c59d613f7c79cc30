// Simpul pages: small progressive enhancement, no framework. Everything works without it:
// the form posts and the server answers with a whole page. With it:
//  * [data-suggest] inputs fetch an HTML fragment of suggestions as one types and swap it
//    into the element named by data-suggest-target;
//  * [data-pick] buttons inside a suggestion set the category field instead of posting;
//  * a form's error summary takes the focus, so a screen reader reads it first.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function suggest(input) {
    var target = document.getElementById(input.getAttribute("data-suggest-target"));
    if (!target) { return; }
    var pending = null;
    var last = null;
    var load = debounce(function () {
      var name = input.value.trim();
      if (name === last) { return; }
      last = name;
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = input.getAttribute("data-suggest") + "?product_name=" + encodeURIComponent(name);
      fetch(url, {credentials: "same-origin", signal: pending.signal,
                  headers: {"Accept": "text/html", "X-Requested-With": "fetch"}})
        .then(function (response) {
          // Signed out meanwhile: the answer is the sign-in page; show it whole.
          if (response.redirected) { window.location.assign(response.url); return null; }
          return response.ok ? response.text() : null;
        })
        .then(function (html) { if (html !== null) { target.innerHTML = html; } })
        .catch(function (error) { if (error.name !== "AbortError") { last = null; } });
    }, 250);
    input.addEventListener("input", load);
  }

  function pick(event) {
    var button = event.target.closest("[data-pick]");
    if (!button) { return; }
    var select = document.getElementById("category_code");
    if (!select) { return; }
    event.preventDefault();
    select.value = button.getAttribute("data-pick");
    var chosen = select.options[select.selectedIndex];
    var announce = document.getElementById("category-announce");
    if (announce && chosen) {
      announce.textContent = button.getAttribute("data-announce") || chosen.textContent;
    }
    select.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-suggest]"), suggest);
    document.addEventListener("click", pick);
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
}());
