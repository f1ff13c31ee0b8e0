// Earnings: claimable (read from the RevenueDistributor) and claimed per pool and for curation
// work, one claim for all of them, and a chart of earnings over time.
import { api } from "./api.js";
import { read } from "./chain.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, units, stat, errorText } from "./ui.js";
import { cumulative, timeChart } from "./charts.js";

let summary, table, claimButton, message, chart;
let claimablePots = [];
let lastHistory = "";

export function mount(el) {
  summary = h("div", { class: "grid", id: "earnings-summary" });
  table = h("div", { class: "table-wrap", id: "earnings-table" });
  message = h("p", { id: "claim-message", class: "muted" });
  claimButton = h("button", { id: "claim", type: "button", onclick: claim, disabled: true }, "Claim everything");
  chart = h("div", { class: "chart", id: "earnings-chart" });
  fill(el, h("h2", {}, "Earnings"),
    h("p", { class: "muted" }, "Each sale of a pool pays its contributors pro rata to the weight of their accepted contributions; curators share the workers' part. Earnings wait here until you claim them."),
    summary, h("div", { class: "card" }, table, h("p", {}, claimButton), message),
    h("h3", {}, "Over time"), h("div", { class: "card" }, chart));
}

async function claim() {
  claimButton.disabled = true;
  try {
    const receipt = await sendTx({ label: "Claim earnings", contract: "RevenueDistributor", functionName: "claimMany", args: [claimablePots] });
    fill(message, h("span", { class: "ok" }, `Claimed in block ${receipt.blockNumber}.${paidNote(receipt)}`));
  } catch (err) {
    fill(message, h("span", { class: "error" }, errorText(err)));
  }
  refresh();
}

function potName(potId) {
  return potId === state.config.work_pot ? "Curation work" : `Pool #${potId}`;
}

export async function refresh() {
  if (!state.account) { fill(table, h("p", { class: "muted" }, "Connect your wallet to see your earnings.")); return; }
  const token = state.config.payment_token;
  const fmt = (v) => `${units(v, token.decimals)} ${token.symbol}`;
  const pools = await api("/v1/pools");
  const claimed = new Map((state.member?.earnings || []).map((e) => [e.pot_id, BigInt(e.claimed)]));
  const potIds = [...pools.map((p) => String(p.id)), state.config.work_pot];
  const claimables = await Promise.all(potIds.map((pot) => read("RevenueDistributor", "claimable", [BigInt(pot), state.account])));
  let total = 0n;
  let totalClaimed = 0n;
  claimablePots = [];
  const rows = potIds.map((pot, i) => {
    const amount = claimables[i];
    const done = claimed.get(pot) || 0n;
    total += amount;
    totalClaimed += done;
    if (amount > 0n) claimablePots.push(BigInt(pot));
    if (amount === 0n && done === 0n) return null;
    return h("tr", { "data-pot": pot, "data-claimable": amount.toString(), "data-claimed": done.toString() },
      h("td", {}, potName(pot)), h("td", { class: "num" }, fmt(amount)), h("td", { class: "num" }, fmt(done)));
  }).filter(Boolean);
  fill(summary,
    stat("Claimable now", fmt(total), { id: "claimable-total", "data-raw": total.toString() }),
    stat("Claimed so far", fmt(totalClaimed), { id: "claimed-total", "data-raw": totalClaimed.toString() }));
  fill(table, rows.length
    ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "From"), h("th", { class: "num" }, "Claimable"), h("th", { class: "num" }, "Claimed"))), h("tbody", {}, rows))
    : h("p", { class: "muted" }, "No earnings yet: they come once your accepted contributions are sold."));
  claimButton.disabled = total === 0n;
  const history = state.member?.earnings_history || [];
  const key = JSON.stringify(history);
  if (key !== lastHistory) {
    lastHistory = key;
    const scale = 10 ** token.decimals;
    const events = history.map((e) => ({ t: e.timestamp, key: e.kind, amount: Number(e.amount) / scale }));
    const { xs, values } = cumulative(events, ["accrued", "claimed"]);
    timeChart(chart, xs, [{ label: `Earned (${token.symbol})`, values: values.accrued }, { label: `Claimed (${token.symbol})`, values: values.claimed }]);
  }
}
