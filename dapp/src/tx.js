// Transactions, each shown as a card: pending, mined or failed. Sent from the wallet, or, when
// the member holds no ether or chooses it, signed in the wallet and sent by the cooperative's
// relay, which pays the gas; the card then says what it paid.
import { ApiError } from "./api.js";
import { address, describe, encode, plainError, reader } from "./chain.js";
import { TEXT, ether, relay, relayBody, relaying } from "./relay.js";
import { state, changed, rightChain } from "./state.js";
import { h, fill } from "./ui.js";
import { t, formatNumber } from "./i18n.js";

function txCard(label) {
  const status = h("div", { class: "tx-status" }, t("tx.confirmInWallet"));
  const card = h("div", { class: "tx", "data-tx-state": "signing", "data-tx-label": label },
    h("button", { class: "close", type: "button", "aria-label": t("tx.dismiss"), onclick: () => card.remove() }, "×"),
    h("strong", {}, label), status);
  document.getElementById("txs").prepend(card);
  const set = (txState, ...text) => { card.dataset.txState = txState; fill(status, ...text); };
  return { card, set };
}

/**
 * The gas limit sent with a transaction: the estimate plus a fifth plus 25k. An estimate runs on
 * the last block; mined in a new second, the same call pushes a fresh vote or class-count
 * checkpoint (~20k more), and a wallet that sends the bare estimate would run out of gas.
 */
function withMargin(estimate) {
  return estimate + estimate / 5n + 25_000n;
}

/** The error for a mined revert whose replay on the previous block passes. */
async function unexplainedRevert(hash, receipt) {
  const tx = await reader().getTransaction({ hash }).catch(() => null);
  if (tx && receipt.gasUsed >= tx.gas) {
    return Object.assign(new Error(t("tx.outOfGas", { used: formatNumber(receipt.gasUsed), limit: formatNumber(tx.gas) })), { name: "OutOfGas" });
  }
  const message = t("tx.stateChanged", { block: formatNumber(receipt.blockNumber) });
  return Object.assign(new Error(message), { name: "StateChanged" });
}

// Refusals of the relay a member can do nothing about but wait, by problem type.
const RELAY_PROBLEMS = { "relay-quota-exceeded": ["RelayQuotaExceeded", TEXT.quotaUsed], "relay-unfunded": ["RelayUnfunded", TEXT.fundEmpty] };

/** An error with `.plain` for a refusal by the relay: a contract's error (409, its name in
 * `error`) in the dApp's plain words, a used-up quota or an empty fund, else the problem's
 * detail. */
function relayRefusal(err) {
  const { error, args, type } = err.problem || {};
  const refused = (name, plain) => Object.assign(new Error(err.message), { name, plain });
  if (typeof error === "string" && error !== "UnknownRevert") return refused(error, plainError(error, args));
  const known = RELAY_PROBLEMS[String(type || "").split("/").pop()];
  return known ? refused(...known) : refused(`Relay${err.status}`, err.message);
}

function explain(err) {
  if (err instanceof ApiError) return relayRefusal(err);
  return err;
}

/** "The cooperative paid … ETH for this." for a relayed receipt, or "". */
export function paidNote(receipt) {
  return receipt?.paidWei === undefined ? "" : ` ${TEXT.paid(ether(receipt.paidWei))}`;
}

/**
 * Sends a contract call: `{label, to, data}` or `{label, contract, functionName, args}`, and for a
 * join the registrar's `voucher`. Simulates first, so a refusal is explained before the wallet
 * asks. From the wallet, or through the cooperative's relay when the account holds no ether or
 * the member chose it (see relay.js). Resolves to the receipt once mined (a relayed one carries
 * `paidWei`), throws an error with `.plain` on failure.
 */
