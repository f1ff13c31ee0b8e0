// Governance: proposals with their state, per-class tallies and quorum progress; quadratic
// voting with the cost shown and confirmed before signing; queue and execute; stewards propose
// price, split, class-weight and strike changes (calls the timelock makes once a vote passes).
import { decodeFunctionData, encodeAbiParameters, getAddress, isAddress } from "viem";
import { api } from "./api.js";
import { address, encode, read, reader } from "./chain.js";
import { sendTx } from "./tx.js";
import { state } from "./state.js";
import { h, fill, pill, short, when, parseUnits, units, errorText } from "./ui.js";

const SUPPORT = [["1", "For"], ["0", "Against"], ["2", "Abstain"]];
let list, proposeCard;
const cards = new Map();

export function mount(el) {
  list = h("div", { id: "proposals" });
  proposeCard = h("div", { class: "card", id: "propose-card", hidden: true });
  buildProposeForm();
  fill(el, h("h2", {}, "Governance"),
    h("p", { class: "muted" }, "Quadratic voting: n votes on a proposal cost n² of your voice credits for the epoch, and one vote on every proposal is always possible. Every stakeholder class tallies separately and must reach its participation quorum."),
    list, proposeCard);
}

// ---- reading the chain for one proposal ----

/** n votes cost n² credits; a single vote is always possible and costs at most what is left. */
function voteCost(count, left) {
  const price = count * count;
  return count === 1n && left !== undefined && left < price ? left : price;
}

async function credits(p, now) {
  if (!state.account || p.vote_start >= now) return null;
  const snapshot = BigInt(p.vote_start);
  const [budget, [epoch], voted] = await Promise.all([
    read("CoopGovernor", "getVotes", [state.account, snapshot]),
    read("CoopGovernor", "epochAt", [snapshot]),
    read("CoopGovernor", "hasVoted", [BigInt(p.id), state.account]),
  ]);
  const spent = await read("CoopGovernor", "creditsSpent", [state.account, epoch]);
  return { budget, spent, left: budget > spent ? budget - spent : 0n, epoch, voted };
}

function describeAction(action) {
  const names = Object.keys(state.config.contracts);
  const name = names.find((n) => state.config.contracts[n].toLowerCase() === action.target.toLowerCase());
  if (!name) return `call ${short(action.target)} with ${short(action.calldata, 10, 0)}`;
  try {
    const { functionName, args } = decodeFunctionData({ abi: state.config.abis[name], data: action.calldata });
    const shown = (args || []).map((a) => (Array.isArray(a) ? `[${a.join(", ")}]` : String(a)));
    return `${name}.${functionName}(${shown.join(", ")})`;
  } catch {
    return `${name}: ${short(action.calldata, 10, 0)}`;
  }
}

// ---- one proposal card, built once and updated in place so a half-filled vote survives ----

