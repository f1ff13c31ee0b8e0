// Earnings: claimable (read from the RevenueDistributor) and claimed per pool and for curation
// work, one claim for all of them, and a chart of earnings over time.
import { api } from "./api.js";
import { read } from "./chain.js";
import { claimBatch, memberBatches } from "./batch.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, units, stat, errorText } from "./ui.js";
import { cumulative, timeChart } from "./charts.js";

let summary, table, claimButton, message, chart, batchTable, batchMessage;
let claimablePots = [];
let lastHistory = "";

export function mount(el) {
  summary = h("div", { class: "grid", id: "earnings-summary" });
  table = h("div", { class: "table-wrap", id: "earnings-table" });
  message = h("p", { id: "claim-message", class: "muted" });
  claimButton = h("button", { id: "claim", type: "button", onclick: claim, disabled: true }, "Claim everything");
  chart = h("div", { class: "chart", id: "earnings-chart" });
  batchTable = h("div", { class: "table-wrap", id: "batch-earnings" });
  batchMessage = h("p", { id: "batch-claim-message", class: "muted" });
  fill(el, h("h2", {}, "Earnings"),
    h("p", { class: "muted" }, "Each sale of a pool pays its contributors pro rata to the weight of their accepted contributions; curators share the workers' part. Earnings wait here until you claim them."),
    summary, h("div", { class: "card" }, table, h("p", {}, claimButton), message),
    h("h3", {}, "From batches"),
    h("div", { class: "card" },
      h("p", { class: "muted" }, "Files registered in a batch earn from the day its curator confirms it. One claim per batch pays every file of yours in it."),
      batchTable, batchMessage),
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

async function claimFromBatch(batch, button) {
  button.disabled = true;
  try {
    const receipt = await claimBatch(batch);
    fill(batchMessage, h("span", { class: "ok" }, `Claimed from batch #${batch.batch_id} in block ${receipt.blockNumber}.${paidNote(receipt)}`));
  } catch (err) {
    fill(batchMessage, h("span", { class: "error" }, errorText(err)));
  }
  refresh();
}

/** The member's accepted batches: what each would pay now, and its claim. */
async function renderBatches(fmt) {
  const accepted = (await memberBatches()).filter((b) => b.status === "accepted");
  if (!accepted.length) {
    fill(batchTable, h("p", { class: "muted" }, "None of your files is in an accepted batch yet."));
    return 0n;
  }
  let total = 0n;
  fill(batchTable, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "Batch"), h("th", { class: "num" }, "Claimable"), h("th", {}, ""))),
    h("tbody", {}, accepted.map((batch) => {
      const amount = BigInt(batch.claimable);
      total += amount;
      const button = h("button", { class: "claim-batch", type: "button", disabled: amount === 0n }, "Claim");
      button.addEventListener("click", () => claimFromBatch(batch, button));
      const files = batch.leaves.length === 1 ? "1 file" : `${batch.leaves.length} files`;
      return h("tr", { "data-batch-id": batch.batch_id, "data-claimable": amount.toString() },
        h("td", {}, `#${batch.batch_id}`, h("div", { class: "muted" }, files)),
        h("td", { class: "num" }, fmt(amount)),
        h("td", {}, button));
    }))));
  return total;
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
  const fromBatches = await renderBatches(fmt);
  fill(summary,
    stat("Claimable from pools", fmt(total), { id: "claimable-total", "data-raw": total.toString() }),
    stat("Claimable from batches", fmt(fromBatches), { id: "batch-claimable-total", "data-raw": fromBatches.toString() }),
    stat("Claimed from pools", fmt(totalClaimed), { id: "claimed-total", "data-raw": totalClaimed.toString() }));
  fill(table, rows.length
    ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "From"), h("th", { class: "num" }, "Claimable"), h("th", { class: "num" }, "Claimed"))), h("tbody", {}, rows))
    : h("p", { class: "muted" }, "Nothing from pools yet: contributions registered on their own, and curation work, earn here once sold."));
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
