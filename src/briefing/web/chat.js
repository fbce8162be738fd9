// Clicking a footnote such as [2] in an answer opens and highlights the passage it
// quotes in the sources panel. Gradio's sanitiser keeps only class and href on chat
// links, so the target id travels in the href ("#src-<turn>-<marker>").
(function () {
  function showSource(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    document.querySelectorAll(".src-item.active").forEach(function (x) {
      x.classList.remove("active");
    });
    if (el.tagName === "DETAILS") el.open = true;
    el.classList.add("active");
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    return true;
  }
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest ? event.target.closest("a.cite-link") : null;
      if (!link) return;
      var href = link.getAttribute("href") || "";
      if (href.indexOf("#src-") !== 0) return;
      event.preventDefault();
      event.stopPropagation();
      showSource(href.slice(1));
    },
    true
  );
})();
