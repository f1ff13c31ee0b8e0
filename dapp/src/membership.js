// Membership: status and class from the chain, joining with a registrar's voucher, and who pays
// the gas (the cooperative, when the account holds no ether or the member chooses it). A member
// who joined after a vote's snapshot is told why they have no voice credits for it.
import { api } from "./api.js";
import { read, reader } from "./chain.js";
import { sendTx, paidNote } from "./tx.js";
import { TEXT, choose, chosen, ether, relayInfo } from "./relay.js";
import { blockDate } from "./batch.js";
import { state } from "./state.js";
import { h, fill, amount, when, errorText } from "./ui.js";
import { t, tn, has, formatDecimal, formatNumber } from "./i18n.js";

let status, joinCard, message, wallet, gasCard, gasText, gasChoice, gasBox, gasQuota, creditsNote;

/** A stakeholder class in plain words ("producer" → "Producer (farmer, fisher…)"). */
export function className(name) {
  return has(`member.class.${name}`) ? t(`member.class.${name}`) : name;
}

function classHint(name) {
  return has(`member.classHint.${name}`) ? t(`member.classHint.${name}`) : "";
}

export function mount(el) {
  status = h("div", { class: "card", id: "member-status" }, t("member.connectFirst"));
  wallet = h("div", { class: "grid", id: "wallet-balances" });
  creditsNote = h("div", { class: "card", id: "member-credits-note", hidden: true });
  message = h("p", { class: "muted", id: "join-message" });
  const classes = state.config.classes;
  const hint = h("p", { class: "muted", id: "join-class-hint" }, classHint(classes[0]));
  const select = h("select", { id: "join-class", onchange: () => fill(hint, classHint(select.value)) },
    classes.map((c, i) => h("option", { value: c, selected: i === 0 }, className(c))));
  const voucher = h("textarea", { id: "voucher-json", rows: 4, placeholder: t("member.voucherPlaceholder") });
  joinCard = h("div", { class: "card", id: "join-card", hidden: true },
    h("h3", {}, t("member.joinTitle")),
    h("p", { class: "muted" }, t("member.joinIntro")),
    state.config.dev && h("div", {},
      h("label", { for: "join-class" }, t("member.classLabel")), select, hint,
      h("p", {}, h("button", { id: "join-demo", type: "button", onclick: () => joinWithDemo(select.value) }, t("member.joinDemo"))),
      h("p", { class: "muted" }, t("member.demoNote"))),
    h("label", { for: "voucher-json" }, t("member.pasteLabel")), voucher,
    h("p", {}, h("button", { id: "join-voucher", class: "secondary", type: "button", onclick: () => joinWithPasted(voucher.value) }, t("member.joinPasted"))),
    message);
  gasText = h("p", { id: "gas-text" });
  gasBox = h("input", { id: "gas-choice", type: "checkbox", onchange: () => { choose(gasBox.checked); refresh(); } });
  gasChoice = h("label", { class: "check", for: "gas-choice" }, gasBox, ` ${TEXT.choose}`);
  gasQuota = h("p", { class: "muted", id: "gas-quota" });
  gasCard = h("div", { class: "card", id: "gas-card", hidden: true },
    h("h3", {}, TEXT.title), h("p", { class: "muted" }, t("member.gasExplain")), gasChoice, gasText, gasQuota);
  fill(el, h("h2", {}, t("member.title")), status, creditsNote, wallet, gasCard, joinCard);
}

/** Until when a quota period runs: the API gives unix seconds or an ISO time. */
function periodEnd(value) {
  return typeof value === "number" ? when(value) : when(Date.parse(value) / 1000);
}

async function renderGas(eth) {
  const noEther = eth === 0n;
  gasCard.hidden = false;
  gasCard.dataset.relay = String(noEther || chosen());
  fill(gasText, noEther ? h("strong", { class: "ok" }, TEXT.noEther) : h("span", { class: "muted" }, TEXT.chooseHint));
  gasChoice.hidden = noEther;
  gasBox.checked = chosen();
  try {
    const info = await relayInfo();
    gasQuota.dataset.left = String(info.account.left);
    fill(gasQuota, TEXT.left(info.account.left, info.limits.quota), info.account.period_ends_at ? TEXT.resets(periodEnd(info.account.period_ends_at)) : ".");
    gasBox.disabled = false;
  } catch {
    fill(gasQuota, h("span", { class: "error" }, TEXT.unavailable));
    gasBox.disabled = !gasBox.checked;
  }
}

