// Live updates: the office's server-sent event stream (web/live.py). New messages,
// receipts and check-ins are announced in a polite live region with a reload link;
// without JavaScript, or without EventSource, the pages work as before.
(function () {
  "use strict";
  var box = document.getElementById("live-updates");
  if (!box || !window.EventSource) {
    return;
  }
  var seen = [];
  var source = new EventSource(box.getAttribute("data-url"));
  source.addEventListener("update", function (event) {
    var data = JSON.parse(event.data);
    seen.push(data.text);
    if (seen.length > 5) {
      seen.shift();
    }
    var heading = document.createElement("p");
    heading.textContent = "Since this page was loaded: ";
    var reload = document.createElement("a");
    reload.href = window.location.href;
    reload.textContent = "reload to see it";
    heading.appendChild(reload);
    var list = document.createElement("ul");
    seen.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    box.replaceChildren(heading, list);
    box.hidden = false;
  });
})();
