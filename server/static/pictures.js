// Progressive enhancement for the pictures: when a node has the pointer or the keyboard focus,
// its edges stand out and unrelated nodes fade. The pictures are complete without it.
(function () {
  "use strict";
  function light(svg, node) {
    var id = node.getAttribute("data-node");
    var linked = {};
    linked[id] = true;
    svg.querySelectorAll(".edge").forEach(function (edge) {
      var from = edge.getAttribute("data-from"), to = edge.getAttribute("data-to");
      var on = from === id || to === id;
      edge.classList.toggle("lit", on);
      if (on) { linked[from] = true; linked[to] = true; }
    });
    svg.querySelectorAll("a.node[data-node]").forEach(function (other) {
      other.classList.toggle("dim", !linked[other.getAttribute("data-node")]);
    });
    svg.classList.add("focusing");
  }
  function clear(svg) {
    svg.classList.remove("focusing");
    svg.querySelectorAll(".lit, .dim").forEach(function (el) { el.classList.remove("lit", "dim"); });
  }
  document.querySelectorAll("svg.picture").forEach(function (svg) {
    svg.querySelectorAll("a.node[data-node]").forEach(function (node) {
      node.addEventListener("mouseenter", function () { light(svg, node); });
      node.addEventListener("focus", function () { light(svg, node); });
      node.addEventListener("mouseleave", function () { clear(svg); });
      node.addEventListener("blur", function () { clear(svg); });
    });
  });
})();
