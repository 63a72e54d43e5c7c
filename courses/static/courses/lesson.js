/*
 * Lesson progress: reports what the learner really played to the server, which decides what
 * counts (courses/learning/progress.py). Built on the player API in media/js/player.js.
 *
 * - Intervals are cut from timeupdate events; a seek closes the interval, so skipped parts
 *   are never reported.
 * - Heartbeats carry a sequence number and the wall-clock seconds spent playing; they wait
 *   in localStorage until the server acknowledges them, so a weak signal or a reload loses
 *   nothing and a retried heartbeat is not counted twice.
 * - "I have finished this lesson" stays disabled, showing the share still to watch, until the
 *   server counts every video of the lesson as watched (it decides again on submit).
 * - Another device taking over, or the server finding no sign of the learner for too long,
 *   pauses the video and asks before counting again; so does this page after the idle time
 *   without a touch, key or scroll.
 */
(function () {
  "use strict";

  var playersData = JSON.parse(document.getElementById("lesson-players").textContent);
  var options = JSON.parse(document.getElementById("lesson-settings").textContent);
  var csrfInput = document.querySelector("[name=csrfmiddlewaretoken]");
  var lastInteraction = Date.now();
  var trackers = [];
  var MAX_STEP = 1.5; // seconds between two timeupdates of continuous playing, at 1x

  ["pointerdown", "keydown", "touchstart", "scroll", "wheel"].forEach(function (name) {
    document.addEventListener(name, function () {
      lastInteraction = Date.now();
      trackers.forEach(function (t) { t.present = true; });
    }, { passive: true, capture: true });
  });

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfInput ? csrfInput.value : "" },
      body: JSON.stringify(body || {})
    });
  }

  function showDialog(name, tracker) {
    var dialog = document.querySelector('[data-dialog="' + name + '"]');
    if (!dialog) return;
    dialog.hidden = false;
    dialog.querySelector("[data-action=resume]").onclick = function () {
      dialog.hidden = true;
      lastInteraction = Date.now();
      tracker.blocked = false;
      tracker.token = null;
      tracker.present = true;
      tracker.player.play();
    };
  }

  function Tracker(player, data) {
    this.player = player;
    this.data = data;
    this.media = player.media;
    this.token = null;
    this.seq = 0;
    this.closed = [];
    this.open = null;
    this.playingSince = null;
    this.elapsed = 0;
    this.present = true;
    this.blocked = false;
    this.resumed = false;
    this.sending = null;
    this.retryDelay = 2000;
    this.queueKey = "yufang-beats:" + data.beat;
    this.queue = this._load();
    this.label = document.querySelector('[data-progress-for="' + player.mediaId + '"]');
    this._show(data.percent, data.completed);
    this._wire();
    if (this.queue.length) this.flush();
  }

  Tracker.prototype._load = function () {
    try { return JSON.parse(window.localStorage.getItem(this.queueKey)) || []; } catch (e) { return []; }
  };

  Tracker.prototype._save = function () {
    try { window.localStorage.setItem(this.queueKey, JSON.stringify(this.queue)); } catch (e) { /* private mode */ }
  };

  // The least-watched video not yet counted decides the share still to watch, as on the server
  // (courses.learning.progress.video_share_missing).
  function doneButtonUpdate() {
    var button = document.querySelector("[data-done-button]");
    if (!button || !trackers.length) return;
    var needed = options.watched_percent || 90;
    var missing = 0;
    trackers.forEach(function (t) {
      if (!t.completed) missing = Math.max(missing, Math.max(1, needed - (t.percent || 0)));
    });
    button.setAttribute("data-missing", String(missing));
    button.disabled = missing > 0;
    button.textContent = missing > 0
      ? button.getAttribute("data-missing-text").replace("{percent}", missing)
      : button.getAttribute("data-ready-text");
  }

  Tracker.prototype._show = function (percent, completed) {
    this.percent = Math.max(this.percent || 0, percent || 0);
    this.completed = this.completed || Boolean(completed);
    doneButtonUpdate();
    if (!this.label) return;
    this.label.textContent = completed ? this.label.getAttribute("data-done-text") || "✓"
      : (this.label.getAttribute("data-percent-text") || "{percent} %").replace("{percent}", percent);
    this.label.setAttribute("data-percent", percent);
    if (completed) {
      this.label.setAttribute("data-completed", "true");
      var hint = document.querySelector("[data-hint=video]");
      var self = this;
      var allWatched = trackers.every(function (t) {
        return t === self || !t.label || t.label.getAttribute("data-completed");
      });
      if (hint && allWatched) hint.hidden = true;
    }
  };

  Tracker.prototype._closeInterval = function () {
    if (this.open && this.open[1] > this.open[0]) this.closed.push([this.open[0], this.open[1]]);
    this.open = null;
  };

  Tracker.prototype._wire = function () {
    var self = this;
    var player = this.player;
    player.on("play", function () {
      if (self.blocked) { player.pause(); return; }
      self.playingSince = performance.now();
      self.open = [self.media.currentTime, self.media.currentTime];
      lastInteraction = Date.now();
      if (!self.token) self.lease();
    });
    player.on("seeking", function () { self._closeInterval(); });
    player.on("timeupdate", function (d) {
      if (self.media.seeking || self.media.paused) return;
      var at = d.position;
      var step = self.open ? at - self.open[1] : null;
      var maxStep = MAX_STEP * Math.max(1, self.media.playbackRate || 1);
      if (self.open && step >= 0 && step < maxStep) {
        self.open[1] = at;
      } else {
        self._closeInterval();
        self.open = [at, at];
      }
    });
    player.heartbeat(options.heartbeat, function () { self.beat(); });
    player.on("pause", function () { self._stopClock(); });
    player.on("ended", function () { self._stopClock(); });
  };

  Tracker.prototype._stopClock = function () {
    if (this.playingSince !== null) {
      this.elapsed += (performance.now() - this.playingSince) / 1000;
      this.playingSince = null;
    }
  };

  Tracker.prototype.lease = function () {
    var self = this;
    return this.flush().then(function () {
      return post(self.data.play, {});
    }).then(function (response) {
      if (!response.ok) throw new Error("play " + response.status);
      return response.json();
    }).then(function (lease) {
      self.token = lease.token;
      self.seq = 0;
      self.present = true;
      if (!self.resumed) {
        self.resumed = true;
        var duration = self.media.duration;
        if (lease.position > 1 && !(duration && lease.position > duration - 2)) {
          self.media.currentTime = lease.position;
        }
      }
      self._show(lease.percent, lease.completed);
      // What played while the lease was on its way is reported now, not lost.
      self.beat();
    }).catch(function () {
      // Keep asking while playing, or while played seconds wait to be reported.
      window.setTimeout(function () {
        if (!self.token && (!self.media.paused || self.closed.length)) self.lease();
      }, 3000);
    });
  };

  // The played interval reaches the current position unless the position jumped (a seek).
  Tracker.prototype._extendToNow = function () {
    var at = this.media.currentTime;
    var step = this.open ? at - this.open[1] : -1;
    if (!this.media.seeking && step >= 0 && step < MAX_STEP * Math.max(1, this.media.playbackRate || 1)) {
      this.open[1] = at;
    }
  };

  Tracker.prototype.beat = function () {
    if (this.open) {
      this._extendToNow();
      var at = this.open[1];
      this._closeInterval();
      if (!this.media.paused) this.open = [at, at];
    }
    if (this.playingSince !== null) {
      var now = performance.now();
      this.elapsed += (now - this.playingSince) / 1000;
      this.playingSince = now;
    }
    if (!this.token || (!this.closed.length && this.elapsed < 0.5)) return;
    this.queue.push({
      token: this.token,
      seq: ++this.seq,
      intervals: this.closed,
      elapsed: Math.round(this.elapsed * 10) / 10,
      position: this.media.currentTime,
      present: this.present
    });
    this.closed = [];
    this.elapsed = 0;
    this.present = false;
    this._save();
    this.flush();
  };

  // Sends queued heartbeats in order; resolves when the queue is empty or the network is down.
  Tracker.prototype.flush = function () {
    var self = this;
    if (this.sending) return this.sending;
    var done;
    this.sending = new Promise(function (resolve) { done = resolve; });
    var sending = this.sending;
    function finish() {
      self.sending = null;
      done();
    }
    function next() {
      if (!self.queue.length) { finish(); return; }
      var message = self.queue[0];
      post(self.data.beat, message).then(function (response) {
        if (response.status >= 500 || response.status === 403) throw new Error("retry " + response.status);
        if (response.status === 400 || response.status === 404) return { status: response.status, body: {} };
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        self.queue.shift();
        self._save();
        self.retryDelay = 2000;
        var state = result.body.state;
        if (result.body.percent !== undefined) self._show(result.body.percent, result.body.completed);
        if (state === "taken_over" && message.token === self.token) self._block("taken_over");
        if (state === "idle") self._block("idle");
        next();
      }).catch(function () {
        finish();
        window.setTimeout(function () { self.flush(); }, self.retryDelay);
        self.retryDelay = Math.min(self.retryDelay * 2, 30000);
      });
    }
    next();
    return sending;
  };

  Tracker.prototype._block = function (reason) {
    this.blocked = true;
    this.token = null;
    this.player.pause();
    showDialog(reason, this);
  };

  window.setInterval(function () {
    if (Date.now() - lastInteraction < options.idle * 1000) return;
    trackers.forEach(function (t) {
      if (!t.media.paused && !t.blocked) {
        t.beat();
        t._block("idle");
      }
    });
  }, 5000);

  window.addEventListener("pagehide", function () {
    trackers.forEach(function (t) { t.beat(); });
  });

  function start() {
    (window.YufangPlayer ? window.YufangPlayer.all() : []).forEach(function (player) {
      var data = playersData[player.mediaId];
      if (data && !player.__tracker) {
        player.__tracker = new Tracker(player, data);
        trackers.push(player.__tracker);
      }
    });
    doneButtonUpdate();
  }

  window.YufangLesson = { trackers: trackers, start: start };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
