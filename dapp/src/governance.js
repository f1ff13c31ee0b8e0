// Governance: proposals as sentences, with their state from the chain's clock (so voting opens on
// an idle chain without a block), per-class tallies and quorums, whether each passes now and why;
// quadratic voting with the cost shown and confirmed before signing, or the reason a member
// cannot vote; queue and execute; stewards propose price, split, class-weight, strike and other
// changes (calls the timelock makes once a vote passes), choosing pools and classes from lists.
import { decodeFunctionData, encodeAbiParameters, getAddress, isAddress } from "viem";
import { api } from "./api.js";
import { address, encode, read, reader } from "./chain.js";
import { sendTx } from "./tx.js";
import { state, rightChain } from "./state.js";
import { h, fill, pill, short, parseUnits, amount, errorText } from "./ui.js";
import { t, tn, formatDate, formatNumber, formatRelative } from "./i18n.js";

const SUPPORT = [["1", "gov.support.for"], ["0", "gov.support.against"], ["2", "gov.support.abstain"]];
const KINDS = ["price", "split", "weights", "strike", "expel", "overturn", "maxweight"];
const BPS = 10000;
let list, proposeCard, intro, you;
let pools = [];
let currentWeights = null;
let currentSplit = null;
const cards = new Map();

export function mount(el) {
  cards.clear();
  list = h("div", { id: "proposals" });
  proposeCard = h("div", { class: "card", id: "propose-card", hidden: true });
  intro = h("p", { class: "muted", id: "gov-intro" }, t("gov.intro"), " ",
    h("a", { href: "#guide" }, t("gov.introGuide")));
  you = h("p", { class: "muted", id: "gov-you" });
  buildProposeForm();
  fill(el, h("h2", {}, t("gov.title")), intro, you, list, proposeCard);
}

// ---- words for classes, pools, percentages and calls ----

function className(name) {
  return t(`gov.class.${name}`);
}

function percent(bps) {
  return `${formatNumber(Number(bps) / 100, { maximumFractionDigits: 2 })}%`;
}

function poolName(id) {
  const pool = pools.find((p) => BigInt(p.id) === BigInt(id));
  return pool ? t("gov.poolNamed", { name: pool.name, id: String(id) }) : t("gov.poolUnknown", { id: String(id) });
}

function money(raw) {
  const token = state.config.payment_token;
  return amount(raw, token.decimals, token.symbol);
}

/** {name, functionName, args} of a proposal's call, decoded against the ABIs the dApp has. */
function decodeAction(action) {
  const names = Object.keys(state.config.contracts);
  const name = names.find((n) => state.config.contracts[n].toLowerCase() === action.target.toLowerCase());
  if (!name) return { name: null };
  try {
    const { functionName, args } = decodeFunctionData({ abi: state.config.abis[name], data: action.calldata });
    return { name, functionName, args: args || [] };
  } catch {
    return { name, functionName: null, args: [] };
  }
}

/** The raw call, for the technical details under a sentence. */
function rawCall(action, decoded) {
  if (!decoded.name) return `${action.target} ${action.calldata}`;
  if (!decoded.functionName) return `${decoded.name}: ${action.calldata}`;
  const shown = decoded.args.map((a) => (Array.isArray(a) ? `[${a.join(", ")}]` : String(a)));
  return `${decoded.name}.${decoded.functionName}(${shown.join(", ")})`;
}

