/* vigie console: progressive enhancement only. Every page works without this script
   (forms and links do the work); the CSP allows scripts from this origin only. */
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  /* Review queue: A accept, R reject, S skip. WCAG 2.1.4: the shortcuts can be turned
     off (a checkbox, remembered in this browser). */
  var keys = { a: "accepter", r: "rejeter", s: "passer" };
  var choice = document.getElementById("raccourcis");
  if (choice) {
    document.getElementById("raccourcis-choix").hidden = false;
    try { choice.checked = localStorage.getItem("vigie-raccourcis") !== "off"; } catch (e) {}
    choice.addEventListener("change", function () {
      try { localStorage.setItem("vigie-raccourcis", choice.checked ? "on" : "off"); } catch (e) {}
    });
    document.addEventListener("keydown", function (event) {
      if (!choice.checked || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target !== choice && typing(event.target)) return;
      var id = keys[(event.key || "").toLowerCase()];
      var target = id && document.getElementById(id);
      if (!target) return;
      event.preventDefault();
      target.click();
    });
  }
})();