function buildCard(p) {
  const title = h("div", { class: "row" });
  const tallies = h("div", { class: "table-wrap tallies" });
  const creditLine = h("p", { class: "credits" });
  const voteBox = h("div", { class: "vote-box" });
  const actionsBox = h("div", { class: "lifecycle" });
  const message = h("p", { class: "proposal-message" });
  const n = h("input", { class: "vote-n", type: "number", min: 1, step: 1, value: 1, inputmode: "numeric", "aria-label": "number of votes" });
  const support = h("select", { class: "vote-support", "aria-label": "your position" }, SUPPORT.map(([v, l]) => h("option", { value: v }, l)));
  const cost = h("p", { class: "vote-cost" });
  const confirm = h("div", { class: "card confirm vote-confirm", hidden: true });
  const voteButton = h("button", { class: "vote", type: "button" }, "Vote…");
  const root = h("article", { class: "card proposal", "data-proposal-id": p.id },
    title, h("p", { class: "description" }, p.text ?? p.description),
    h("ul", { class: "actions" }, p.actions.map((a) => h("li", { class: "mono" }, describeAction(a)))),
    tallies, creditLine, voteBox, actionsBox, message);
  fill(voteBox, h("div", { class: "row" }, h("div", { style: "flex:1 1 6rem" }, h("label", {}, "Votes (n)"), n),
    h("div", { style: "flex:1 1 8rem" }, h("label", {}, "Position"), support)), cost, h("p", {}, voteButton), confirm);
  const card = { root, p, info: null };

  const votes = () => {
    const value = Number(n.value);
    return Number.isInteger(value) && value > 0 ? BigInt(value) : null;
  };
  const showCost = () => {
    const count = votes();
    if (count === null) { fill(cost, h("span", { class: "error" }, "Enter a whole number of votes, at least 1.")); voteButton.disabled = true; return; }
    const left = card.info?.left;
    const price = voteCost(count, left);
    fill(cost, `${count} ${count === 1n ? "vote costs" : "votes cost"} ${price} ${price === 1n ? "credit" : "credits"}`,
      left === undefined ? "" : `; you have ${left} left this epoch`, ".",
      count === 1n && left !== undefined && left < 1n ? " One vote on every proposal is always possible, even with no credits left." : "",
      left !== undefined && price > left ? h("strong", { class: "error" }, " Not enough credits.") : "");
    cost.dataset.cost = price.toString();
    voteButton.disabled = left !== undefined && price > left;
  };
  n.addEventListener("input", () => { confirm.hidden = true; showCost(); });
  voteButton.addEventListener("click", () => {
    const count = votes();
    if (count === null) return;
    const label = SUPPORT.find(([v]) => v === support.value)[1];
    const price = voteCost(count, card.info?.left);
    const remaining = card.info ? card.info.left - price : null;
    fill(confirm,
      h("p", {}, h("strong", {}, `Cast ${count} ${label} ${count === 1n ? "vote" : "votes"} on this proposal?`)),
      h("p", {}, `This costs ${price} voice credits`, remaining === null ? "." : `; ${remaining} will remain this epoch.`, " Votes cannot be changed afterwards."),
      h("div", { class: "row" },
        h("button", { class: "vote-confirm-yes", type: "button", onclick: () => castVote(card, count, Number(support.value), confirm) }, "Confirm and sign"),
        h("button", { class: "secondary vote-confirm-no", type: "button", onclick: () => { confirm.hidden = true; } }, "Cancel")));
    confirm.hidden = false;
  });

  card.update = (fresh, info, now) => {
    card.p = fresh;
    card.info = info;
    root.dataset.state = fresh.state;
    fill(title, h("strong", {}, `#${short(fresh.id, 8, 6)}`), pill(fresh.state),
      h("span", { class: "muted" }, fresh.state === "pending" ? `voting opens ${when(fresh.vote_start)}` : `voting ${fresh.vote_end > now ? "ends" : "ended"} ${when(fresh.vote_end)}`));
    renderTallies(tallies, fresh);
    if (info) {
      creditLine.dataset.spent = info.spent.toString();
      creditLine.dataset.left = info.left.toString();
      fill(creditLine, h("span", { class: "credits-spent" }, `You have spent ${info.spent} of ${info.budget} credits this epoch`), `; ${info.left} left.`,
        info.voted ? h("strong", { class: "ok voted" }, " You voted on this proposal.") : "");
    } else {
      fill(creditLine);
    }
    voteBox.hidden = !(fresh.state === "active" && state.onChain?.active !== undefined && info && !info.voted && info.budget > 0n);
    showCost();
    renderLifecycle(actionsBox, message, fresh);
  };
  return card;
}

function renderTallies(el, p) {
  const classes = state.config.classes;
  fill(el, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "Class"), h("th", { class: "num" }, "Weight"), h("th", { class: "num" }, "For"), h("th", { class: "num" }, "Against"), h("th", { class: "num" }, "Abstain"), h("th", {}, "Quorum"))),
    h("tbody", {}, p.tallies.map((t) => {
      const c = classes.indexOf(t.stakeholder_class);
      const needed = t.voters_needed;
      const progress = needed === 0 ? 100 : Math.min(100, Math.round((100 * t.voters) / needed));
      return h("tr", { "data-class": t.stakeholder_class, "data-for": t.for, "data-against": t.against, "data-voters": t.voters },
        h("td", {}, t.stakeholder_class), h("td", { class: "num" }, `${p.class_weights[c] / 100}%`),
        h("td", { class: "num" }, t.for), h("td", { class: "num" }, t.against), h("td", { class: "num" }, t.abstain),
        h("td", {}, h("div", { class: `bar ${t.quorum_reached ? "reached" : ""}`, title: `${t.voters} of ${needed} voters needed` }, h("span", { style: `width:${progress}%` })),
          h("span", { class: "muted" }, t.members === 0 ? "no members" : `${t.voters}/${needed} voters`)));
    }))));
}

function lifecycleArgs(p) {
  return [p.actions.map((a) => getAddress(a.target)), p.actions.map((a) => BigInt(a.value)), p.actions.map((a) => a.calldata), p.description_hash];
}