/** A proposal's call as a sentence a member reads. */
export function sentence(action) {
  const d = decodeAction(action);
  const a = d.args;
  const key = `${d.name}.${d.functionName}`;
  switch (key) {
    case "DataMarket.setPrice": return t("gov.do.price", { pool: poolName(a[0]), price: money(a[1]) });
    case "DataMarket.setGeneralStrike": return t(a[0] ? "gov.do.strikeAll" : "gov.do.strikeAllEnd");
    case "DataMarket.setBuyerStrike": return t(a[1] ? "gov.do.strikeBuyer" : "gov.do.strikeBuyerEnd", { buyer: short(a[0]) });
    case "RevenueDistributor.setSplit":
      return t("gov.do.split", { contributors: percent(a[0]), workers: percent(a[1]), reserve: percent(a[2]) });
    case "CoopGovernor.setClassWeights":
    case "CoopGovernor.setClassQuorums":
      return t(d.functionName === "setClassWeights" ? "gov.do.weights" : "gov.do.quorums", {
        weights: [...a[0]].map((w, c) => `${className(state.config.classes[c])} ${percent(w)}`).join(", "),
      });
    case "Membership.expel": return t("gov.do.expel", { member: short(a[0]) });
    case "ContributionRegistry.overturn":
      return Number(a[1]) === 0 ? t("gov.do.reject", { id: short(`0x${a[0].toString(16)}`, 8, 4) })
        : t("gov.do.reweight", { id: short(`0x${a[0].toString(16)}`, 8, 4), weight: formatNumber(Number(a[1])) });
    case "ContributionRegistry.overturnBatch": return t("gov.do.overturnBatch", { batch: String(a[0]) });
    case "ContributionRegistry.setPoolMaxWeight": return t("gov.do.maxWeight", { pool: poolName(a[0]), max: formatNumber(Number(a[1])) });
    default:
      if (!d.name) return t("gov.do.unknownTarget", { target: short(action.target) });
      return t("gov.do.generic", { contract: d.name, fn: d.functionName || action.calldata.slice(0, 10) });
  }
}

// ---- state from the chain's clock ----

/** The chain's clock now: the pending block's time (an idle chain's next block), never behind
 * the newest block nor, when the node has no pending block, the computer's clock. */
async function chainNow() {
  const client = reader();
  const latest = await client.getBlock();
  let pending = 0;
  try { pending = Number((await client.getBlock({ blockTag: "pending" })).timestamp); } catch { pending = Math.floor(Date.now() / 1000); }
  return Math.max(Number(latest.timestamp), pending);
}

/** Per class {members, needed, voters, reached, started}: the snapshot's members once voting is
 * open (also on an idle chain, where the API still says pending), none before. */
function quorums(p, started) {
  return p.tallies.map((x) => {
    const members = x.members || (started ? (x.members_at_snapshot ?? 0) : 0);
    const needed = x.members ? x.voters_needed : (started ? (x.voters_needed_at_snapshot ?? 0) : 0);
    return { ...x, members, needed, reached: started && x.voters >= needed, started };
  });
}

/** CoopGovernor's rule: Σ w_c·For_c/(For_c+Against_c) > ½·Σ w_c over the classes with members. */
function support(p, qs) {
  let share = 0;
  let total = 0;
  qs.forEach((q, c) => {
    if (q.members === 0 && q.voters === 0) return;
    const w = p.class_weights[c];
    total += w;
    const decided = q.for + q.against;
    if (decided) share += (w * q.for) / decided;
  });
  return { share, total, passing: total > 0 && 2 * share > total };
}

/** The proposal's state as the chain would give it now, from the API's view and the clock. */
function stateAt(p, now) {
  const s = p.state;
  if (s !== "pending" && s !== "active") return s;
  if (now <= p.vote_start) return "pending";
  if (now <= p.vote_end) return "active";
  const qs = quorums(p, true);
  return qs.every((q) => q.reached) && support(p, qs).passing ? "succeeded" : "defeated";
}

// ---- the member's credits for one proposal ----

/** n votes cost n² credits; a single vote is always possible and costs at most what is left. */
function voteCost(count, left) {
  const price = count * count;
  return count === 1n && left !== undefined && left < price ? left : price;
}

