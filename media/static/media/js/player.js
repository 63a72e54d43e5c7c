/*
 * Video and audio player for media/player.html (media/templates/media/player.html).
 *
 * Plays the HLS ladder through hls.js where Media Source Extensions exist (most phones and
 * every desktop browser), through the browser's own HLS where only that exists (older
 * iPhones), and the MP4 fallback in the <video> element otherwise or when HLS fails.
 *
 * Nothing is downloaded before the viewer presses play: not hls.js (~620 KB), not the playlist
 * (preload="none"; hls.js and the playlist load on the first play). Until then a big play
 * button covers the video and the browser's own controls are hidden, so the first tap anywhere
 * on the picture goes through play() below and plays the HLS ladder, not the MP4 fallback.
 *
 * API for pages that track viewing (courses' progress heartbeats):
 *
 *   const player = YufangPlayer.get(figureElement);   // or YufangPlayer.all()
 *   await player.play();   // the first play picks the engine (player.engine) and loads it
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
    this.engine = "pending";
    this.watched = 0;
    this.hls = null;
    this._chosen = false;
    this._attaching = null;
    this._last = 0;
    this._seeking = false;
    this._wire();
    this._startButton();
    // Ready means the API can be used; the engine is known after the first play.
    this.ready = Promise.resolve().then(this._announceReady.bind(this));
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
    this._emit("ready");
    return this;
  };

  Player.prototype._wire = function () {
    var self = this;
    var media = this.media;
    media.addEventListener("play", function () {
      // Started on the element itself, not through play(): it plays its MP4 source.
      if (!self._chosen) {
        self._chosen = true;
        self._engineSet("file");
      }
    });
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

  Player.prototype._startButton = function () {
    var self = this;
    var button = this.root.querySelector("[data-player-start]");
    if (!button) return;
    this._controls = this.media.hasAttribute("controls");
    this.media.removeAttribute("controls");
    button.hidden = false;
    button.addEventListener("click", function () {
      self.play().catch(function () { /* the browser refused: its controls are back */ });
    });
    // However playback starts (play() or a script on the element), the controls come back.
    this.media.addEventListener("play", function () { self._startButtonRemove(); });
  };

  Player.prototype._startButtonRemove = function () {
    var button = this.root.querySelector("[data-player-start]");
    if (button) button.parentNode.removeChild(button);
    if (this._controls) this.media.setAttribute("controls", "");
  };

  // Picks and loads the engine once. Returns null when that was done at once (no hls.js to
  // fetch), so play() can call media.play() inside the tap itself, as iOS Safari requires.
  Player.prototype._attach = function () {
    var self = this;
    var media = this.media;
    var src = this.root.getAttribute("data-hls");
    if (!src || media.tagName !== "VIDEO") return this._engineSet("file");
    var hasMse = window.MediaSource || window.ManagedMediaSource;
    if (!hasMse) return this._native(src);
    return loadHls().then(function (Hls) {
      if (!Hls || !Hls.isSupported()) return self._native(src);
      var hls = new Hls({ capLevelToPlayerSize: true, startLevel: 0, maxBufferLength: 30 });
      hls.on(Hls.Events.ERROR, function (event, data) {
        if (data.fatal) self._toFallback();
      });
      self.hls = hls;
      self._engineSet("hls.js");
      return new Promise(function (resolve) {
        hls.once(Hls.Events.MEDIA_ATTACHED, function () { resolve(); });
        hls.loadSource(src);
        hls.attachMedia(media);
      });
    }, function () {
      return self._native(src);
    });
  };

  Player.prototype._engineSet = function (engine) {
    this.engine = engine;
    this.root.setAttribute("data-engine", engine);
    return null;
  };

  Player.prototype._native = function (src) {
    if (!this.media.canPlayType("application/vnd.apple.mpegurl")) return this._engineSet("file");
    this.media.src = src;
    return this._engineSet("native-hls");
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

  Player.prototype.play = function () {
    var self = this;
    if (!this._chosen) {
      this._chosen = true;
      this._attaching = this._attach();
    }
    this._startButtonRemove();
    if (!this._attaching) return this.media.play();
    return this._attaching.then(function () {
      self._attaching = null;
      return self.media.play();
    });
  };
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
