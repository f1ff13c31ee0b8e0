// Earnings: claimable (read from the RevenueDistributor) and claimed per pool and for curation
// work, one claim for all of them, and a chart of earnings over time.
import { api } from "./api.js";
import { read } from "./chain.js";
import { claimBatch, memberBatches } from "./batch.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, amount, stat, errorText } from "./ui.js";
import { t, tn, formatNumber } from "./i18n.js";
import { cumulative, timeChart } from "./charts.js";

let summary, table, claimButton, message, chart, batchTable, batchMessage;
let claimablePots = [];
let lastHistory = "";

export function mount(el) {
  summary = h("div", { class: "grid", id: "earnings-summary" });
  table = h("div", { class: "table-wrap", id: "earnings-table" });
  message = h("p", { id: "claim-message", class: "muted" });
  claimButton = h("button", { id: "claim", type: "button", onclick: claim, disabled: true }, t("earnings.claimAll"));
  chart = h("div", { class: "chart", id: "earnings-chart" });
  lastHistory = ""; // a new chart element (mount runs again on a language change): draw again
  batchTable = h("div", { class: "table-wrap", id: "batch-earnings" });
  batchMessage = h("p", { id: "batch-claim-message", class: "muted" });
  fill(el, h("h2", {}, t("earnings.title")),
    h("p", { class: "muted" }, t("earnings.intro")),
    summary, h("div", { class: "card" }, table, h("p", {}, claimButton), message),
    h("h3", {}, t("earnings.fromBatches")),
    h("div", { class: "card" },
      h("p", { class: "muted" }, t("earnings.batchesIntro")),
      batchTable, batchMessage),
    h("h3", {}, t("earnings.overTime")), h("div", { class: "card" }, chart));
}

async function claim() {
  claimButton.disabled = true;
  try {
    const receipt = await sendTx({ label: t("earnings.tx.claim"), contract: "RevenueDistributor", functionName: "claimMany", args: [claimablePots] });
    fill(message, h("span", { class: "ok" }, `${t("earnings.claimed", { block: formatNumber(receipt.blockNumber) })}${paidNote(receipt)}`));
  } catch (err) {
    fill(message, h("span", { class: "error" }, errorText(err)));
  }
  refresh();
}

async function claimFromBatch(batch, button) {
  button.disabled = true;
  try {
    const receipt = await claimBatch(batch);
    fill(batchMessage, h("span", { class: "ok" }, `${t("earnings.claimedBatch", { id: batch.batch_id, block: formatNumber(receipt.blockNumber) })}${paidNote(receipt)}`));
  } catch (err) {
    fill(batchMessage, h("span", { class: "error" }, errorText(err)));
  }
  refresh();
}

/** The member's accepted batches: what each would pay now, and its claim. */
async function renderBatches(fmt, poolNames) {
  const accepted = (await memberBatches()).filter((b) => b.status === "accepted");
  if (!accepted.length) {
    fill(batchTable, h("p", { class: "muted" }, t("earnings.noBatches")));
    return 0n;
  }
  let total = 0n;
  fill(batchTable, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, t("earnings.col.batch")), h("th", { class: "num" }, t("earnings.col.claimable")), h("th", {}, ""))),
    h("tbody", {}, accepted.map((batch) => {
      const owed = BigInt(batch.claimable);
      total += owed;
      const button = h("button", { class: "claim-batch", type: "button", disabled: owed === 0n }, t("earnings.claim"));
      button.addEventListener("click", () => claimFromBatch(batch, button));
      const files = tn("earnings.files", batch.leaves.length);
      return h("tr", { "data-batch-id": batch.batch_id, "data-claimable": owed.toString() },
        h("td", {}, t("earnings.batchName", { id: batch.batch_id, pool: poolNames.get(String(batch.pool_id)) || t("contribute.poolNumber", { id: batch.pool_id }) }), h("div", { class: "muted" }, files)),
        h("td", { class: "num" }, fmt(owed)),
        h("td", {}, button));
    }))));
  return total;
}

function potName(potId, poolNames) {
  if (potId === state.config.work_pot) return t("earnings.workPot");
  return poolNames.get(String(potId)) || t("contribute.poolNumber", { id: potId });
}

export async function refresh() {
  if (!state.account) { fill(table, h("p", { class: "muted" }, t("earnings.connectFirst"))); return; }
  const token = state.config.payment_token;
  const fmt = (v) => amount(v, token.decimals, token.symbol);
  const pools = await api("/v1/pools");
  const poolNames = new Map(pools.map((p) => [String(p.id), p.name]));
  const claimed = new Map((state.member?.earnings || []).map((e) => [e.pot_id, BigInt(e.claimed)]));
  const potIds = [...pools.map((p) => String(p.id)), state.config.work_pot];
  const claimables = await Promise.all(potIds.map((pot) => read("RevenueDistributor", "claimable", [BigInt(pot), state.account])));
  let total = 0n;
  let totalClaimed = 0n;
  claimablePots = [];
  const rows = potIds.map((pot, i) => {
    const owed = claimables[i];
    const done = claimed.get(pot) || 0n;
    total += owed;
    totalClaimed += done;
    if (owed > 0n) claimablePots.push(BigInt(pot));
    if (owed === 0n && done === 0n) return null;
    return h("tr", { "data-pot": pot, "data-claimable": owed.toString(), "data-claimed": done.toString() },
      h("td", {}, potName(pot, poolNames)), h("td", { class: "num" }, fmt(owed)), h("td", { class: "num" }, fmt(done)));
  }).filter(Boolean);
  const fromBatches = await renderBatches(fmt, poolNames);
  fill(summary,
    stat(t("earnings.claimablePools"), fmt(total), { id: "claimable-total", "data-raw": total.toString() }),
    stat(t("earnings.claimableBatches"), fmt(fromBatches), { id: "batch-claimable-total", "data-raw": fromBatches.toString() }),
    stat(t("earnings.claimedPools"), fmt(totalClaimed), { id: "claimed-total", "data-raw": totalClaimed.toString() }));
  fill(table, rows.length
    ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("earnings.col.from")), h("th", { class: "num" }, t("earnings.col.claimable")), h("th", { class: "num" }, t("earnings.col.claimed")))), h("tbody", {}, rows))
    : h("p", { class: "muted" }, t("earnings.nothingYet")));
  claimButton.disabled = total === 0n;
  const history = state.member?.earnings_history || [];
  const key = JSON.stringify(history);
  if (key !== lastHistory) {
    lastHistory = key;
    const scale = 10 ** token.decimals;
    const events = history.map((e) => ({ t: e.timestamp, key: e.kind, amount: Number(e.amount) / scale }));
    if (!events.length) { fill(chart, h("p", { class: "muted" }, t("earnings.chart.empty"))); return; }
    const { xs, values } = cumulative(events, ["accrued", "claimed"]);
    timeChart(chart, xs, [{ label: t("earnings.chart.earned", { symbol: token.symbol }), values: values.accrued }, { label: t("earnings.chart.claimed", { symbol: token.symbol }), values: values.claimed }]);
  }
}
