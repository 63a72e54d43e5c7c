// The organiser's check-in screen: fetch the current QR code (it rotates every 15 s) and the
// live count. Keeps the last code on a network hiccup and says so.
(function () {
  var main = document.getElementById("screen");
  var url = main.getAttribute("data-qr-url");
  var qr = document.getElementById("qr");
  var count = document.getElementById("count");
  var status = document.getElementById("status");
  var link = document.getElementById("scan-link");
  var number = document.getElementById("confirmation-number");
  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        qr.innerHTML = data.svg;
        count.textContent = data.count;
        link.href = data.url;
        if (number && data.number) number.textContent = data.number;
        status.textContent = "";
        setTimeout(refresh, Math.max(1000, data.expires_in * 1000 + 200));
      })
      .catch(function () { status.textContent = "⚠"; setTimeout(refresh, 3000); });
  }
  refresh();
})();
