// The compare form sends one ?units=A,B,C (the state a link keeps) instead of one u= per box.
document.getElementById("compare-form").addEventListener("submit", function () {
  var picked = Array.from(document.querySelectorAll("input[name=u]:checked")).map(function (b) { return b.value; });
  document.getElementById("units").value = picked.join(",");
  document.querySelectorAll("input[name=u]").forEach(function (b) { b.disabled = true; });
});
