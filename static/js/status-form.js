// The status form on an item page: choosing a state opens the part of the form that state needs
// ("Gặp vướng mắc" → the difficulty, "Hoàn thành" → the evidence) and closes the other.
(function () {
  "use strict";
  function follow(select) {
    var form = select.form;
    form.querySelectorAll("details[data-state]").forEach(function (part) {
      if (part.dataset.state === select.value) {
        part.open = true;
      } else if (!part.querySelector("[aria-invalid='true']")) {
        part.open = false;
      }
    });
  }
  document.querySelectorAll("form.status-form select[name$='to_state']").forEach(function (select) {
    select.addEventListener("change", function () { follow(select); });
    follow(select);
  });
})();
