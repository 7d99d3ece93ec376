// claimdesk's keyboard shortcuts. An element with data-key="x" answers the key x: a field is
// focused, anything else is clicked. In a worklist table, j and k move the row selection and o
// opens the row's first link. Keys typed into a field stay in the field (Escape leaves it), and
// a key with Ctrl, Alt or Meta is the browser's. "?" shows the page's shortcuts.
(function () {
  "use strict";

  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.worklist tbody tr"))
      .filter(function (row) { return row.querySelector("a"); });
  }

  function selected() {
    return document.querySelector("table.worklist tbody tr[aria-selected='true']");
  }

  function select(step) {
    var all = rows();
    if (!all.length) { return; }
    var now = selected();
    var at = now ? all.indexOf(now) + step : 0;
    at = Math.max(0, Math.min(all.length - 1, at));
    if (now) { now.removeAttribute("aria-selected"); }
    all[at].setAttribute("aria-selected", "true");
    all[at].querySelector("a").focus();
  }

  function help() {
    var box = document.getElementById("keys-help");
    if (box) { box.hidden = !box.hidden; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var key = event.key;
    if (key === "?") { help(); event.preventDefault(); return; }
    if (key === "j" || key === "k") { select(key === "j" ? 1 : -1); event.preventDefault(); return; }
    if (key === "o" && selected()) { selected().querySelector("a").click(); event.preventDefault(); return; }
    var target = document.querySelector("[data-key='" + key + "']");
    if (!target) { return; }
    event.preventDefault();
    if (typing(target)) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    } else {
      target.click();
    }
  });
})();
