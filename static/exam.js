// The pages' small island of behaviour: times in the reader's time zone and, on the exam page, the
// countdown, the time warnings, keyboard shortcuts, the count of ticked boxes (or of placed steps and
// matched prompts), and the saved / not-saved state of autosave. Everything else is plain forms + htmx.
(function () {
  "use strict";

  function formatClock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h + ":" + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
  }

  function startTimer(timer) {
    // The server's remaining time at page load, counted down on the monotonic clock, so a wrong clock on
    // this computer changes nothing; every minute the server is asked again.
    var remainingAtStart = parseFloat(timer.dataset.remaining);
    var started = performance.now();
    var value = document.getElementById("timer-value");
    var warning = document.getElementById("time-warning");
    var warned = {};
    [15, 5].forEach(function (m) { if (remainingAtStart <= m * 60) warned[m] = true; });
    var finished = false;

    function remaining() { return remainingAtStart - (performance.now() - started) / 1000; }

    function expire() {
      if (finished) return;
      finished = true;
      window.location.assign(timer.dataset.expiredUrl);
    }

    function tick() {
      var left = remaining();
      value.textContent = formatClock(left);
      timer.classList.toggle("low", left <= 300);
      [15, 5].forEach(function (m) {
        if (!warned[m] && left <= m * 60) {
          warned[m] = true;
          warning.textContent = m + " minutes remain. Unanswered questions are scored as incorrect.";
        }
      });
      if (left <= 0) expire();
    }

    function resync() {
      fetch(timer.dataset.clockUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (clock) {
          if (!clock) return;
          if (clock.finished) return expire();
          remainingAtStart = clock.remaining_seconds;
          started = performance.now();
        })
        .catch(function () { /* offline: keep counting; the server decides at the deadline anyway */ });
    }

    tick();
    setInterval(tick, 1000);
    setInterval(resync, 60000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) resync(); });
  }

  function updateChoiceCount() {
    var count = document.querySelector("#choice-count .count");
    if (!count) return;
    var ticked = document.querySelectorAll('#question-form input[name="choice"]:checked').length;
    var placed = Array.prototype.filter.call(
      document.querySelectorAll('#question-form select[name="choice"]'), function (s) { return s.value !== ""; }).length;
    count.textContent = ticked + placed;
    var note = document.getElementById("choice-limit");
    var choose = parseInt(document.getElementById("choice-count").dataset.choose || "0", 10);
    if (note && ticked <= choose) note.textContent = "";
  }

  function setSaveState(text, ok) {
    var status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("saved", ok);
    status.classList.toggle("unsaved", !ok);
  }

  function isAnswerRequest(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.matches && elt.matches('[name="choice"]');
  }

  // "(Choose two)" means two, as on the real exam: a third box cannot be ticked until one is cleared.
  document.addEventListener("click", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[type="checkbox"][name="choice"]') || !box.checked) return;
    var count = document.getElementById("choice-count");
    var choose = count ? parseInt(count.dataset.choose, 10) : 0;
    var ticked = document.querySelectorAll('#question-form input[name="choice"]:checked').length;
    if (choose && ticked > choose) {
      event.preventDefault();
      var note = document.getElementById("choice-limit");
      if (note) note.textContent = "You can choose " + choose + ". Clear one of your answers to choose another.";
    }
  }, true);

  document.addEventListener("change", function (event) {
    if (event.target.matches('[name="choice"]')) updateChoiceCount();
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isAnswerRequest(event)) setSaveState("Saving…", true);
  });

  function retrySave(event) {
    var elt = event.detail.elt;
    setTimeout(function () { if (document.body.contains(elt)) htmx.trigger(elt, "change"); }, 3000);
  }

  // A save that did not reach the server is retried until it does; the page says so meanwhile.
  document.addEventListener("htmx:sendError", function (event) {
    setSaveState("Not saved: no connection. Retrying…", false);
    if (isAnswerRequest(event)) retrySave(event);
  });

  // So is a save the server failed to store (a 5xx: a database restart, say). A refusal (4xx: time is
  // up, an unknown option) is final and says why in the message area.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 500 && isAnswerRequest(event)) {
      setSaveState("Not saved: the server had a problem. Retrying…", false);
      retrySave(event);
      return;
    }
    setSaveState("Not saved", false);
  });

  // While htmx swaps in the next question, its new inputs are not wired up yet; a shortcut typed in that
  // moment (N then 2, quickly) would tick a box that never saves. Such keys wait until the swap settles.
  var swapping = false;
  var waitingKeys = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "exam") swapping = true;
  });
  document.addEventListener("htmx:afterSettle", function () {
    swapping = false;
    var keys = waitingKeys;
    waitingKeys = [];
    keys.forEach(function (key) { runShortcut(key); });
  });

  function runShortcut(key) {
    var form = document.getElementById("question-form");
    if (!form) return;
    var index = "123456".indexOf(key);
    if (index < 0) index = "ABCDE".indexOf(key);
    if (index >= 0) {
      var input = form.querySelector("#choice-" + "ABCDEF"[index]);
      if (input) { input.click(); input.focus(); }
      return;
    }
    var button = document.getElementById({ N: "btn-next", P: "btn-previous", F: "btn-flag" }[key]);
    if (button && !button.disabled) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
    var target = event.target;
    if (target.matches && target.matches("input[type=text], textarea, select, [contenteditable]")) return;
    if (!document.getElementById("question-form")) return;
    var key = event.key.toUpperCase();
    if ("123456ABCDENPF".indexOf(key) < 0) return;
    event.preventDefault();
    if (swapping) waitingKeys.push(key); else runShortcut(key);
  });

  // Moments come from the server in UTC; show them in the reader's own time zone, named.
  function localTimes(root) {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var format = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      second: "2-digit", hourCycle: "h23", timeZoneName: "short"
    });
    root.querySelectorAll("time[datetime]:not([data-local])").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment)) return;
      var parts = {};
      format.formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
      // A save's time of day keeps its seconds and needs no date; other moments show date and minute.
      element.textContent = element.hasAttribute("data-seconds")
        ? parts.hour + ":" + parts.minute + ":" + parts.second + " " + parts.timeZoneName
        : parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + " " +
          parts.timeZoneName;
      element.setAttribute("data-local", "");
      element.title = element.getAttribute("datetime");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("timer");
    if (timer) startTimer(timer);
    localTimes(document);
  });
  document.addEventListener("htmx:afterSwap", function () { localTimes(document); });
})();
