// Saves the answer's draft two seconds after the last change and says so beside the buttons
// (the page works without it: "Save draft" does the same, and the note says so). The messages
// come translated in the note's data-* attributes. The form goes URL-encoded, as the page's own
// submit sends it (the form has no file): a multipart body costs the server seven times as much
// to parse, on the workspace's most frequent request (decision 075).
(function () {
  var form = document.getElementById("answer-form"), timer = null, note = document.getElementById("autosave");
  if (!form || !note || !window.fetch) return;
  function say(text, state) { note.textContent = text; note.dataset.state = state; }
  function clock() { var d = new Date(); return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    say(note.dataset.unsaved, "unsaved");
    timer = setTimeout(function () {
      var data = new URLSearchParams(new FormData(form)); data.set("action", "autosave");
      say(note.dataset.saving, "saving");
      fetch(location.pathname, {method: "POST", body: data, headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
        .then(function (res) {
          if (res[0] === 200) { document.getElementById("version").value = res[1].version; say(note.dataset.saved + " " + clock() + ".", "saved"); }
          else if (res[0] === 409) { say(note.dataset.conflict, "failed"); }
          else { say(note.dataset.failed, "failed"); }
        })
        .catch(function () { say(note.dataset.offline, "failed"); });
    }, 2000);
  });
})();
