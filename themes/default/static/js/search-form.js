/* The header search box: '/' focuses it (or the search page's own box), unless the reader is
   typing in a field. Loaded on every page; the search page's logic is in search.js. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !(target instanceof Element)) { return false; }
    if (target.isContentEditable) { return true; }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey ||
        event.defaultPrevented || typing(event.target)) { return; }
    var box = document.getElementById("search-q");
    if (!box || box.offsetParent === null) { box = document.getElementById("site-search-q"); }
    if (!box) { return; }
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
