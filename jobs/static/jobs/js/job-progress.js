// Polls a job's status and updates its progress bar until the job has finished.
// Slows down on errors (a weak mobile signal) instead of giving up.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var url = box.getAttribute("data-job-status-url");
  var delay = 1000;
  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        delay = 1000;
        box.querySelector("progress").value = data.percent;
        field("status_label").textContent = data.status_label;
        field("percent").textContent = data.percent;
        field("message").textContent = data.message;
        if (data.result_url) { field("result_url").href = data.result_url; field("result_url").hidden = false; }
        if (!data.finished) setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
