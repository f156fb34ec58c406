// Starts Pagefind's search UI; the query comes from ?q= (the search form on every page).
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (location.protocol === "file:" || typeof PagefindUI === "undefined") {
    // Pagefind fetches its index, which browsers refuse for pages opened from disk.
    document.querySelector(".search-offline").hidden = false;
    return;
  }
  // Result URLs are site-relative; resolve the site root so a sub-path deploy works.
  var base = new URL(box.dataset.root, location.href).pathname;
  var ui = new PagefindUI({ element: "#search", baseUrl: base, showImages: false,
                            showSubResults: true, autofocus: true });
  // Pagefind labels its box with a title only; give it a real accessible name.
  var input = box.querySelector("input");
  if (input) input.setAttribute("aria-label", "Search the articles");
  var query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
});