async function credits(p, now) {
  if (!state.account || !rightChain() || p.vote_start >= now) return null;
  const snapshot = BigInt(p.vote_start);
  // The pending block: on an idle chain, the newest block is older than the snapshot (a node
  // without pending blocks answers on the newest one).
  const c = reader();
  const gov = { address: address("CoopGovernor"), abi: state.config.abis.CoopGovernor };
  const call = (functionName, args) => c.readContract({ ...gov, functionName, args, blockTag: "pending" })
    .catch(() => c.readContract({ ...gov, functionName, args }));
  const [budget, [epoch], voted] = await Promise.all([
    call("getVotes", [state.account, snapshot]),
    call("epochAt", [snapshot]),
    call("hasVoted", [BigInt(p.id), state.account]),
  ]);
  const spent = await call("creditsSpent", [state.account, epoch]);
  return { budget, spent, left: budget > spent ? budget - spent : 0n, epoch, voted };
}

/** Why the connected account cannot vote on `p` now, or null when it can. */
function cannotVote(p, st, info, now) {
  if (st === "pending") return t("gov.why.notOpen", { when: formatRelative(p.vote_start, now) });
  if (st !== "active") return null;
  if (!state.account) return t("gov.why.connect");
  if (!rightChain()) return t("gov.why.chain");
  if (!state.onChain?.active) return t("gov.why.notMember");
  if (!info) return t("gov.why.loading");
  if (info.voted) return null;
  if (info.budget === 0n) return t("gov.why.joinedAfter", { date: formatDate(p.vote_start) });
  return null;
}

// ---- one proposal card, built once and updated in place so a half-filled vote survives ----

