// For print: number the links in the page's main content and list their full
// addresses after it, so a paper handout keeps its references. Reading needs no JS.
window.addEventListener("DOMContentLoaded", function () {
  var main = document.getElementById("main");
  if (!main) return;
  // Addresses on paper are the published ones, even when printed from a local preview.
  var canonical = document.querySelector('link[rel="canonical"]');
  var base = canonical ? canonical.href : location.href;
  var list = document.createElement("ol");
  var seen = {};
  main.querySelectorAll("a[href]").forEach(function (link) {
    if (link.closest(".breadcrumbs, .pager") || link.getAttribute("href").charAt(0) === "#") return;
    var url = new URL(link.getAttribute("href"), base).href;
    if (!(url in seen)) {
      var item = document.createElement("li");
      item.textContent = url;
      list.appendChild(item);
      seen[url] = list.children.length;
    }
    link.setAttribute("data-note", seen[url]);
  });
  if (!list.children.length) return;
  var notes = document.createElement("section");
  notes.className = "print-only link-notes";
  notes.setAttribute("aria-label", "Link addresses");
  var heading = document.createElement("h2");
  heading.textContent = "Links";
  notes.append(heading, list);
  main.appendChild(notes);
});
