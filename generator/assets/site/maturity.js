// Printing a team page prints everything: open every folded section first, restore afterwards.
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.setAttribute("open", "");
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    opened = [];
  });
})();

// Framework pages whose statements carry attributes: show only the statements that match every filter.
// A statement is its heading (h4-h6 with data-mc-a<i> values "|v1|v2|") and what follows it up to the next heading.
(function () {
  function statementBlocks(heading) {
    var nodes = [heading];
    for (var n = heading.nextElementSibling; n && !/^H[1-6]$/.test(n.tagName); n = n.nextElementSibling) nodes.push(n);
    return nodes;
  }
  function apply(form) {
    var wanted = Array.prototype.map.call(form.querySelectorAll("select[data-mc-attr]"), function (s) {
      return [s.getAttribute("data-mc-attr"), s.value];
    });
    var all = document.querySelectorAll(".mc-statement");
    var shown = 0;
    Array.prototype.forEach.call(all, function (h) {
      var match = wanted.every(function (w) {
        return !w[1] || (h.getAttribute("data-mc-" + w[0]) || "").indexOf("|" + w[1] + "|") !== -1;
      });
      if (match) shown++;
      statementBlocks(h).forEach(function (n) { n.hidden = !match; });
    });
    var out = form.querySelector(".mc-filter-count");
    if (out) out.textContent = shown === all.length ? "" : shown + " of " + all.length + " statements shown";
  }
  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-mc-filter]"), function (form) {
      form.hidden = false;
      form.addEventListener("change", function () { apply(form); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
