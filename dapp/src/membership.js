// Membership: status and class from the chain, joining with a registrar's voucher, and who pays
// the gas (the cooperative, when the account holds no ether or the member chooses it).
import { api } from "./api.js";
import { read, reader } from "./chain.js";
import { sendTx, paidNote } from "./tx.js";
import { TEXT, choose, chosen, relayInfo } from "./relay.js";
import { state } from "./state.js";
import { h, fill, units, when, errorText } from "./ui.js";

let status, joinCard, message, wallet, gasCard, gasText, gasChoice, gasBox, gasQuota;

export function mount(el) {
  status = h("div", { class: "card", id: "member-status" }, "Connect your wallet to see your membership.");
  wallet = h("div", { class: "grid", id: "wallet-balances" });
  message = h("p", { class: "muted", id: "join-message" });
  const classes = state.config.classes;
  const select = h("select", { id: "join-class" }, classes.map((c, i) => h("option", { value: c, selected: i === 0 }, c)));
  const voucher = h("textarea", { id: "voucher-json", rows: 4, placeholder: '{"member": "0x…", "stakeholder_class_id": 0, "nonce": "…", "expiry": …, "signature": "0x…"}' });
  joinCard = h("div", { class: "card", id: "join-card", hidden: true },
    h("h3", {}, "Join the cooperative"),
    h("p", { class: "muted" }, "Membership comes with a voucher from a registrar of the cooperative. Joining with it is one transaction, which the cooperative sends for you when you have no ETH."),
    state.config.dev && h("div", {},
      h("label", { for: "join-class" }, "Stakeholder class"), select,
      h("p", {}, h("button", { id: "join-demo", type: "button", onclick: () => joinWithDemo(select.value) }, "Get a demo voucher and join")),
      h("p", { class: "muted" }, "Development chain: the demo registrar signs vouchers for anyone.")),
    h("label", { for: "voucher-json" }, "Or paste a voucher from your registrar"), voucher,
    h("p", {}, h("button", { id: "join-voucher", class: "secondary", type: "button", onclick: () => joinWithPasted(voucher.value) }, "Join with this voucher")),
    message);
  gasText = h("p", { id: "gas-text" });
  gasBox = h("input", { id: "gas-choice", type: "checkbox", onchange: () => { choose(gasBox.checked); refresh(); } });
  gasChoice = h("label", { class: "check", for: "gas-choice" }, gasBox, ` ${TEXT.choose}`);
  gasQuota = h("p", { class: "muted", id: "gas-quota" });
  gasCard = h("div", { class: "card", id: "gas-card", hidden: true },
    h("h3", {}, TEXT.title), gasChoice, gasText, gasQuota);
  fill(el, h("h2", {}, "Membership"), status, wallet, gasCard, joinCard);
}

/** Until when a quota period runs: the API gives unix seconds or an ISO time. */
function periodEnd(value) {
  return typeof value === "number" ? when(value) : new Date(value).toLocaleString();
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
  const receipt = await sendTx({ label: "Join the cooperative", contract: "Membership", functionName: "join", args: [tuple, voucher.signature], voucher });
  fill(message, h("span", { class: "ok" }, `Welcome to the cooperative!${paidNote(receipt)}`));
}

async function joinWithDemo(cls) {
  fill(message, "Asking the demo registrar for a voucher…");
  try {
    const voucher = await api("/v1/dev/vouchers", { method: "POST", body: { address: state.account, stakeholder_class: cls } });
    fill(message, "Voucher received; joining…");
    await join(voucher);
  } catch (err) {
    fill(message, h("span", { class: "error" }, errorText(err)));
  }
}

async function joinWithPasted(text) {
  try {
    await join(JSON.parse(text));
  } catch (err) {
    fill(message, h("span", { class: "error" }, err instanceof SyntaxError ? "That is not a voucher (JSON expected)." : errorText(err)));
  }
}

export async function refresh() {
  if (!state.account) {
    fill(status, "Connect your wallet to see your membership.");
    joinCard.hidden = true;
    gasCard.hidden = true;
    return;
  }
  const [active, cls] = await read("Membership", "memberStatus", [state.account]);
  state.onChain = { active, cls: Number(cls) };
  const className = state.config.classes[Number(cls)];
  status.dataset.active = String(active);
  status.dataset.class = active ? className : "";
  fill(status, active
    ? [h("strong", {}, "Member"), ` · ${className} class`, state.member?.member ? h("span", { class: "muted" }, ` · since block ${state.member.member.joined_block}`) : null]
    : [h("strong", {}, "Not a member yet"), h("span", { class: "muted" }, " — join below with a voucher.")]);
  joinCard.hidden = active;
  const token = state.config.payment_token;
  const [balance, tokens, eth] = await Promise.all([
    read("PaymentToken", "balanceOf", [state.account]),
    read("ContributionToken", "balanceOf", [state.account]),
    reader().getBalance({ address: state.account }),
  ]);
  fill(wallet,
    h("div", { class: "stat", id: "balance", "data-raw": balance.toString() }, h("div", { class: "label" }, `${token.symbol} balance`), h("div", { class: "value" }, units(balance, token.decimals))),
    h("div", { class: "stat", id: "contribution-tokens", "data-raw": tokens.toString() }, h("div", { class: "label" }, "Contribution tokens"), h("div", { class: "value" }, tokens.toString())),
    h("div", { class: "stat", id: "eth-balance", "data-raw": eth.toString() }, h("div", { class: "label" }, "ETH for gas"), h("div", { class: "value" }, units(eth, 18).slice(0, 8))));
  await renderGas(eth);
}
