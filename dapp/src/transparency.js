// Transparency: the cooperative's books from /v1/ledger — revenue in, where it went per pool,
// the reserve — reconciled to the token's last unit (what came in = what was claimed + what waits
// to be claimed + the reserve + the rounding remainder), as figures and charts; and the gas fund
// the relay pays members' gas from.
import { api } from "./api.js";
import { TEXT, ether, relayInfo } from "./relay.js";
import { state } from "./state.js";
import { h, fill, amount, stat } from "./ui.js";
import { t, tn, formatNumber } from "./i18n.js";
import { cumulative, timeChart } from "./charts.js";

let figures, reconcile, dust, chart, pools, fund, lastHistory = "";
let poolNames = new Map();

export function mount(el) {
  lastHistory = "";
  figures = h("div", { class: "grid", id: "ledger-figures" });
  reconcile = h("div", { class: "card", id: "ledger-reconcile" });
  dust = h("p", { class: "muted", id: "ledger-dust" });
  chart = h("div", { class: "chart", id: "ledger-chart" });
  pools = h("div", { id: "ledger-pools" });
  fund = h("div", { class: "grid", id: "gas-fund" });
  fill(el, h("h2", {}, t("ledger.title")),
    h("p", { class: "muted" }, t("ledger.intro")),
    figures,
    h("h3", {}, t("ledger.reconcileTitle")), reconcile, dust,
    h("h3", {}, t("ledger.chartTitle")), h("div", { class: "card" }, chart),
    h("h3", {}, t("ledger.poolsTitle")), h("div", { class: "card" }, pools),
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

function percent(bps) {
  return `${formatNumber(bps / 100, { maximumFractionDigits: 2 })}%`;
}

/** One line of the reconciliation: an operator, a label and the exact amount. */
function line(op, label, raw, attrs = {}) {
  const token = state.config.payment_token;
  return [h("div", { class: attrs.total ? "total" : "" }, h("span", { class: "op" }, op ? `${op} ` : ""), label),
    h("div", { class: `num ${attrs.total ? "total" : ""}`, id: attrs.id, "data-raw": raw.toString() }, amount(raw, token.decimals, token.symbol))];
}

export async function refresh() {
  const [ledger, poolList] = await Promise.all([api("/v1/ledger"), api("/v1/pools").catch(() => null)]);
  if (poolList) poolNames = new Map(poolList.map((p) => [String(p.id), p.name]));
  refreshFund(ledger.relay).catch(() => fill(fund, h("p", { class: "muted" }, TEXT.unavailable)));
  const token = state.config.payment_token;
  const fmt = (v) => amount(v, token.decimals, token.symbol);
  const split = ledger.split;
  fill(figures,
    stat(t("ledger.deposited"), fmt(ledger.deposited), { "data-raw": ledger.deposited, id: "ledger-deposited" }),
    stat(t("ledger.toContributors", { percent: percent(split.contributors_bps) }), fmt(ledger.to_contributors), { id: "ledger-to-contributors", "data-raw": ledger.to_contributors }),
    stat(t("ledger.toWorkers", { percent: percent(split.workers_bps) }), fmt(ledger.to_workers), { id: "ledger-to-workers", "data-raw": ledger.to_workers }),
    stat(t("ledger.toReserve", { percent: percent(split.reserve_bps) }), fmt(ledger.to_reserve), { id: "ledger-to-reserve", "data-raw": ledger.to_reserve }),
    stat(t("ledger.indexed"), ledger.indexed_block ?? "—"));

  // Every unit accounted for: claimed + claimable + reserve kept + reserve spent + remainder.
  const deposited = BigInt(ledger.deposited);
  const claimed = BigInt(ledger.claimed);
  const claimable = BigInt(ledger.claimable);
  // The distributor's reserve holds what accrued since its last release (reserve_accrued); the
  // releases so far went to the treasury (reserve_released).
  const held = BigInt(ledger.reserve_accrued);
  const released = BigInt(ledger.reserve_released);
  const remainder = deposited - claimed - claimable - held - released;
  fill(reconcile, h("div", { class: "reconcile" },
    line("", t("ledger.claimed"), claimed, { id: "ledger-claimed" }),
    line("+", t("ledger.claimable"), claimable, { id: "ledger-claimable" }),
    line("+", t("ledger.reserveHeld"), held, { id: "ledger-reserve-held" }),
    line("+", t("ledger.reserveReleased"), released, { id: "ledger-reserve-released" }),
    line("+", t("ledger.remainder"), remainder, { id: "ledger-remainder" }),
    line("=", t("ledger.depositedTotal"), deposited, { id: "ledger-total", total: true })));
  reconcile.dataset.balanced = String(remainder >= 0n);
  const unit = amount(1n, token.decimals, token.symbol);
  const units = remainder < 0n ? 0n : remainder;
  fill(dust, remainder < 0n ? h("strong", { class: "error" }, t("ledger.unbalanced", { missing: fmt(-remainder) }))
    : units === 0n ? t("ledger.noRemainder") : [tn("ledger.remainderUnits", units, { unit }), " ", t("ledger.remainderWhy", { unit })]);

  const key = JSON.stringify(ledger.history);
  if (key !== lastHistory) {
    lastHistory = key;
    const scale = 10 ** token.decimals;
    const events = ledger.history.flatMap((d) => ["to_contributors", "to_workers", "to_reserve"].map((k) => ({ t: d.timestamp, key: k, amount: Number(d[k]) / scale })));
    const { xs, values } = cumulative(events, ["to_contributors", "to_workers", "to_reserve"]);
    timeChart(chart, xs, [
      { label: t("ledger.seriesContributors"), values: values.to_contributors },
      { label: t("ledger.seriesWorkers"), values: values.to_workers },
      { label: t("ledger.seriesReserve"), values: values.to_reserve },
    ], { unit: token.symbol });
  }
  const max = ledger.pools.reduce((m, p) => (BigInt(p.revenue) > m ? BigInt(p.revenue) : m), 0n);
  fill(pools, ledger.pools.length === 0 ? h("p", { class: "muted" }, t("ledger.noSales")) : [
    h("div", { class: "legend" }, h("span", {}, h("i", { class: "c0" }), t("ledger.seriesContributors")),
      h("span", {}, h("i", { class: "c1" }), t("ledger.seriesWorkers")), h("span", {}, h("i", { class: "c2" }), t("ledger.seriesReserve"))),
    ledger.pools.map((p) => {
      const revenue = BigInt(p.revenue);
      const share = (part) => (max === 0n ? 0 : Number((BigInt(part) * 10000n) / max) / 100);
      const name = poolNames.get(String(p.pool_id));
      return h("div", { class: "pool-revenue", "data-pool": p.pool_id, style: "margin:.6rem 0" },
        h("div", { class: "row" }, h("strong", {}, name ? t("ledger.poolNamed", { name, id: p.pool_id }) : t("ledger.pool", { id: p.pool_id })),
          h("span", { class: "muted" }, tn("ledger.sales", p.purchases, { amount: fmt(revenue) }))),
        h("div", { class: "stack", role: "img", "aria-label": t("ledger.stackLabel", { contributors: fmt(p.to_contributors), workers: fmt(p.to_workers), reserve: fmt(p.to_reserve) }) },
          h("span", { class: "c0", style: `width:${share(p.to_contributors)}%` }),
          h("span", { class: "c1", style: `width:${share(p.to_workers)}%` }),
          h("span", { class: "c2", style: `width:${share(p.to_reserve)}%` })),
        h("p", { class: "muted", style: "margin:.2rem 0 0;font-size:.8rem" }, t("ledger.poolSplit", { contributors: fmt(p.to_contributors), workers: fmt(p.to_workers), reserve: fmt(p.to_reserve) })));
    })]);
}
