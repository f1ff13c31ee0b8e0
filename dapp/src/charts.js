// Time-series charts (uPlot), sized to their container so they fit a phone screen.
import uPlot from "uplot";
import { h, fill } from "./ui.js";

const COLOURS = ["#7a4f1d", "#c98a2e", "#4f7a52", "#8a8a8a", "#b3261e"];

/**
 * Draws a stepped line chart into `el`: `xs` unix seconds, `series` [{label, values}], values in
 * display units (numbers). Replaces any previous chart in `el`.
 */
export function timeChart(el, xs, series, { height = 220 } = {}) {
  if (!xs.length) { fill(el, h("p", { class: "muted" }, "Nothing to chart yet.")); return; }
  const width = Math.max(260, Math.floor(el.getBoundingClientRect().width || el.parentElement?.clientWidth || 320));
  const opts = {
    width,
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    scales: { x: { time: true } },
    axes: [{}, { size: 60 }],
    series: [{}, ...series.map((s, i) => ({
      label: s.label,
      stroke: COLOURS[i % COLOURS.length],
      width: 2,
      paths: uPlot.paths.stepped({ align: 1 }),
    }))],
  };
  fill(el);
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
