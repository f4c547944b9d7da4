// Draws the steering charts. Each chart's data sits in a <script type="application/json"> next to
// its canvas (no inline script: the CSP forbids it); the table under each chart carries the same
// figures for screen readers and for anyone without JavaScript.
(function () {
  "use strict";

  // Colour-blind-safe palette (Okabe–Ito), brand colour first.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

  function brandColour() {
    const value = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim();
    return value || PALETTE[0];
  }

  function colours(count) {
    const list = [brandColour()].concat(PALETTE.slice(1));
    return Array.from({ length: count }, (_, i) => list[i % list.length]);
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    const spec = JSON.parse(source.textContent);
    if (!spec || !spec.labels || spec.labels.length === 0) {
      return;
    }
    const pie = spec.type === "doughnut" || spec.type === "pie";
    // A chart whose categories have colours of their own (green, orange, red follow-up) keeps them.
    const seriesColours = spec.colours
      ? spec.colours.map((colour) => colour || "#767676")
      : colours(pie ? spec.labels.length : spec.datasets.length);
    const datasets = spec.datasets.map((dataset, i) => ({
      label: dataset.label,
      data: dataset.data,
      backgroundColor: pie ? seriesColours : seriesColours[i],
      borderColor: pie ? "#fff" : seriesColours[i],
      borderWidth: spec.type === "line" ? 2 : 1,
      tension: 0.2,
      fill: false,
    }));
    const suffix = spec.percent ? " %" : "";
    // On a narrow screen the long category names of a horizontal chart (« Accueil provisoire (art.
    // L.222-5 CASF) ») would take the whole width: they are shortened there, the table below has them whole.
    const maxLabel = canvas.parentElement.clientWidth < 600 ? 16 : 40;
    const shorten = function (value) {
      const label = String(this.getLabelForValue(value));
      return label.length > maxLabel ? `${label.slice(0, maxLabel - 1).trimEnd()}…` : label;
    };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 300 },
        indexAxis: spec.horizontal ? "y" : "x",
        locale: "fr-FR",
        plugins: {
          legend: { display: datasets.length > 1 || pie, position: "bottom" },
          tooltip: {
            callbacks: {
              // A doughnut's tooltip has no title: name the slice, not the series.
              label: (item) => `${pie ? item.label : item.dataset.label} : ${item.formattedValue}${suffix}`,
            },
          },
        },
        scales: pie
          ? {}
          : {
              x: { beginAtZero: true, ticks: { precision: 0 } },
              y: { beginAtZero: true, ticks: spec.horizontal ? { precision: 0, callback: shorten } : { precision: 0 } },
            },
      },
    });
  }

  function init() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
