/*
 * Video and audio player for media/player.html (media/templates/media/player.html).
 *
 * Plays the HLS ladder through hls.js where Media Source Extensions exist (most phones and
 * every desktop browser), through the browser's own HLS where only that exists (older
 * iPhones), and the MP4 fallback in the <video> element otherwise or when HLS fails. Nothing
 * is downloaded before the viewer presses play (preload="none", hls.js loads on play).
 *
 * API for pages that track viewing (courses' progress heartbeats):
 *
 *   const player = YufangPlayer.get(figureElement);   // or YufangPlayer.all()
 *   player.on("timeupdate", (d) => ...);   // d = {mediaId, position, duration, watched, engine}
 *   const stop = player.heartbeat(15, (d) => fetch(...));   // every 15 s of playing, and on
 *                                                        // pause and end; stop() ends it
 *
 * Events (also dispatched on the <figure> as "player:<name>" CustomEvents with the same
 * detail): ready, play, pause, timeupdate, seeking, seeked, ended, error. `position` is the
 * current playback position in seconds; `watched` counts only seconds actually played, so a
 * seek forward adds nothing.
 */
(function () {
  "use strict";

  if (window.YufangPlayer) {
    window.YufangPlayer.initAll(document);
    return;
  }

  var script = document.currentScript;
  var hlsSrc = script && script.getAttribute("data-hls-src");
  var hlsLoading = null;
  var registry = [];
  var EVENTS = ["play", "pause", "timeupdate", "seeking", "seeked", "ended"];
  // A timeupdate further than this from the last one is a seek, not playing.
  var MAX_PLAYED_STEP = 1.5;

  function loadHls() {
    if (window.Hls) return Promise.resolve(window.Hls);
    if (!hlsSrc) return Promise.reject(new Error("no hls.js"));
    if (!hlsLoading) {
      hlsLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = hlsSrc;
        tag.onload = function () { resolve(window.Hls); };
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return hlsLoading;
  }

  function Player(root) {
    this.root = root;
    this.media = root.querySelector("video, audio");
    this.mediaId = root.getAttribute("data-media-id");
    this.fallbackSrc = this.media.currentSrc || (this.media.querySelector("source") || {}).src;
    this.engine = "file";
    this.watched = 0;
    this.hls = null;
    this._last = 0;
    this._seeking = false;
    this._wire();
    this.ready = this._attach().then(this._announceReady.bind(this));
  }

  Player.prototype.detail = function () {
    var media = this.media;
    return {
      mediaId: this.mediaId,
      position: media.currentTime,
      duration: isFinite(media.duration) ? media.duration : null,
      watched: Math.round(this.watched * 10) / 10,
      engine: this.engine
    };
  };

  Player.prototype._emit = function (name) {
    this.root.dispatchEvent(new CustomEvent("player:" + name, { detail: this.detail() }));
  };

  Player.prototype._announceReady = function () {
    this.root.setAttribute("data-engine", this.engine);
    this._emit("ready");
    return this;
  };

  Player.prototype._wire = function () {
    var self = this;
    var media = this.media;
    EVENTS.forEach(function (name) {
      media.addEventListener(name, function () {
        if (name === "seeking") self._seeking = true;
        if (name === "seeked") {
          self._seeking = false;
          self._last = media.currentTime;
        }
        if (name === "timeupdate" && !self._seeking) {
          var step = media.currentTime - self._last;
          if (step > 0 && step < MAX_PLAYED_STEP) self.watched += step;
          self._last = media.currentTime;
        }
        self._emit(name);
      });
    });
    media.addEventListener("error", function () { self._emit("error"); });
  };

  Player.prototype._attach = function () {
    var self = this;
    var media = this.media;
    var src = this.root.getAttribute("data-hls");
    if (!src || media.tagName !== "VIDEO") return Promise.resolve();
    var hasMse = window.MediaSource || window.ManagedMediaSource;
    if (!hasMse) return Promise.resolve(this._native(src));
    return loadHls().then(function (Hls) {
      if (!Hls || !Hls.isSupported()) return self._native(src);
      var hls = new Hls({
        autoStartLoad: false,
        capLevelToPlayerSize: true,
        startLevel: 0,
        maxBufferLength: 30
      });
      var wantLoad = false;
      var parsed = false;
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        parsed = true;
        if (wantLoad) hls.startLoad(-1);
      });
      hls.on(Hls.Events.ERROR, function (event, data) {
        if (data.fatal) self._toFallback();
      });
      media.addEventListener("play", function onFirstPlay() {
        media.removeEventListener("play", onFirstPlay);
        wantLoad = true;
        if (parsed) hls.startLoad(-1);
      });
      hls.loadSource(src);
      hls.attachMedia(media);
      self.hls = hls;
      self.engine = "hls.js";
    }, function () {
      return self._native(src);
    });
  };

  Player.prototype._native = function (src) {
    if (this.media.canPlayType("application/vnd.apple.mpegurl")) {
      this.media.src = src;
      this.engine = "native-hls";
    }
  };

  Player.prototype._toFallback = function () {
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    if (this.fallbackSrc) {
      var at = this.media.currentTime;
      this.media.src = this.fallbackSrc;
      this.media.currentTime = at;
    }
    this.engine = "file";
    this.root.setAttribute("data-engine", this.engine);
  };

  Player.prototype.on = function (name, callback) {
    var listener = function (event) { callback(event.detail); };
    this.root.addEventListener("player:" + name, listener);
    var root = this.root;
    return function off() { root.removeEventListener("player:" + name, listener); };
  };

  Player.prototype.heartbeat = function (seconds, callback) {
    var self = this;
    var timer = null;
    function beat() { callback(self.detail()); }
    function start() {
      if (!timer) timer = window.setInterval(beat, seconds * 1000);
    }
    function pause() {
      if (timer) {
        window.clearInterval(timer);
        timer = null;
      }
      beat();
    }
    var offs = [this.on("play", start), this.on("pause", pause), this.on("ended", pause)];
    if (!this.media.paused) start();
    return function stop() {
      if (timer) window.clearInterval(timer);
      timer = null;
      offs.forEach(function (off) { off(); });
    };
  };

  Player.prototype.play = function () { return this.media.play(); };
  Player.prototype.pause = function () { this.media.pause(); };

  function initAll(scope) {
    var roots = (scope || document).querySelectorAll("[data-player]");
    Array.prototype.forEach.call(roots, function (root) {
      if (!root.__yufangPlayer) {
        root.__yufangPlayer = new Player(root);
        registry.push(root.__yufangPlayer);
      }
    });
    return registry.slice();
  }

  window.YufangPlayer = {
    initAll: initAll,
    all: function () { return registry.slice(); },
    get: function (element) {
      var root = element && element.closest ? element.closest("[data-player]") : null;
      return root ? root.__yufangPlayer || null : null;
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
})();
