// Curation, for accounts with the curator role (ContributionRegistry.isCurator): the queue of
// signed consents, each accepted with a weight within its pool's maximum or rejected with a
// reason, signed in the wallet as the EIP-712 Review (no transaction); and the curator's batches
// waiting for confirmation, each confirmed with acceptBatch (relayed when they hold no ETH).
// The full workbench (the content opened for review, rubrics, history) is issue 17's.
import { getAddress, hashTypedData } from "viem";
import { api, hasSession, siweToken } from "./api.js";
import { CONSENT, cidHex } from "./batch.js";
import { address } from "./chain.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, short, errorText } from "./ui.js";

/** Every string of the curation screen, in one place for translation (issue 17). */
export const TEXT = {
  title: "Curation",
  intro: "Review the files members consented to. Accept with a weight (more useful data earns a larger share) or reject with a reason the member reads. Each review is a signature in your wallet: free, no transaction.",
  notCurator: "Only curators (workers with the curator role) review contributions.",
  signIn: "Sign in to see the queue",
  queue: "Waiting for review",
  empty: "Nothing waits for a review.",
  from: (who, date) => `From ${who}, consent signed ${date}`,
  weight: (max) => `Weight (1 to ${max})`,
  accept: "Accept",
  reason: "Reason for a rejection",
  reject: "Reject",
  needReason: "Say why you reject it: the member reads it.",
  badWeight: (max) => `The weight is a whole number from 1 to ${max}.`,
  reviewed: (verdict) => `Your review is kept: ${verdict}. The cooperative puts it in a batch for you to confirm.`,
  mismatch: "The review to sign is not for this file in this cooperative; nothing was signed.",
  batches: "Your batches waiting for confirmation",
  noBatches: "No batch waits for your confirmation.",
  batchLine: (b) => `${b.count} accepted (total weight ${b.total_weight}), ${b.rejected} rejected`,
  verified: "Checked: every consent, review and leaf matches the manifest.",
  notVerified: (problems) => `Do not confirm: the manifest does not hold (${problems}).`,
  confirm: "Confirm the batch",
  confirmed: (id) => `Batch #${id} confirmed: its files earn from now.`,
};

let intro, queueEl, batchesEl, message;
let cards = new Map(); // contribution id -> its review card, kept while it stays in the queue
let batchesKey = "";

export function mount(el) {
  intro = h("p", { class: "muted", id: "curation-intro" });
  queueEl = h("div", { id: "curation-queue" });
  batchesEl = h("div", { id: "curation-batches" });
  message = h("p", { id: "curation-message", class: "muted" });
  fill(el, h("h2", {}, TEXT.title), intro, message,
    h("h3", {}, TEXT.queue), queueEl, h("h3", {}, TEXT.batches), batchesEl);
}

/** The Review the curator signs, typed from the queue's domain and types, if the domain is this
 * deployment's registry and the consent it names is the one shown: its digest recomputed here
 * from the item's pool, CID, contributor and deadline. */
function reviewTyped(queue, item, weight, reason) {
  const { domain } = queue;
  const cid = cidHex(item.cid);
  const shown = cid && hashTypedData({
    domain, types: { Consent: CONSENT }, primaryType: "Consent",
    message: { poolId: BigInt(item.pool_id), cid, contributor: item.contributor, deadline: BigInt(item.deadline) },
  });
  if (Number(domain.chainId) !== state.config.chain_id
    || getAddress(domain.verifyingContract) !== getAddress(address("ContributionRegistry"))
    || shown !== item.consent_digest.toLowerCase()) {
    throw Object.assign(new Error("review mismatch"), { plain: TEXT.mismatch });
  }
  return { types: queue.types, primaryType: "Review", domain, message: { consent: item.consent_digest, weight, reason } };
}

async function review(queue, item, weight, reason, card) {
  for (const b of card.querySelectorAll("button")) b.disabled = true;
  const note = card.querySelector(".review-message");
  try {
    const typed = reviewTyped(queue, item, weight, reason);
    const signature = await window.ethereum.request({ method: "eth_signTypedData_v4", params: [state.account, JSON.stringify(typed)] });
    const kept = await api("/v1/curation/reviews", {
      method: "POST", auth: true, body: { contribution_id: item.contribution_id, weight, reason, signature },
    });
    fill(message, h("span", { class: "ok" }, TEXT.reviewed(kept.verdict)));
    card.remove();
    cards.delete(item.contribution_id);
    refresh();
  } catch (err) {
    for (const b of card.querySelectorAll("button")) b.disabled = false;
    fill(note, h("span", { class: "error" }, errorText(err)));
  }
}