function buildCard(p) {
  const title = h("div", { class: "row proposal-title" });
  const times = h("p", { class: "muted proposal-times" });
  const verdict = h("p", { class: "verdict" });
  const tallies = h("div", { class: "table-wrap tallies" });
  const creditLine = h("p", { class: "credits" });
  const reason = h("p", { class: "vote-reason muted" });
  const voteBox = h("div", { class: "vote-box" });
  const actionsBox = h("div", { class: "lifecycle" });
  const message = h("p", { class: "proposal-message" });
  const n = h("input", { class: "vote-n", type: "number", min: 1, step: 1, value: 1, inputmode: "numeric", "aria-label": t("gov.votes") });
  const support_ = h("select", { class: "vote-support", "aria-label": t("gov.position") }, SUPPORT.map(([v, key]) => h("option", { value: v }, t(key))));
  const cost = h("p", { class: "vote-cost" });
  const confirm = h("div", { class: "card confirm vote-confirm", hidden: true });
  const voteButton = h("button", { class: "vote", type: "button" }, t("gov.voteButton"));
  const text = p.text ?? p.description;
  const root = h("article", { class: "card proposal", "data-proposal-id": p.id },
    title,
    h("ul", { class: "actions" }, p.actions.map((a) => {
      const decoded = decodeAction(a);
      return h("li", {}, h("strong", { class: "sentence" }, sentence(a)),
        h("details", { class: "raw" }, h("summary", {}, t("gov.technical")), h("code", { class: "mono" }, rawCall(a, decoded))));
    })),
    text && text !== sentence(p.actions[0] || { target: "0x", calldata: "0x" }) ? h("p", { class: "description" }, text) : null,
    times, verdict, tallies, creditLine, reason, voteBox, actionsBox, message);
  fill(voteBox, h("div", { class: "row" }, h("div", { style: "flex:1 1 6rem" }, h("label", {}, t("gov.votes")), n),
    h("div", { style: "flex:1 1 8rem" }, h("label", {}, t("gov.position")), support_)), cost, h("p", {}, voteButton), confirm);
  const card = { root, p, info: null };

  const votes = () => {
    const value = Number(n.value);
    return Number.isInteger(value) && value > 0 ? BigInt(value) : null;
  };
  const showCost = () => {
    const count = votes();
    if (count === null) { fill(cost, h("span", { class: "error" }, t("gov.wholeVotes"))); voteButton.disabled = true; return; }
    const left = card.info?.left;
    const price = voteCost(count, left);
    fill(cost, tn("gov.cost", count, { credits: tn("gov.credits", price) }),
      left === undefined ? "" : t("gov.costLeft", { left: formatNumber(left) }), ".",
      count === 1n && left !== undefined && left < 1n ? ` ${t("gov.oneAlways")}` : "",
      left !== undefined && price > left ? h("strong", { class: "error" }, ` ${t("gov.notEnough")}`) : "");
    cost.dataset.cost = price.toString();
    voteButton.disabled = left !== undefined && price > left;
  };
  n.addEventListener("input", () => { confirm.hidden = true; showCost(); });
  voteButton.addEventListener("click", () => {
    const count = votes();
    if (count === null) return;
    const position = t(SUPPORT.find(([v]) => v === support_.value)[1]);
    const price = voteCost(count, card.info?.left);
    const remaining = card.info ? card.info.left - price : null;
    fill(confirm,
      h("p", {}, h("strong", {}, tn("gov.confirmTitle", count, { position }))),
      h("p", {}, t("gov.confirmCost", { cost: formatNumber(price) }),
        remaining === null ? "." : t("gov.confirmRemain", { remaining: formatNumber(remaining) }), " ", t("gov.final")),
      h("div", { class: "row" },
        h("button", { class: "vote-confirm-yes", type: "button", onclick: () => castVote(card, count, Number(support_.value), confirm) }, t("gov.confirmYes")),
        h("button", { class: "secondary vote-confirm-no", type: "button", onclick: () => { confirm.hidden = true; } }, t("gov.cancel"))));
    confirm.hidden = false;
  });

  card.update = (fresh, info, now) => {
    card.p = fresh;
    card.info = info;
    const st = stateAt(fresh, now);
    const started = now > fresh.vote_start;
    const qs = quorums(fresh, started);
    root.dataset.state = st;
    fill(title, h("strong", { class: "short-id", title: fresh.id }, `#${fresh.id.slice(0, 6)}`), pill(st));
    fill(times, timeLine(fresh, st, now));
    fill(verdict, verdictLine(fresh, st, qs));
    verdict.dataset.passing = String(st === "active" && qs.every((q) => q.reached) && support(fresh, qs).passing);
    renderTallies(tallies, fresh, qs);
    if (info && st !== "pending" && (info.budget > 0n || info.voted)) {
      creditLine.dataset.spent = info.spent.toString();
      creditLine.dataset.left = info.left.toString();
      fill(creditLine, h("span", { class: "credits-spent" }, t("gov.spent", { spent: formatNumber(info.spent), budget: formatNumber(info.budget) })),
        t("gov.leftNow", { left: formatNumber(info.left) }),
        info.voted ? h("strong", { class: "ok voted" }, ` ${t("gov.voted")}`) : "");
    } else {
      fill(creditLine);
    }
    const why = cannotVote(fresh, st, info, now);
    reason.hidden = !why;
    fill(reason, why || "");
    voteBox.hidden = !(st === "active" && !why && info && !info.voted);
    showCost();
    renderLifecycle(actionsBox, message, fresh, st, now);
  };
  return card;
}

function timeLine(p, st, now) {
  const at = (ts) => h("time", { datetime: new Date(ts * 1000).toISOString(), title: formatDate(ts) }, formatRelative(ts, now));
  if (st === "pending") return [t("gov.opens"), " ", at(p.vote_start), " · ", t("gov.ends"), " ", at(p.vote_end)];
  if (st === "active") return [t("gov.ends"), " ", at(p.vote_end)];
  if (st === "queued" && p.eta) return [now >= p.eta ? t("gov.executableSince") : t("gov.executableFrom"), " ", at(p.eta)];
  if (st === "succeeded") return [t("gov.endedPassed"), " ", at(p.vote_end), ". ", t("gov.queueHint")];
  return [t("gov.ended"), " ", at(p.vote_end)];
}