function renderLifecycle(el, message, p) {
  const run = (label, functionName) => async () => {
    try {
      await sendTx({ label, contract: "CoopGovernor", functionName, args: lifecycleArgs(p) });
      fill(message, h("span", { class: "ok" }, `${label}: done.`));
    } catch (err) {
      fill(message, h("span", { class: "error" }, errorText(err)));
    }
  };
  if (p.state === "succeeded") fill(el, h("button", { class: "queue", type: "button", onclick: run("Queue the proposal", "queue") }, "Queue for execution"));
  else if (p.state === "queued") fill(el, h("button", { class: "execute", type: "button", onclick: run("Execute the proposal", "execute") }, "Execute"), h("span", { class: "muted" }, " after the timelock delay"));
  else fill(el);
}

async function castVote(card, count, support, confirm) {
  confirm.hidden = true;
  const params = encodeAbiParameters([{ type: "uint256" }], [count]);
  try {
    await sendTx({ label: `Vote (${count} × ${count} = ${count * count} credits)`, contract: "CoopGovernor", functionName: "castVoteWithReasonAndParams", args: [BigInt(card.p.id), support, "", params] });
  } catch { /* the transaction card explains */ }
  refresh();
}

// ---- proposals a steward can make ----

function buildProposeForm() {
  const kind = h("select", { id: "propose-kind" },
    h("option", { value: "price" }, "Change a pool's price"),
    h("option", { value: "split" }, "Change the revenue split"),
    h("option", { value: "weights" }, "Change the class weights"),
    h("option", { value: "strike" }, "Start or end a data strike"),
    h("option", { value: "expel" }, "Expel a member"),
    h("option", { value: "overturn" }, "Overturn a curator's review"),
    h("option", { value: "maxweight" }, "Change a pool's maximum weight"));
  const fields = h("div", { id: "propose-fields" });
  const description = h("textarea", { id: "propose-description", rows: 3, placeholder: "Why the cooperative should do this" });
  const message = h("p", { id: "propose-message" });
  const input = (id, label, attrs = {}) => [h("label", { for: id }, label), h("input", { id, ...attrs })];
  const token = state.config.payment_token;
  const layouts = {
    price: () => [input("p-pool", "Pool id", { type: "number", min: 1, value: 1 }), input("p-price", `New price (${token.symbol})`, { inputmode: "decimal", placeholder: "25" })],
    split: () => [input("p-contributors", "Contributors (basis points)", { type: "number", value: 7000 }), input("p-workers", "Workers (basis points)", { type: "number", value: 2000 }), input("p-reserve", "Reserve (basis points)", { type: "number", value: 1000 })],
    weights: () => state.config.classes.map((c) => input(`p-w-${c}`, `${c} weight (basis points)`, { type: "number", value: 2500 })),
    strike: () => [h("label", { for: "p-scope" }, "Against"), h("select", { id: "p-scope" }, h("option", { value: "general" }, "every buyer (general strike)"), h("option", { value: "buyer" }, "one buyer's wallet")),
      input("p-buyer", "Buyer address (for a single buyer)", { placeholder: "0x…" }),
      h("label", { for: "p-on" }, "Action"), h("select", { id: "p-on" }, h("option", { value: "true" }, "start the strike"), h("option", { value: "false" }, "end the strike"))],
    expel: () => [input("p-member", "Member's wallet address", { placeholder: "0x…" }),
      h("p", { class: "muted" }, "For a lost key or a fake account. A proposal that only expels members does not wait for their own votes: they are left out of their class's quorum (at most a third of the cooperative at once). Revenue they earned stays theirs.")],
    overturn: () => [input("p-contribution", "Contribution id (0x…, from its row)", { placeholder: "0x…" }),
      input("p-weight", "New weight (0 rejects it)", { type: "number", min: 0, value: 0 }),
      h("p", { class: "muted" }, "The contributor keeps what the contribution earned until now; its tokens and share follow the new weight.")],
    maxweight: () => [input("p-pool", "Pool id", { type: "number", min: 1, value: 1 }),
      input("p-max", "Largest weight a curator may give (1 to 10 000)", { type: "number", min: 1, max: 10000, value: 100 })],
  };
  const draw = () => fill(fields, layouts[kind.value]());
  kind.addEventListener("change", draw);
  draw();
  const submit = h("button", { id: "propose", type: "button" }, "Submit proposal");
  submit.addEventListener("click", async () => {
    try {
      const action = buildAction(kind.value);
      const text = description.value.trim() || action.summary;
      // The governor requires the proposer's suffix, so nobody can copy the proposal and cancel it.
      const signed = `${text}#proposer=${state.account.toLowerCase()}`;
      await sendTx({ label: "Create proposal", contract: "CoopGovernor", functionName: "propose", args: [[action.target], [0n], [action.data], signed] });
      fill(message, h("span", { class: "ok" }, "Proposal created: voting opens after the voting delay."));
      description.value = "";
      refresh();
    } catch (err) {
      fill(message, h("span", { class: "error" }, errorText(err)));
    }
  });
  fill(proposeCard, h("h3", {}, "New proposal (stewards)"),
    h("p", { class: "muted" }, "If it passes, the timelock carries the change out after its delay."),
    h("label", { for: "propose-kind" }, "Proposal"), kind, fields,
    h("label", { for: "propose-description" }, "Description"), description, h("p", {}, submit), message);
}

