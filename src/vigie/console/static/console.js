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

  /* Dashboard: "Mettre à jour" swaps in fresh figures without reloading the page, and
     they refresh by themselves every minute while the page is shown and nothing in them
     has the focus. The server does not count these requests as activity, so an
     unattended dashboard still ends its session after 15 minutes. */
  var refresh = document.getElementById("actualiser");
  var live = document.getElementById("chiffres-vivants");
  var status = document.getElementById("mise-a-jour");
  if (refresh && live && status && window.fetch) {
    var busy = false;
    var timer = null;
    var update = function (asked) {
      if (busy) return;
      busy = true;
      fetch(refresh.getAttribute("data-fragment"),
            { credentials: "same-origin", redirect: "manual", cache: "no-store" })
        .then(function (answer) {
          if (answer.type === "opaqueredirect" || answer.status !== 200) throw answer.status;
          return answer.text();
        })
        .then(function (html) {
          live.innerHTML = html;
          if (asked) status.textContent = "Chiffres mis à jour.";
        })
        .catch(function () {
          clearInterval(timer);
          status.textContent = "Les chiffres ne se mettent plus à jour (session terminée ou " +
            "console injoignable) : rechargez la page.";
        })
        .then(function () { busy = false; });
    };
    refresh.addEventListener("click", function (event) {
      event.preventDefault();
      update(true);
    });
    timer = setInterval(function () {
      if (!document.hidden && !live.contains(document.activeElement)) update(false);
    }, 60000);
  }
})();
