// The objection wizard: fill the time-zone field with the browser's own, when it is empty.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const zone = document.querySelector("input[data-timezone]");
  if (zone && !zone.value && window.Intl) {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }
});
