// The flashcard drill's keys: Space turns the card, 1-4 grade it once it is turned. Without script the
// card turns with its "Show answer" button and the grades are plain submit buttons.
(function () {
  "use strict";
  var sent = false;
  document.addEventListener("keydown", function (event) {
    var back = document.getElementById("card-back");
    if (!back || sent || event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    if (event.key === " ") {
      // A focused button, link or summary keeps Space's own meaning.
      if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return;
      event.preventDefault();
      back.open = !back.open;
      return;
    }
    if (back.open && /^[1-4]$/.test(event.key)) {
      var button = back.querySelector('[data-grade-key="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        sent = true;
        button.click();
      }
    }
  });
})();
