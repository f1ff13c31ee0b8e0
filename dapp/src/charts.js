// Time-series charts (uPlot), sized to their container so they fit a phone screen: the unit above
// the chart, the y axis in the page's number format, the x axis in short local dates spaced so
// labels never overlap, and the legend wrapping under the chart.
import uPlot from "uplot";
import { h, fill } from "./ui.js";
import { t, formatNumber, locale } from "./i18n.js";

const COLOURS = ["#7a4f1d", "#c98a2e", "#4f7a52", "#8a8a8a", "#b3261e"];

/** Tick labels for unix-second ticks: times within a day, else day and month (year if mixed). */
function timeLabels(ticks) {
  if (!ticks.length) return [];
  const span = ticks[ticks.length - 1] - ticks[0];
  const options = span < 2 * 86400 ? { hour: "2-digit", minute: "2-digit" }
    : span < 300 * 86400 ? { day: "numeric", month: "short" } : { month: "short", year: "numeric" };
  const format = new Intl.DateTimeFormat(locale(), options);
  // Neighbouring ticks in the same minute (or day) would repeat a label: keep the first.
  return ticks.map((s) => format.format(new Date(s * 1000))).map((text, i, all) => (i && all[i - 1] === text ? "" : text));
}

/** Compact numbers for the y axis: 1.5k / 1,5 rb; exact amounts are in the figures beside. */
function valueLabels(ticks) {
  return ticks.map((v) => formatNumber(v, { notation: Math.abs(v) >= 10000 ? "compact" : "standard", maximumFractionDigits: 2 }));
}

/**
 * Draws a stepped line chart into `el`: `xs` unix seconds, `series` [{label, values}], values in
 * display units (numbers), `unit` (a token symbol) named above the chart. Replaces any previous
 * chart in `el`.
 */
export function timeChart(el, xs, series, { height = 220, unit } = {}) {
  if (!xs.length) { fill(el, h("p", { class: "muted chart-empty" }, t("chart.empty"))); return null; }
  const width = Math.max(260, Math.floor(el.getBoundingClientRect().width || el.parentElement?.clientWidth || 320));
  const opts = {
    width,
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    scales: { x: { time: true } },
    axes: [
      { space: width < 420 ? 90 : 110, values: (u, ticks) => timeLabels(ticks), size: 36, gap: 4 },
      { size: 52, space: 36, values: (u, ticks) => valueLabels(ticks), gap: 4 },
    ],
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: COLOURS[i % COLOURS.length],
      width: 2,
      paths: uPlot.paths.stepped({ align: 1 }),
    }))],
  };
  fill(el, unit ? h("p", { class: "chart-unit" }, t("chart.unit", { unit })) : null);
  // A single point draws nothing visible: start every chart one minute before the first event.
  const x = xs.length === 1 ? [xs[0] - 60, xs[0]] : xs;
  const data = [x, ...series.map((s) => (xs.length === 1 ? [0, s.values[0]] : s.values))];
  return new uPlot(opts, data, el);
}

/** Running totals of amounts keyed by time: [{t, key, amount(number)}] -> {xs, series}. */
export function cumulative(events, keys) {
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const xs = [];
  const totals = Object.fromEntries(keys.map((k) => [k, 0]));
  const values = Object.fromEntries(keys.map((k) => [k, []]));
  for (const event of sorted) {
    totals[event.key] += event.amount;
    if (xs.length && xs[xs.length - 1] === event.t) {
      for (const k of keys) values[k][values[k].length - 1] = totals[k];
    } else {
      xs.push(event.t);
      for (const k of keys) values[k].push(totals[k]);
    }
  }
  return { xs, values };
}
