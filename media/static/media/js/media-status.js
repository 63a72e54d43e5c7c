/*
 * Live status of media items in the admin: while any shown item is queued or processing,
 * ask the server for their status every two seconds and update the page in place.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-status-url");
  var PERIOD_MS = 2000;
  var BUSY = { queued: true, processing: true };
  if (!url) return;

  function busyElements() {
    return Array.prototype.filter.call(
      document.querySelectorAll("[data-media-status]"),
      function (el) { return BUSY[el.getAttribute("data-status")]; }
    );
  }

  function show(el, visible) {
    if (el) el.hidden = !visible;
  }

  function update(el, item) {
    var before = el.getAttribute("data-status");
    el.setAttribute("data-status", item.status);
    el.className = "media-status media-status--" + item.status;
    el.querySelector("[data-media-status-label]").textContent = item.label;
    var bar = el.querySelector("[data-media-status-bar]");
    var percent = el.querySelector("[data-media-status-percent]");
    var processing = item.status === "processing";
    bar.value = item.progress;
    percent.textContent = item.progress + "%";
    show(bar, processing);
    show(percent, processing);
    var message = el.querySelector("[data-media-status-message]");
    message.textContent = item.message || "";
    show(message, !!item.message);
    if (before !== "ready" && item.status === "ready") {
      show(document.querySelector("[data-media-ready-hint]"), true);
    }
  }

  function poll() {
    var elements = busyElements();
    if (!elements.length) {
      window.setTimeout(poll, PERIOD_MS * 5);
      return;
    }
    var query = elements.map(function (el) {
      return "id=" + encodeURIComponent(el.getAttribute("data-id"));
    }).join("&");
    fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) {
        data.items.forEach(function (item) {
          document.querySelectorAll('[data-media-status][data-id="' + item.id + '"]')
            .forEach(function (el) { update(el, item); });
        });
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, PERIOD_MS); });
  }

  window.setTimeout(poll, PERIOD_MS);
})();
