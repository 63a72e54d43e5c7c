// The resend button waits as long as the server's rate limit would make it wait anyway, and
// says how long, instead of accepting a tap that only returns an error.
(function () {
  document.querySelectorAll("button[data-resend-after]").forEach(function (button) {
    var label = button.textContent;
    var template = button.getAttribute("data-wait-label");
    var until = Date.now() + Number(button.getAttribute("data-resend-after")) * 1000;
    function tick() {
      var seconds = Math.ceil((until - Date.now()) / 1000);
      if (seconds <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.disabled = true;
      button.textContent = template.replace("%(seconds)s", seconds);
      setTimeout(tick, 1000);
    }
    tick();
  });
})();