function verdictLine(p, st, qs) {
  if (st === "pending") return h("span", { class: "muted" }, t("gov.verdict.pending"));
  if (["executed", "canceled", "expired"].includes(st)) return "";
  const s = support(p, qs);
  const missing = qs.filter((q) => !q.reached && q.members > 0).map((q) => t("gov.verdict.classShort", {
    class: className(q.stakeholder_class), voters: formatNumber(q.voters), needed: formatNumber(q.needed) }));
  const shareText = s.total ? percent(Math.round((s.share * BPS) / s.total)) : percent(0);
  const supportText = t("gov.verdict.support", { share: shareText });
  const quorumText = missing.length ? t("gov.verdict.quorumMissing", { classes: missing.join("; ") }) : t("gov.verdict.quorumOk");
  const passing = !missing.length && s.passing;
  const head = st === "active" ? t(passing ? "gov.verdict.passingNow" : "gov.verdict.notPassingNow")
    : t(["succeeded", "queued"].includes(st) ? "gov.verdict.passed" : "gov.verdict.failed");
  return [h("strong", { class: passing || ["succeeded", "queued"].includes(st) ? "ok" : "error" }, head), " ", supportText, " ", quorumText];
}

/** Per class: a row of votes, then a row with the quorum bar across the card (fits 390 px). */
function renderTallies(el, p, qs) {
  fill(el, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, t("gov.th.class")), h("th", { class: "num" }, t("gov.th.weight")), h("th", { class: "num" }, t("gov.th.for")),
      h("th", { class: "num" }, t("gov.th.against")), h("th", { class: "num" }, t("gov.th.abstain")))),
    h("tbody", {}, qs.map((q, c) => {
      const counted = q.started && q.members > 0;
      const progress = !counted ? 0 : q.needed === 0 ? 100 : Math.min(100, Math.round((100 * q.voters) / q.needed));
      const label = !q.started ? t("gov.q.notStarted")
        : q.members === 0 ? t("gov.q.noMembers")
          : t(q.reached ? "gov.q.reached" : "gov.q.voters", { voters: formatNumber(q.voters), needed: formatNumber(q.needed) });
      return [
        h("tr", { class: "class-row", "data-class": q.stakeholder_class, "data-for": q.for, "data-against": q.against, "data-voters": q.voters, "data-quorum": q.reached ? "reached" : "not-reached" },
          h("td", {}, className(q.stakeholder_class)), h("td", { class: "num" }, percent(p.class_weights[c])),
          h("td", { class: "num" }, q.for), h("td", { class: "num" }, q.against), h("td", { class: "num" }, q.abstain)),
        h("tr", { class: "quorum-row", "data-quorum-class": q.stakeholder_class },
          h("td", { colspan: 5, class: "quorum" },
            h("div", { class: "quorum-line" },
              h("span", { class: "quorum-name" }, t("gov.th.quorum")),
              h("div", { class: `bar ${q.reached && counted ? "reached" : ""}`, role: "img", "aria-label": label }, h("span", { style: `width:${progress}%` })),
              h("span", { class: "muted quorum-label" }, label)))),
      ];
    }))));
}

function lifecycleArgs(p) {
  return [p.actions.map((a) => getAddress(a.target)), p.actions.map((a) => BigInt(a.value)), p.actions.map((a) => a.calldata), p.description_hash];
}

function renderLifecycle(el, message, p, st, now) {
  const run = (label, functionName) => async () => {
    try {
      await sendTx({ label, contract: "CoopGovernor", functionName, args: lifecycleArgs(p) });
      fill(message, h("span", { class: "ok" }, t("gov.done", { label })));
    } catch (err) {
      fill(message, h("span", { class: "error" }, errorText(err)));
    }
    refresh();
  };
  if (st === "succeeded") fill(el, h("button", { class: "queue", type: "button", onclick: run(t("gov.queueLabel"), "queue") }, t("gov.queueButton")));
  else if (st === "queued") {
    const ready = !p.eta || now >= p.eta;
    fill(el, h("button", { class: "execute", type: "button", disabled: !ready, onclick: run(t("gov.executeLabel"), "execute") }, t("gov.executeButton")),
      ready ? "" : h("span", { class: "muted" }, " ", t("gov.timelockWait", { when: formatRelative(p.eta, now) })));
  } else fill(el);
}

