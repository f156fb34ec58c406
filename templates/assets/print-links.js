// For print: number the links in the page's main content and list their full
// addresses after it, so a paper handout keeps its references. Reading needs no JS.
// One note per page linked (paragraph anchors ¶ share their article's note).
window.addEventListener("DOMContentLoaded", function () {
  var main = document.getElementById("main");
  if (!main) return;
  // Addresses on paper are the published ones, even when printed from a local preview.
  var canonical = document.querySelector('link[rel="canonical"]');
  var base = canonical ? canonical.href : location.href;
  var list = document.createElement("ol");
  var notes = {};
  var lastParent = null, lastUrl = null;
  main.querySelectorAll("a[href]").forEach(function (link) {
    if (link.closest(".breadcrumbs, .pager, .archive-months") ||
        link.getAttribute("href").charAt(0) === "#") return;
    var url = new URL(link.getAttribute("href"), base);
    url.hash = "";
    url = url.href;
    if (!(url in notes)) {
      var item = document.createElement("li");
      item.textContent = url;
      list.appendChild(item);
      notes[url] = list.children.length;
    }
    // A run of links to one page in one place (a title, then its ¶ anchors) gets one mark.
    if (link.parentElement !== lastParent || url !== lastUrl) {
      link.setAttribute("data-note", notes[url]);
    }
    lastParent = link.parentElement;
    lastUrl = url;
  });
  if (!list.children.length) return;
  var section = document.createElement("section");
  section.className = "print-only link-notes";
  section.setAttribute("aria-label", "Link addresses");
  var heading = document.createElement("h2");
  heading.textContent = "Links";
  section.append(heading, list);
  main.appendChild(section);
});
