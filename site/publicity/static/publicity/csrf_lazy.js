/*
 * Pages served from the cache are the same bytes for every visitor, so their forms carry no
 * CSRF token (publicity/caching.py). A form with an input marked data-csrf-from asks that URL
 * for the visitor's own token when it is submitted (the answer also sets the matching cookie),
 * then submits as the visitor asked, with the button they pressed.
 */
(function () {
  "use strict";

  function submitAgain(form, submitter) {
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
      return;
    }
    // Older WebViews: form.submit() leaves the pressed button's name and value out.
    if (submitter && submitter.name) {
      var pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = submitter.name;
      pressed.value = submitter.value;
      form.appendChild(pressed);
    }
    form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector && form.querySelector("input[data-csrf-from]");
    if (!input || input.value || input.getAttribute("data-csrf-asked")) {
      return;
    }
    event.preventDefault();
    input.setAttribute("data-csrf-asked", "1");
    var submitter = event.submitter;
    fetch(input.getAttribute("data-csrf-from"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .catch(function () {
        return {};
      })
      .then(function (answer) {
        // Without a token the server refuses the form with its CSRF page, which says why.
        input.value = answer.token || "";
        submitAgain(form, submitter);
      });
  });
})();
