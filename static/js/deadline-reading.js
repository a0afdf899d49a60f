// The plan editor's live deadline hint: as a deadline text is typed, ask the server how the grammar reads it
// and say so under the field (the same reading the server makes on save; without script, the form's
// "Xem hệ thống hiểu thời hạn thế nào" button shows it).
(function () {
  "use strict";
  document.querySelectorAll("input[data-reading-url]").forEach(function (input) {
    var target = document.getElementById(input.getAttribute("data-reading-target"));
    if (!target) { return; }
    var timer = null;
    var asked = 0;
    function show() {
      var text = input.value.trim();
      var ticket = ++asked;
      if (!text) { target.textContent = ""; return; }
      fetch(input.getAttribute("data-reading-url") + "?text=" + encodeURIComponent(text),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (reading) {
          if (reading && ticket === asked) {
            target.textContent = (input.getAttribute("data-reading-label") || "") + " " + reading.words;
            target.classList.toggle("flag", !reading.is_parsed);
          }
        })
        .catch(function () { /* the hint is a help only: the server reads the text again on save */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(show, 250);
    });
  });
}());
