// "How it works": a one-page explainer of the cooperative in plain words, from the catalogues
// (guide.*): who the members are, pools and purposes, how revenue is shared, quadratic voting
// with worked examples, epochs, the timelock and data strikes. The figures that governance can
// change (the split, the voting times, the timelock's delay) are read live when they can be.
import { api } from "./api.js";
import { read } from "./chain.js";
import { state } from "./state.js";
import { h, fill } from "./ui.js";
import { t, formatNumber } from "./i18n.js";

let facts;

function section(id, ...children) {
  return h("section", { id: `guide-${id}`, class: "card" }, h("h3", {}, t(`guide.${id}.title`)), children);
}

function para(key, params) {
  return h("p", {}, t(key, params));
}

function duration(seconds) {
  const s = Number(seconds);
  if (s >= 86400 && s % 3600 === 0) return t("guide.days", { n: formatNumber(s / 86400, { maximumFractionDigits: 1 }) });
  if (s >= 3600) return t("guide.hours", { n: formatNumber(s / 3600, { maximumFractionDigits: 1 }) });
  if (s >= 60) return t("guide.minutes", { n: formatNumber(s / 60, { maximumFractionDigits: 1 }) });
  return t("guide.seconds", { n: formatNumber(s) });
}

export function mount(el) {
  facts = h("p", { class: "muted", id: "guide-facts" });
  const costs = h("table", { id: "guide-costs" },
    h("thead", {}, h("tr", {}, h("th", {}, t("guide.qv.votes")), h("th", { class: "num" }, t("guide.qv.cost")))),
    h("tbody", {}, [1, 2, 3, 4, 5].map((n) => h("tr", {}, h("td", {}, String(n)), h("td", { class: "num" }, t("guide.qv.costCell", { n, cost: n * n }))))));
  fill(el, h("div", { class: "guide" },
    h("h2", {}, t("guide.title")),
    h("p", {}, t("guide.intro")),
    section("classes", para("guide.classes.intro"),
      h("dl", {}, state.config.classes.map((c) => [h("dt", {}, t(`guide.classes.${c}`)), h("dd", {}, t(`guide.classes.${c}.text`))]))),
    section("pools", para("guide.pools.text"), para("guide.pools.purposes"),
      h("ul", {}, state.config.purposes.map((p) => h("li", {}, h("strong", {}, t(`guide.purpose.${p}`)), " — ", t(`guide.purpose.${p}.text`))))),
    section("revenue", para("guide.revenue.text"),
      h("ol", {}, ["contributors", "workers", "reserve"].map((k) => h("li", { id: `guide-split-${k}` }, t(`guide.revenue.${k}`, { percent: "…" })))),
      para("guide.revenue.proRata"),
      h("p", { class: "example", id: "guide-revenue-example" }, t("guide.revenue.example")),
      para("guide.revenue.dust")),
    section("voting", para("guide.qv.text"), h("div", { class: "table-wrap" }, costs),
      h("p", { class: "example", id: "guide-qv-example" }, t("guide.qv.example")),
      para("guide.qv.one"), para("guide.qv.classes"), para("guide.qv.quorum")),
    section("epochs", para("guide.epochs.text")),
    section("timelock", para("guide.timelock.text"), h("ol", {}, ["propose", "wait", "vote", "queue", "execute"].map((s) => h("li", {}, t(`guide.timelock.${s}`))))),
    section("strike", para("guide.strike.text"), para("guide.strike.how")),
    section("books", para("guide.books.text")),
    facts));
}

export async function refresh() {
  const live = [];
  try {
    const ledger = await api("/v1/ledger");
    const split = { contributors: ledger.split.contributors_bps, workers: ledger.split.workers_bps, reserve: ledger.split.reserve_bps };
    for (const [k, bps] of Object.entries(split)) {
      const item = document.getElementById(`guide-split-${k}`);
      if (item) item.textContent = t(`guide.revenue.${k}`, { percent: `${formatNumber(bps / 100, { maximumFractionDigits: 2 })}%` });
    }
  } catch { /* the split stays as "…" */ }
  if (state.config && (state.config.public_rpc_url || state.account)) {
    try {
      const [delay, period] = await Promise.all([read("CoopGovernor", "votingDelay"), read("CoopGovernor", "votingPeriod")]);
      live.push(t("guide.facts.voting", { delay: duration(delay), period: duration(period) }));
      if (state.config.contracts.TimelockController) {
        const minDelay = await read("TimelockController", "getMinDelay");
        live.push(t("guide.facts.timelock", { delay: duration(minDelay) }));
      }
    } catch { /* no chain to read: the explainer stands without the figures */ }
  }
  fill(facts, live.join(" "));
}