async function castVote(card, count, support, confirm) {
  confirm.hidden = true;
  const params = encodeAbiParameters([{ type: "uint256" }], [count]);
  try {
    await sendTx({ label: t("gov.voteLabel", { n: String(count), cost: String(count * count) }), contract: "CoopGovernor", functionName: "castVoteWithReasonAndParams", args: [BigInt(card.p.id), support, "", params] });
  } catch { /* the transaction card explains */ }
  refresh();
}

// ---- proposals a steward can make ----

/** Basis points as the number a person types in a percent field: 2500 -> "25", 1250 -> "12,5". */
function pct(bps) {
  return formatNumber(Number(bps) / 100, { maximumFractionDigits: 2, useGrouping: false });
}

function poolSelect(id) {
  return h("select", { id }, pools.map((p) => h("option", { value: String(p.id) }, t("gov.poolOption", { name: p.name, id: String(p.id), price: money(p.price) }))));
}

function buildProposeForm() {
  const kind = h("select", { id: "propose-kind" }, KINDS.map((k) => h("option", { value: k }, t(`gov.kind.${k}`))));
  const fields = h("div", { id: "propose-fields" });
  const preview = h("p", { id: "propose-preview", class: "sentence" });
  const description = h("textarea", { id: "propose-description", rows: 3, placeholder: t("gov.descriptionHint") });
  const message = h("p", { id: "propose-message" });
  const input = (id, label, attrs = {}) => [h("label", { for: id }, label), h("input", { id, ...attrs })];
  const token = state.config.payment_token;
  const layouts = {
    price: () => [h("label", { for: "p-pool" }, t("gov.f.pool")), poolSelect("p-pool"),
      input("p-price", t("gov.f.price", { symbol: token.symbol }), { inputmode: "decimal", placeholder: "25,5" })],
    split: () => [input("p-contributors", t("gov.f.contributors"), { inputmode: "decimal", value: pct(currentSplit?.[0] ?? 7000) }),
      input("p-workers", t("gov.f.workers"), { inputmode: "decimal", value: pct(currentSplit?.[1] ?? 2000) }),
      input("p-reserve", t("gov.f.reserve"), { inputmode: "decimal", value: pct(currentSplit?.[2] ?? 1000) }),
      h("p", { class: "muted" }, t("gov.f.splitHint"))],
    weights: () => [h("p", { class: "muted" }, t("gov.f.weightsHint")),
      state.config.classes.map((c, i) => input(`p-w-${c}`, t("gov.f.classWeight", { class: className(c) }),
        { inputmode: "decimal", value: pct(currentWeights?.[i] ?? 2500) }))],
    strike: () => [h("label", { for: "p-scope" }, t("gov.f.against")), h("select", { id: "p-scope" },
      h("option", { value: "general" }, t("gov.f.scopeAll")), h("option", { value: "buyer" }, t("gov.f.scopeBuyer"))),
    input("p-buyer", t("gov.f.buyer"), { placeholder: "0x…" }),
    h("label", { for: "p-on" }, t("gov.f.action")), h("select", { id: "p-on" },
      h("option", { value: "true" }, t("gov.f.start")), h("option", { value: "false" }, t("gov.f.end"))),
    h("p", { class: "muted" }, t("gov.f.strikeHint"))],
    expel: () => [input("p-member", t("gov.f.member"), { placeholder: "0x…" }), h("p", { class: "muted" }, t("gov.f.expelHint"))],
    overturn: () => [input("p-contribution", t("gov.f.contribution"), { placeholder: "0x…" }),
      input("p-weight", t("gov.f.weight"), { type: "number", min: 0, value: 0 }),
      h("p", { class: "muted" }, t("gov.f.overturnHint"))],
    maxweight: () => [h("label", { for: "p-pool" }, t("gov.f.pool")), poolSelect("p-pool"),
      input("p-max", t("gov.f.max"), { type: "number", min: 1, max: 10000, value: 100 })],
  };
  const showPreview = () => {
    try {
      const action = buildAction(kind.value);
      fill(preview, t("gov.preview"), " ", h("strong", {}, action.summary));
      preview.dataset.valid = "true";
    } catch (err) {
      fill(preview, h("span", { class: "error" }, errorText(err)));
      preview.dataset.valid = "false";
    }
  };
  const draw = () => {
    fill(fields, layouts[kind.value]());
    if (kind.value === "strike") {
      const scope = fields.querySelector("#p-scope");
      const buyer = fields.querySelector("#p-buyer");
      const toggle = () => { buyer.disabled = scope.value !== "buyer"; };
      scope.addEventListener("change", toggle);
      toggle();
    }
    if (!pools.length && (kind.value === "price" || kind.value === "maxweight")) fill(preview, h("span", { class: "error" }, t("gov.f.noPools")));
    else setTimeout(showPreview);
  };
  fields.addEventListener("input", showPreview);
  fields.addEventListener("change", showPreview);
  kind.addEventListener("change", draw);
  proposeCard.redraw = draw;
  draw();
  const submit = h("button", { id: "propose", type: "button" }, t("gov.submit"));
  submit.addEventListener("click", async () => {
    try {
      const action = buildAction(kind.value);
      const text = description.value.trim() || action.summary;
      // The governor requires the proposer's suffix, so nobody can copy the proposal and cancel it.
      const signed = `${text}#proposer=${state.account.toLowerCase()}`;
      await sendTx({ label: t("gov.createLabel"), contract: "CoopGovernor", functionName: "propose", args: [[action.target], [0n], [action.data], signed] });
      fill(message, h("span", { class: "ok" }, t("gov.created")));
      description.value = "";
      refresh();
    } catch (err) {
      fill(message, h("span", { class: "error" }, errorText(err)));
    }
  });
  fill(proposeCard, h("h3", {}, t("gov.newTitle")),
    h("p", { class: "muted" }, t("gov.newIntro")),
    h("label", { for: "propose-kind" }, t("gov.f.kind")), kind, fields, preview,
    h("label", { for: "propose-description" }, t("gov.f.description")), description, h("p", {}, submit), message);
}