async function join(voucher) {
  const tuple = [voucher.member, Number(voucher.stakeholder_class_id), BigInt(voucher.nonce), BigInt(voucher.expiry)];
  const receipt = await sendTx({ label: t("member.tx.join"), contract: "Membership", functionName: "join", args: [tuple, voucher.signature], voucher });
  fill(message, h("span", { class: "ok" }, `${t("member.welcome")}${paidNote(receipt)}`));
}

async function joinWithDemo(cls) {
  fill(message, t("member.askingVoucher"));
  try {
    const voucher = await api("/v1/dev/vouchers", { method: "POST", body: { address: state.account, stakeholder_class: cls } });
    fill(message, t("member.voucherReceived"));
    await join(voucher);
  } catch (err) {
    fill(message, h("span", { class: "error" }, errorText(err)));
  }
}

async function joinWithPasted(text) {
  try {
    await join(JSON.parse(text));
  } catch (err) {
    fill(message, h("span", { class: "error" }, err instanceof SyntaxError ? t("member.notVoucher") : errorText(err)));
  }
}

/**
 * The open or upcoming votes whose snapshot came before the member joined: voice credits are
 * counted from membership at the snapshot (the governor's getVotes reads memberStatusAt), so a
 * member who joined after it has 0 credits for that proposal, and the Governance tab shows no
 * vote for it. Shared by any screen that needs to say why.
 */
export async function votesBeforeJoining(account = state.account) {
  const proposals = await api("/v1/governance/proposals");
  const now = Number((await reader().getBlock()).timestamp);
  const open = proposals.filter((p) => ["active", "pending"].includes(p.state) && p.vote_start < now);
  const statuses = await Promise.all(open.map((p) => read("Membership", "memberStatusAt", [account, BigInt(p.vote_start)]).catch(() => null)));
  return open.filter((p, i) => statuses[i] && !statuses[i][0]);
}

async function renderCredits(active) {
  if (!active) { creditsNote.hidden = true; return; }
  const missed = await votesBeforeJoining().catch(() => []);
  creditsNote.hidden = missed.length === 0;
  creditsNote.dataset.missed = String(missed.length);
  if (!missed.length) return;
  const latest = missed.reduce((a, b) => (a.vote_start > b.vote_start ? a : b));
  fill(creditsNote,
    h("h3", {}, t("member.creditsTitle")),
    h("p", {}, tn("member.creditsZero", missed.length, { date: when(latest.vote_start) })),
    h("p", { class: "muted" }, t("member.creditsWhy")));
}

export async function refresh() {
  if (!state.account) {
    fill(status, t("member.connectFirst"));
    joinCard.hidden = true;
    gasCard.hidden = true;
    creditsNote.hidden = true;
    fill(wallet);
    return;
  }
  const [active, cls] = await read("Membership", "memberStatus", [state.account]);
  state.onChain = { active, cls: Number(cls) };
  const name = state.config.classes[Number(cls)];
  status.dataset.active = String(active);
  status.dataset.class = active ? name : "";
  const joined = state.member?.member?.joined_block;
  const since = active && joined ? await blockDate(joined).catch(() => null) : null;
  fill(status, active
    ? [h("strong", {}, t("member.isMember")), " · ", h("span", { class: "member-class" }, className(name)),
      since ? h("span", { class: "muted" }, ` · ${t("member.since", { date: since })}`) : null,
      h("p", { class: "muted class-hint" }, classHint(name))]
    : [h("strong", {}, t("member.notYet")), h("span", { class: "muted" }, ` — ${t("member.joinBelow")}`)]);
  joinCard.hidden = active;
  const token = state.config.payment_token;
  const [balance, tokens, eth] = await Promise.all([
    read("PaymentToken", "balanceOf", [state.account]),
    read("ContributionToken", "balanceOf", [state.account]),
    reader().getBalance({ address: state.account }),
  ]);
  fill(wallet,
    h("div", { class: "stat", id: "balance", "data-raw": balance.toString() }, h("div", { class: "label" }, t("member.balance", { symbol: token.symbol })), h("div", { class: "value" }, amount(balance, token.decimals, token.symbol))),
    h("div", { class: "stat", id: "contribution-tokens", "data-raw": tokens.toString(), title: t("member.tokensHint") }, h("div", { class: "label" }, t("member.tokens")), h("div", { class: "value" }, formatNumber(tokens))),
    h("div", { class: "stat", id: "eth-balance", "data-raw": eth.toString(), title: t("member.ethHint") }, h("div", { class: "label" }, t("member.eth")), h("div", { class: "value" }, `${formatDecimal(ether(eth))} ETH`)));
  await Promise.all([renderGas(eth), renderCredits(active)]);
}
