// Renders every <div class="chart"> with Vega-Lite: the spec is inline JSON in data-spec, or fetched
// from data-spec-url. Expressions run through vega-embed's interpreter (ast: true): the CSP forbids eval.
(function () {
  "use strict";

  function embed(element, spec) {
    return window.vegaEmbed(element, spec, {
      actions: false,
      renderer: "svg",
      ast: true,  // vega-embed then evaluates expressions with its interpreter instead of Function()
      defaultStyle: false,
      tooltip: false
    }).then(function () {
      element.classList.add("chart-ready");
    });
  }

  function fail(element, error) {
    element.classList.add("chart-error");
    element.textContent = "Chart could not be drawn: " + error;
  }

  function render(element) {
    if (element.dataset.spec) {
      let spec;
      try {
        spec = JSON.parse(element.dataset.spec);
      } catch (error) {
        fail(element, error);
        return;
      }
      embed(element, spec).catch(function (error) { fail(element, error); });
    } else if (element.dataset.specUrl) {
      fetch(element.dataset.specUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (spec) { return embed(element, spec); })
        .catch(function (error) { fail(element, error); });
    }
  }

  function renderAll() {
    if (!window.vegaEmbed) { return; }
    document.querySelectorAll("div.chart").forEach(render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