function value(id) {
  return proposeCard.querySelector(`#${id}`).value.trim();
}

function plain(text) {
  return Object.assign(new Error(text), { plain: text });
}

/** A percentage typed as "70" or "12,5" in basis points (whole ones). */
function percentBps(id, label) {
  let bps;
  try { bps = parseUnits(value(id), 2); } catch (e) { throw plain(t("gov.err.percent", { label, error: e.message })); }
  if (bps > 10000n) throw plain(t("gov.err.percent", { label, error: t("gov.err.max100") }));
  return Number(bps);
}

function pool() {
  const id = value("p-pool");
  if (!pools.some((p) => String(p.id) === id)) throw plain(t("gov.err.pool"));
  return BigInt(id);
}

function buildAction(kind) {
  const token = state.config.payment_token;
  if (kind === "price") {
    const id = pool();
    let price;
    try { price = parseUnits(value("p-price"), token.decimals); } catch (e) { throw plain(t("gov.err.price", { error: e.message })); }
    if (price === 0n) throw plain(t("gov.err.priceZero"));
    if (price >= 2n ** 128n) throw plain(t("gov.err.priceHigh"));
    const action = { target: address("DataMarket"), data: encode("DataMarket", "setPrice", [id, price]) };
    return { ...action, summary: sentence({ target: action.target, calldata: action.data }) };
  }
  let action;
  if (kind === "split") {
    const parts = [percentBps("p-contributors", t("gov.f.contributors")), percentBps("p-workers", t("gov.f.workers")), percentBps("p-reserve", t("gov.f.reserve"))];
    const sum = parts.reduce((a, b) => a + b, 0);
    if (sum !== BPS) throw plain(t("gov.err.sum", { sum: percent(sum) }));
    action = { target: address("RevenueDistributor"), data: encode("RevenueDistributor", "setSplit", parts) };
  } else if (kind === "weights") {
    const weights = state.config.classes.map((c) => percentBps(`p-w-${c}`, className(c)));
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum !== BPS) throw plain(t("gov.err.sum", { sum: percent(sum) }));
    action = { target: address("CoopGovernor"), data: encode("CoopGovernor", "setClassWeights", [weights]) };
  } else if (kind === "expel") {
    const member = value("p-member");
    if (!isAddress(member)) throw plain(t("gov.err.address"));
    action = { target: address("Membership"), data: encode("Membership", "expel", [getAddress(member)]) };
  } else if (kind === "overturn") {
    const id = value("p-contribution");
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(id)) throw plain(t("gov.err.contribution"));
    const weight = Number(value("p-weight") || "0");
    if (!Number.isInteger(weight) || weight < 0 || weight > 2 ** 48 - 1) throw plain(t("gov.err.weight"));
    action = { target: address("ContributionRegistry"), data: encode("ContributionRegistry", "overturn", [BigInt(id), weight]) };
  } else if (kind === "maxweight") {
    const id = pool();
    const max = Number(value("p-max") || "0");
    if (!Number.isInteger(max) || max < 1 || max > 10000) throw plain(t("gov.err.max"));
    action = { target: address("ContributionRegistry"), data: encode("ContributionRegistry", "setPoolMaxWeight", [id, BigInt(max)]) };
  } else {
    const on = value("p-on") === "true";
    if (value("p-scope") === "general") {
      action = { target: address("DataMarket"), data: encode("DataMarket", "setGeneralStrike", [on]) };
    } else {
      const buyer = value("p-buyer");
      if (!isAddress(buyer)) throw plain(t("gov.err.buyer"));
      action = { target: address("DataMarket"), data: encode("DataMarket", "setBuyerStrike", [getAddress(buyer), on]) };
    }
  }
  return { ...action, summary: sentence({ target: action.target, calldata: action.data }) };
}

