// Draws every chart of the page (.vega[data-spec]: its Vega-Lite spec is the JSON block of that
// id) with vega-embed, and completes the embed codes with this site's address. Vega runs its
// expressions with its interpreter (ast: true), never eval, and adds no inline style: the pages'
// Content-Security-Policy allows neither.
document.querySelectorAll(".embed-code").forEach(function (box) {
  box.value = box.value.replace('src="/', 'src="' + location.origin + "/");
});
if (window.vegaEmbed) {
  document.querySelectorAll(".vega[data-spec]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    vegaEmbed(el, spec, {
      actions: false, renderer: "svg", ast: true, defaultStyle: false,
      tooltip: {disableDefaultStyle: true}
    });
  });
}