export async function sendTx({ label, contract, functionName, args = [], to, data, voucher }) {
  if (!state.account) throw Object.assign(new Error("connect a wallet first"), { plain: t("tx.connectFirst") });
  if (!rightChain()) throw Object.assign(new Error("wrong chain"), { plain: t("tx.switchFirst") });
  to ||= address(contract);
  data ||= encode(contract, functionName, args);
  const { card, set } = txCard(label);
  const fail = (err, sent) => {
    const reason = err.plain ? { name: err.name, plain: err.plain } : describe(err);
    card.dataset.error = reason.name;
    set("failed", h("span", { class: "error" }, t(sent ? "tx.failed" : "tx.notSent", { reason: reason.plain })));
    setTimeout(() => card.remove(), 30_000);
    return Object.assign(new Error(reason.plain), { plain: reason.plain, errorName: reason.name, cause: err });
  };
  let gas;
  let body = null;
  try {
    // The estimate is the simulation: a refusal fails it with the contract's error.
    gas = withMargin(await reader().estimateGas({ account: state.account, to, data }));
    const mode = await relaying();
    if (mode.relay) body = await relayBody({ to, data, voucher, gas });
    if (mode.noEther && !body) throw Object.assign(new Error(TEXT.notRelayable), { name: "NoEther", plain: TEXT.notRelayable });
  } catch (err) {
    throw fail(explain(err), false);
  }
  return body ? sendRelayed(body, { card, set, fail }) : sendFromWallet({ to, data, gas }, { card, set, fail });
}

async function sendFromWallet({ to, data, gas }, { card, set, fail }) {
  let hash;
  try {
    const params = { from: state.account, to, data, gas: `0x${gas.toString(16)}` };
    hash = await window.ethereum.request({ method: "eth_sendTransaction", params: [params] });
  } catch (err) {
    throw fail(err, false);
  }
  card.dataset.txHash = hash;
  set("pending", t("tx.pending"), " ", h("span", { class: "mono", title: hash }, `${hash.slice(0, 10)}…`));
  const receipt = await reader().waitForTransactionReceipt({ hash, pollingInterval: 500, timeout: 180_000 });
  if (receipt.status !== "success") {
    // Replay the call on the state before its block to learn why it reverted.
    try {
      await reader().call({ account: state.account, to, data, blockNumber: receipt.blockNumber - 1n });
    } catch (err) {
      throw fail(err, true);
    }
    throw fail(await unexplainedRevert(hash, receipt), true);
  }
  set("mined", h("span", { class: "ok" }, t("tx.mined", { block: formatNumber(receipt.blockNumber) })));
  setTimeout(() => card.remove(), 8_000);
  changed();
  return receipt;
}

async function sendRelayed(body, { card, set, fail }) {
  card.dataset.relayed = "true";
  set("pending", TEXT.sending);
  let result;
  try {
    result = await relay(body);
  } catch (err) {
    // 504: sent and recorded, not mined yet; its hash is in the problem, follow it on-chain.
    if (!(err instanceof ApiError && err.status === 504 && err.problem?.tx_hash)) throw fail(explain(err), false);
    result = { tx_hash: err.problem.tx_hash, cost_wei: null };
  }
  card.dataset.txHash = result.tx_hash;
  // The chain's own receipt, not only the API's word for it.
  const receipt = await reader().waitForTransactionReceipt({ hash: result.tx_hash, pollingInterval: 500, timeout: 180_000 });
  if (receipt.status !== "success") {
    throw fail(Object.assign(new Error(t("tx.reverted", { block: formatNumber(receipt.blockNumber) })), { name: "RelayedRevert" }), true);
  }
  // What the cooperative paid, from the receipt itself: gas used times its effective price.
  const cost = receipt.gasUsed * receipt.effectiveGasPrice;
  card.dataset.costWei = cost.toString();
  set("mined", h("span", { class: "ok" }, TEXT.minedIn(receipt.blockNumber)), " ",
    h("strong", { class: "paid" }, TEXT.paid(ether(cost))));
  setTimeout(() => card.remove(), 8_000);
  changed();
  return Object.assign(receipt, { paidWei: cost });
}
