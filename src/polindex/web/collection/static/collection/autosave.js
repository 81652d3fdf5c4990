// Saves the answer's draft two seconds after the last change (the page works without it: the
// "Save draft" button does the same). The messages come translated in the status element's
// data-saved and data-conflict attributes.
(function () {
  var form = document.getElementById("answer-form"), timer = null, note = document.getElementById("autosave");
  if (!form || !note) return;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var data = new FormData(form); data.set("action", "autosave");
      fetch(location.pathname, {method: "POST", body: data, headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
        .then(function (res) {
          if (res[0] === 200) { document.getElementById("version").value = res[1].version; note.textContent = note.dataset.saved; }
          else if (res[0] === 409) { note.textContent = note.dataset.conflict; }
        });
    }, 2000);
  });
})();