function value(id) {
  return document.getElementById(id).value.trim();
}

function bps(id) {
  const v = Number(value(id));
  if (!Number.isInteger(v) || v < 0 || v > 10000) throw Object.assign(new Error(), { plain: "Basis points are whole numbers from 0 to 10 000." });
  return v;
}

function buildAction(kind) {
  const token = state.config.payment_token;
  if (kind === "price") {
    const pool = BigInt(value("p-pool"));
    let price;
    try { price = parseUnits(value("p-price"), token.decimals); } catch (e) { throw Object.assign(e, { plain: `Price: ${e.message}.` }); }
    return { target: address("DataMarket"), data: encode("DataMarket", "setPrice", [pool, price]), summary: `Set the price of pool #${pool} to ${units(price, token.decimals)} ${token.symbol}` };
  }
  if (kind === "split") {
    const parts = [bps("p-contributors"), bps("p-workers"), bps("p-reserve")];
    if (parts[0] + parts[1] + parts[2] !== 10000) throw Object.assign(new Error(), { plain: "The three parts must add up to 10 000 basis points." });
    return { target: address("RevenueDistributor"), data: encode("RevenueDistributor", "setSplit", parts), summary: `Split revenue ${parts.map((p) => p / 100 + "%").join(" / ")} (contributors / workers / reserve)` };
  }
  if (kind === "weights") {
    const weights = state.config.classes.map((c) => bps(`p-w-${c}`));
    if (weights.reduce((a, b) => a + b, 0) !== 10000) throw Object.assign(new Error(), { plain: "The class weights must add up to 10 000 basis points." });
    return { target: address("CoopGovernor"), data: encode("CoopGovernor", "setClassWeights", [weights]), summary: `Class weights ${weights.map((w) => w / 100 + "%").join(" / ")}` };
  }
  if (kind === "expel") {
    const member = value("p-member");
    if (!isAddress(member)) throw Object.assign(new Error(), { plain: "Enter the member's wallet address (0x…)." });
    return { target: address("Membership"), data: encode("Membership", "expel", [getAddress(member)]), summary: `Expel member ${member}` };
  }
  if (kind === "overturn") {
    const id = value("p-contribution");
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(id)) throw Object.assign(new Error(), { plain: "Enter the contribution id (0x…) shown in its row." });
    const weight = BigInt(value("p-weight") || "0");
    return { target: address("ContributionRegistry"), data: encode("ContributionRegistry", "overturn", [BigInt(id), weight]),
      summary: weight === 0n ? `Reject contribution ${id.slice(0, 10)}…` : `Re-weight contribution ${id.slice(0, 10)}… to ${weight}` };
  }
  if (kind === "maxweight") {
    const pool = BigInt(value("p-pool"));
    const max = BigInt(value("p-max") || "0");
    if (max < 1n || max > 10000n) throw Object.assign(new Error(), { plain: "The maximum weight is from 1 to 10 000." });
    return { target: address("ContributionRegistry"), data: encode("ContributionRegistry", "setPoolMaxWeight", [pool, max]), summary: `Let curators weigh pool #${pool}'s contributions up to ${max}` };
  }
  const on = value("p-on") === "true";
  if (value("p-scope") === "general") {
    return { target: address("DataMarket"), data: encode("DataMarket", "setGeneralStrike", [on]), summary: on ? "Start a general data strike" : "End the general data strike" };
  }
  const buyer = value("p-buyer");
  if (!isAddress(buyer)) throw Object.assign(new Error(), { plain: "Enter the buyer's wallet address (0x…)." });
  return { target: address("DataMarket"), data: encode("DataMarket", "setBuyerStrike", [getAddress(buyer), on]), summary: `${on ? "Strike against" : "End the strike against"} buyer ${buyer}` };
}

// ---- refresh ----

export async function refresh() {
  const [proposals, block] = await Promise.all([api("/v1/governance/proposals"), reader().getBlock()]);
  const now = Number(block.timestamp);
  proposeCard.hidden = !(state.onChain?.active && state.config.classes[state.onChain.cls] === "steward");
  if (!proposals.length) { fill(list, h("p", { class: "muted", id: "no-proposals" }, "No proposals yet.")); cards.clear(); return; }
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
