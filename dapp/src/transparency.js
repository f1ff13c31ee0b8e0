// Transparency: the cooperative's books from /v1/ledger — revenue in, where it went per pool,
// the reserve — as figures and charts; and the gas fund the relay pays members' gas from.
import { api } from "./api.js";
import { TEXT, ether, relayInfo } from "./relay.js";
import { state } from "./state.js";
import { h, fill, units, stat } from "./ui.js";
import { cumulative, timeChart } from "./charts.js";

let figures, chart, pools, fund, lastHistory = "";

export function mount(el) {
  figures = h("div", { class: "grid", id: "ledger-figures" });
  chart = h("div", { class: "chart", id: "ledger-chart" });
  pools = h("div", { id: "ledger-pools" });
  fund = h("div", { class: "grid", id: "gas-fund" });
  fill(el, h("h2", {}, "Transparency"),
    h("p", { class: "muted" }, "Every payment is split on-chain: contributors, curators (workers) and the cooperative's reserve. Not one cent is created or lost: deposited = claimed + claimable + reserve."),
    figures, h("h3", {}, "Revenue over time"), h("div", { class: "card" }, chart),
    h("h3", {}, "Per pool"), h("div", { class: "card" }, pools),
    h("h3", {}, TEXT.fund), h("p", { class: "muted" }, TEXT.fundIntro), fund);
}

async function refreshFund(totals) {
  const { relayer } = await relayInfo();
  fill(fund,
    stat(TEXT.fundBalance, `${ether(relayer.balance_wei)} ETH`, { id: "fund-balance", "data-raw": relayer.balance_wei }),
    stat(TEXT.fundSpent, `${ether(relayer.spent_wei_7d)} ETH`, { id: "fund-spent", "data-raw": relayer.spent_wei_7d }),
    stat(TEXT.fundDays, TEXT.days(relayer.days_left), { id: "fund-days" }),
    totals && stat(TEXT.fundActions, totals.count, { id: "fund-actions", "data-raw": totals.count }),
    totals && stat(TEXT.fundPaid, `${ether(totals.cost_wei)} ETH`, { id: "fund-paid", "data-raw": totals.cost_wei }));
}

export async function refresh() {
  const ledger = await api("/v1/ledger");
  refreshFund(ledger.relay).catch(() => fill(fund, h("p", { class: "muted" }, TEXT.unavailable)));
  const token = state.config.payment_token;
  const fmt = (v) => `${units(v, token.decimals)} ${token.symbol}`;
  const split = ledger.split;
  fill(figures,
    stat("Revenue in", fmt(ledger.deposited), { "data-raw": ledger.deposited, id: "ledger-deposited" }),
    stat(`Contributors (${split.contributors_bps / 100}%)`, fmt(ledger.to_contributors)),
    stat(`Workers (${split.workers_bps / 100}%)`, fmt(ledger.to_workers)),
    stat(`Reserve (${split.reserve_bps / 100}%)`, fmt(ledger.to_reserve)),
    stat("Claimed by members", fmt(ledger.claimed)),
    stat("Waiting to be claimed", fmt(ledger.claimable)),
    stat("Reserve released", fmt(ledger.reserve_released)),
    stat("Indexed up to block", ledger.indexed_block ?? "—"));
  const key = JSON.stringify(ledger.history);
  if (key !== lastHistory) {
    lastHistory = key;
    const scale = 10 ** token.decimals;
    const events = ledger.history.flatMap((d) => ["to_contributors", "to_workers", "to_reserve"].map((k) => ({ t: d.timestamp, key: k, amount: Number(d[k]) / scale })));
    const { xs, values } = cumulative(events, ["to_contributors", "to_workers", "to_reserve"]);
    timeChart(chart, xs, [
      { label: "Contributors", values: values.to_contributors },
      { label: "Workers", values: values.to_workers },
      { label: "Reserve", values: values.to_reserve },
    ]);
  }
  const max = ledger.pools.reduce((m, p) => (BigInt(p.revenue) > m ? BigInt(p.revenue) : m), 0n);
  fill(pools, ledger.pools.length === 0 ? h("p", { class: "muted" }, "No sales yet.") : [
    h("div", { class: "legend" }, h("span", {}, h("i", { class: "c0" }), "contributors"), h("span", {}, h("i", { class: "c1" }), "workers"), h("span", {}, h("i", { class: "c2" }), "reserve")),
    ledger.pools.map((p) => {
      const revenue = BigInt(p.revenue);
      const share = (part) => (max === 0n ? 0 : Number((BigInt(part) * 10000n) / max) / 100);
      return h("div", { class: "pool-revenue", "data-pool": p.pool_id, style: "margin:.6rem 0" },
        h("div", { class: "row" }, h("strong", {}, `Pool #${p.pool_id}`), h("span", { class: "muted" }, `${fmt(revenue)} from ${p.purchases} ${p.purchases === 1 ? "sale" : "sales"}`)),
        h("div", { class: "stack", role: "img", "aria-label": `contributors ${fmt(p.to_contributors)}, workers ${fmt(p.to_workers)}, reserve ${fmt(p.to_reserve)}` },
          h("span", { class: "c0", style: `width:${share(p.to_contributors)}%` }),
          h("span", { class: "c1", style: `width:${share(p.to_workers)}%` }),
          h("span", { class: "c2", style: `width:${share(p.to_reserve)}%` })));
    })]);
}