function queueItem(queue, item, poolNames) {
  const max = queue.max_weight[String(item.pool_id)];
  const weight = h("input", { class: "review-weight", type: "number", min: 1, max, step: 1, value: 1, inputmode: "numeric" });
  const reason = h("input", { class: "review-reason", type: "text", maxlength: 500 });
  const note = h("p", { class: "review-message muted" });
  const card = h("div", { class: "card review", "data-contribution-id": item.contribution_id, "data-cid": item.cid },
    h("strong", {}, poolNames.get(item.pool_id) || `Pool #${item.pool_id}`),
    h("div", { class: "mono", title: item.cid }, short(item.cid, 10, 8)),
    h("div", { class: "muted" }, TEXT.from(short(item.contributor), new Date(item.signed_at).toLocaleString())),
    h("label", {}, TEXT.weight(max), weight),
    h("p", {}, h("button", {
      class: "accept", type: "button",
      onclick: () => {
        const w = Number(weight.value);
        if (!Number.isInteger(w) || w < 1 || w > max) { fill(note, h("span", { class: "error" }, TEXT.badWeight(max))); return; }
        review(queue, item, w, "", card);
      },
    }, TEXT.accept)),
    h("label", {}, TEXT.reason, reason),
    h("p", {}, h("button", {
      class: "danger reject", type: "button",
      onclick: () => {
        if (!reason.value.trim()) { fill(note, h("span", { class: "error" }, TEXT.needReason)); return; }
        review(queue, item, 0, reason.value.trim(), card);
      },
    }, TEXT.reject)),
    note);
  return card;
}

async function confirmBatch(batch, button) {
  button.disabled = true;
  try {
    const receipt = await sendTx({ label: "Confirm the batch", contract: "ContributionRegistry", functionName: "acceptBatch", args: [BigInt(batch.batch_id)] });
    fill(message, h("span", { class: "ok", id: "batch-confirmed" }, `${TEXT.confirmed(batch.batch_id)}${paidNote(receipt)}`));
    batchesKey = "";
  } catch (err) {
    button.disabled = false;
    fill(message, h("span", { class: "error" }, errorText(err)));
  }
  refresh();
}

function batchCard(batch, poolNames) {
  const { verified, problems } = batch.manifest_check;
  const button = h("button", { class: "confirm-batch", type: "button", disabled: !verified }, TEXT.confirm);
  button.addEventListener("click", () => confirmBatch(batch, button));
  return h("div", { class: "card batch", "data-batch-id": batch.batch_id, "data-verified": String(verified) },
    h("strong", {}, `Batch #${batch.batch_id} · ${poolNames.get(batch.pool_id) || `Pool #${batch.pool_id}`}`),
    h("div", {}, TEXT.batchLine(batch)),
    h("p", { class: verified ? "ok" : "error" }, verified ? TEXT.verified : TEXT.notVerified(problems.join("; "))),
    h("p", {}, button));
}

export async function refresh() {
  if (!state.account || !state.curator) {
    fill(intro, TEXT.notCurator);
    fill(queueEl);
    fill(batchesEl);
    cards = new Map();
    batchesKey = "";
    return;
  }
  fill(intro, TEXT.intro);
  if (!hasSession()) {
    fill(queueEl, h("button", { id: "curation-sign-in", type: "button", onclick: () => siweToken().then(refresh, (e) => fill(message, h("span", { class: "error" }, errorText(e)))) }, TEXT.signIn));
    cards = new Map();
    return;
  }
  const [queue, batches, pools] = await Promise.all([
    api("/v1/curation/queue", { auth: true }),
    api("/v1/curation/batches", { auth: true }),
    api("/v1/pools"),
  ]);
  const poolNames = new Map(pools.map((p) => [p.id, p.name]));
  // Each item keeps its card while it stays in the queue, so a weight or reason being typed stays.
  const ids = queue.items.map((i) => i.contribution_id);
  const same = ids.length === cards.size && ids.every((id, i) => [...cards.keys()][i] === id);
  if (!same || !queue.items.length) {
    cards = new Map(queue.items.map((item) => [item.contribution_id, cards.get(item.contribution_id) || queueItem(queue, item, poolNames)]));
    fill(queueEl, cards.size ? [...cards.values()] : h("p", { class: "muted" }, TEXT.empty));
  }
  const bkey = JSON.stringify(batches.batches.map((b) => [b.batch_id, b.status, b.manifest_check.verified]));
  if (bkey !== batchesKey) {
    batchesKey = bkey;
    fill(batchesEl, batches.batches.length ? batches.batches.map((b) => batchCard(b, poolNames)) : h("p", { class: "muted" }, TEXT.noBatches));
  }
}
