// The organiser's check-in desk: read personal codes from the tablet's camera with jsQR (vendored,
// site/static/vendor/jsqr/) and post each one; the ID-number form posts the same way. Nothing
// leaves the page but the code or the number, to the desk's own check-in URL.
(function () {
  var desk = document.getElementById("desk");
  var url = desk.getAttribute("data-checkin-url");
  var form = document.getElementById("desk-id-form");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var video = document.getElementById("desk-video");
  var canvas = document.getElementById("desk-canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var result = document.getElementById("desk-result");
  var cameraStatus = document.getElementById("desk-camera-status");
  var count = document.getElementById("desk-count");
  var log = document.getElementById("desk-log");
  var PREFIX = "YF-";
  var recent = {};  // code -> time last sent: a card held up for seconds is one check-in
  var busy = false;

  function show(ok, text) {
    result.textContent = text;
    result.className = "desk__result " + (ok ? "desk__result--ok" : "desk__result--refused");
  }

  function send(fields) {
    busy = true;
    var body = new URLSearchParams(fields);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.ok) { show(false, data.message); return; }
        var who = data.person.name + " " + data.person.id_number_masked;
        var label = desk.getAttribute(data.created ? "data-msg-ok" : "data-msg-again");
        show(true, "✓ " + label + ": " + who);
        count.textContent = data.count;
        if (data.created) {
          var item = document.createElement("li");
          item.textContent = new Date(data.checked_in_at).toLocaleTimeString() + " · " + who + " · " + data.method;
          log.insertBefore(item, log.firstChild);
        }
      })
      .catch(function () { show(false, desk.getAttribute("data-msg-failed")); })
      .then(function () { busy = false; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send({ id_number: form.id_number.value }).then(function () { form.id_number.value = ""; });
  });

  function tick() {
    if (video.readyState >= video.HAVE_ENOUGH_DATA && !busy && window.jsQR) {
      // A smaller frame decodes faster and a card fills much of it anyway.
      var scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "attemptBoth" });
      var code = found && found.data.trim();
      if (code && code.indexOf(PREFIX) === 0 && !(recent[code] > Date.now() - 5000)) {
        recent[code] = Date.now();
        send({ code: code });
      }
    }
    setTimeout(tick, 200);
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    cameraStatus.textContent = desk.getAttribute("data-msg-no-camera");
    return;
  }
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      return video.play();
    })
    .then(function () { desk.setAttribute("data-camera", "on"); tick(); })
    .catch(function () { cameraStatus.textContent = desk.getAttribute("data-msg-no-camera"); });
})();