// ---- refresh ----

export async function refresh() {
  const [proposals, now, poolList] = await Promise.all([
    api("/v1/governance/proposals"), chainNow(), api("/v1/pools").catch(() => pools)]);
  const poolsChanged = JSON.stringify(poolList.map((p) => [p.id, p.name, p.price])) !== JSON.stringify(pools.map((p) => [p.id, p.name, p.price]));
  pools = poolList;
  const steward = Boolean(state.onChain?.active && state.config.classes[state.onChain.cls] === "steward");
  let rulesChanged = false;
  if (steward) {
    // The forms start from the rules now; they change only when a proposal is executed.
    const [weights, split] = await Promise.all([
      read("CoopGovernor", "classWeights").then((w) => [...w].map(Number)).catch(() => currentWeights),
      read("RevenueDistributor", "split").then((w) => [...w].map(Number)).catch(() => currentSplit)]);
    rulesChanged = JSON.stringify([weights, split]) !== JSON.stringify([currentWeights, currentSplit]);
    [currentWeights, currentSplit] = [weights, split];
  }
  if (poolsChanged || rulesChanged) proposeCard.redraw();
  proposeCard.hidden = !steward;
  fill(you, youLine());
  if (!proposals.length) { fill(list, h("p", { class: "muted", id: "no-proposals" }, t("gov.none"))); cards.clear(); return; }
  if (list.querySelector("#no-proposals")) fill(list);
  const ordered = [...proposals].sort((a, b) => b.vote_start - a.vote_start);
  const infos = await Promise.all(ordered.map((p) => credits(p, now).catch(() => null)));
  ordered.forEach((p, i) => {
    let card = cards.get(p.id);
    if (!card) { card = buildCard(p); cards.set(p.id, card); }
    card.update(p, infos[i], now);
    if (list.children[i] !== card.root) list.insertBefore(card.root, list.children[i] || null);
  });
}

function youLine() {
  if (!state.account) return t("gov.you.connect");
  if (!state.onChain) return "";
  if (!state.onChain.active) return t("gov.you.notMember");
  return t("gov.you.member", { class: className(state.config.classes[state.onChain.cls]) });
}
