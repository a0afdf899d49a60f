// The page of an import running outside the request: asks its status every second, moves the progress bar, and
// opens the result (the same page, reloaded) once the import is done or has failed. Without script, the page
// refreshes itself (see the template's noscript).
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = document.getElementById("job-progress-text");
  var waiting = document.getElementById("job-waiting");
  var url = box.getAttribute("data-status-url");
  var template = box.getAttribute("data-text");
  function ask() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { window.setTimeout(ask, 2000); return; }
        if (status.state === "done" || status.state === "failed") { window.location.reload(); return; }
        if (status.total) {
          bar.max = status.total;
          bar.value = status.done;
          text.textContent = template.replace("{done}", status.done).replace("{total}", status.total)
            .replace("{percent}", status.percent);
        }
        if (waiting) waiting.hidden = !status.waiting;
        window.setTimeout(ask, 1000);
      })
      .catch(function () { window.setTimeout(ask, 2000); });
  }
  window.setTimeout(ask, 1000);
})();
