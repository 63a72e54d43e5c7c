// Inside WeChat's browser only: ask the server to sign this page for the JS-SDK, then hand
// WeChat the page's own share card (its og: tags), which it otherwise ignores.
(function () {
  if (!/MicroMessenger/i.test(navigator.userAgent)) return;
  var me = document.currentScript;
  function meta(property) {
    var tag = document.querySelector('meta[property="' + property + '"]');
    return tag ? tag.getAttribute("content") : "";
  }
  var url = location.href.split("#")[0];
  fetch(me.getAttribute("data-config-url") + "?url=" + encodeURIComponent(url), {
    credentials: "same-origin",
  })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (config) {
      var sdk = document.createElement("script");
      sdk.src = me.getAttribute("data-sdk");
      sdk.onload = function () {
        config.jsApiList = ["updateAppMessageShareData", "updateTimelineShareData"];
        window.wx.config(config);
        window.wx.ready(function () {
          var card = {
            title: meta("og:title") || document.title,
            desc: meta("og:description"),
            link: url,
            imgUrl: meta("og:image"),
          };
          window.wx.updateAppMessageShareData(card);
          window.wx.updateTimelineShareData(card);
        });
      };
      document.head.appendChild(sdk);
    })
    .catch(function () {
      // No card this time: WeChat falls back to its plain link.
    });
})();
