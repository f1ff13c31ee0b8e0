// The batch path, for members: the consent signed in the wallet after an upload (EIP-712, no
// transaction), each upload's stage in plain words, and the member's leaves in accepted batches:
// their revenue claimed (claimLeaves, or claimBatches for leaves claimed before), their tokens
// activated (activateLeaves), a leaf revoked (revokeLeaf). Relayed like every other action.
import { getAddress } from "viem";
import { api } from "./api.js";
import { address, reader } from "./chain.js";
import { sendTx } from "./tx.js";
import { state } from "./state.js";
import { t, formatDate, formatNumber } from "./i18n.js";

/** Every string of the batch path, from the catalogues (batch.*), read at the time of use so
 * they follow the page's language. */
const w = (weight) => (weight === undefined || weight === null ? "?" : formatNumber(weight));
export const TEXT = {
  get consentTitle() { return t("batch.consentTitle"); },
  consentWhat: (pool, purposes) => t("batch.consentWhat", { pool, purposes }),
  get consentFree() { return t("batch.consentFree"); },
  get consentAfter() { return t("batch.consentAfter"); },
  consentUntil: (date) => t("batch.consentUntil", { date }),
  get consentButton() { return t("batch.consentButton"); },
  get consentDone() { return t("batch.consentDone"); },
  get selfHint() { return t("batch.selfHint"); },
  get selfButton() { return t("batch.selfButton"); },
  get mismatch() { return t("batch.mismatch"); },
  get noPurposes() { return t("batch.noPurposes"); },
  stage: {
    uploaded: () => t("batch.stage.uploaded"),
    signed: () => t("batch.stage.signed"),
    expired: () => t("batch.stage.expired"),
    accepted_review: (weight) => t("batch.stage.acceptedReview", { weight: w(weight) }),
    rejected_review: (reason) => t("batch.stage.rejectedReview", { reason }),
    batched: (id) => t("batch.stage.batched", { id }),
    submitting: () => t("batch.stage.submitting"),
    earning: (weight, since) => t("batch.stage.earning", { weight: w(weight), since }),
    claimed: (weight) => t("batch.stage.claimed", { weight: w(weight) }),
    active: (weight) => t("batch.stage.active", { weight: w(weight) }),
    revoked: () => t("batch.stage.revoked"),
    overturned: () => t("batch.stage.overturned"),
    pending: () => t("batch.stage.pending"),
    accepted: (weight) => t("batch.stage.accepted", { weight: w(weight) }),
    rejected: () => t("batch.stage.rejected"),
  },
  get activate() { return t("batch.activate"); },
  get activateHint() { return t("batch.activateHint"); },
  get revoke() { return t("batch.revoke"); },
  get revokeWarn() { return t("batch.revokeWarn"); },
  get revokeYes() { return t("batch.revokeYes"); },
  get cancel() { return t("batch.cancel"); },
  get claim() { return t("batch.claim"); },
};

/** The Consent's EIP-712 fields (lumbung/consent.py's CONSENT). */
export const CONSENT = [
  { name: "poolId", type: "uint256" }, { name: "cid", type: "bytes" },
  { name: "contributor", type: "address" }, { name: "deadline", type: "uint256" },
];

// RFC 4648 base32, lower case, as CIDv1's multibase "b" prefix uses it.
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** The binary CID (0x hex) of a CIDv1 in base32 text, or null for another form. */
export function cidHex(text) {
  if (!/^b[a-z2-7]+$/.test(text)) return null;
  let bits = 0;
  let value = 0;
  let hex = "0x";
  for (const char of text.slice(1)) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      hex += ((value >> bits) & 0xff).toString(16).padStart(2, "0");
    }
  }
  return hex;
}

/**
 * Signs the consent to an upload ({contribution_id, cid, pool_id}) and gives it to the API. The
 * typed data comes from the API; the wallet signs it only when it is this upload's Consent: this
 * chain's registry, the pool shown to the member, this CID and this account.
 */
export async function signConsent(upload) {
  const path = `/v1/contributions/${upload.contribution_id}/consent`;
  const { typed_data: typed, deadline } = await api(path, { auth: true });
  const { domain, message } = typed;
  const expectedCid = cidHex(upload.cid);
  const same = typed.primaryType === "Consent"
    && JSON.stringify(typed.types.Consent) === JSON.stringify(CONSENT)
    && Number(domain.chainId) === state.config.chain_id
    && getAddress(domain.verifyingContract) === getAddress(address("ContributionRegistry"))
    && String(message.poolId) === String(upload.pool_id)
    && getAddress(message.contributor) === getAddress(state.account)
    && expectedCid !== null && String(message.cid).toLowerCase() === expectedCid
    && String(message.deadline) === String(deadline);
  if (!same) throw Object.assign(new Error("consent mismatch"), { plain: TEXT.mismatch });
  const signature = await window.ethereum.request({
    method: "eth_signTypedData_v4", params: [state.account, JSON.stringify(typed)],
  });
  return api(path, { method: "POST", auth: true, body: { deadline, signature } });
}

const blockTimes = new Map();

/** The time of block `number` (unix seconds), read once from the chain. */
export async function blockTime(number) {
  if (!blockTimes.has(number)) {
    const block = await reader().getBlock({ blockNumber: BigInt(number) });
    blockTimes.set(number, Number(block.timestamp));
  }
  return blockTimes.get(number);
}

/** The date of block `number` in the page's language ("2 Des 2026" / "2 Dec 2026"). */
export async function blockDate(number) {
  return formatDate(await blockTime(number), { time: false });
}

/** An upload's stage (GET …/uploads) in plain words. */
export async function stageWords(upload, weight) {
  const s = TEXT.stage;
  const w = upload.review?.weight ?? weight;
  switch (upload.stage) {
    case "reviewed":
      return upload.review?.verdict === "rejected" ? s.rejected_review(upload.review.reason) : s.accepted_review(w);
    case "batched":
      return upload.batch?.batch_id ? s.batched(upload.batch.batch_id) : s.submitting();
    case "earning":
      return s.earning(w, upload.batch?.decided_block ? await blockDate(upload.batch.decided_block) : t("batch.sinceAcceptance"));
    default:
      return (s[upload.stage] || (() => upload.stage))(w);
  }
}

/** The member's leaves in submitted batches (GET /v1/members/{address}/batches). */
export async function memberBatches() {
  return (await api(`/v1/members/${state.account}/batches`)).batches;
}

/** A leaf as the contracts take it: BatchLeaf {uint8 ordinal; uint48 weight; bytes cid;}. */
function leafArg(leaf) {
  return { ordinal: leaf.ordinal, weight: BigInt(leaf.weight), cid: leaf.cid };
}

/** Claims a batch's revenue: its unclaimed leaves with their multiproof, else what the
 * member's claimed leaves earned since (claimBatches). */
export function claimBatch(batch) {
  const { unclaimed } = batch;
  const call = unclaimed
    ? { functionName: "claimLeaves", args: [BigInt(batch.batch_id), unclaimed.leaves.map(leafArg), unclaimed.proof, unclaimed.proof_flags] }
    : { functionName: "claimBatches", args: [[BigInt(batch.batch_id)]] };
  return sendTx({ label: t("batch.tx.claim", { id: batch.batch_id }), contract: "RevenueDistributor", ...call });
}

/** Activates one leaf's tokens: a multiproof of that leaf alone is its proof with no flags set. */
export function activateLeaf(batchId, held) {
  return sendTx({
    label: t("batch.tx.activate"), contract: "ContributionRegistry", functionName: "activateLeaves",
    args: [BigInt(batchId), [leafArg(held.leaf)], held.proof, held.proof.map(() => false)],
  });
}

export function revokeLeaf(batchId, held) {
  return sendTx({
    label: t("batch.tx.revoke"), contract: "ContributionRegistry", functionName: "revokeLeaf",
    args: [BigInt(batchId), leafArg(held.leaf), held.proof],
  });
}
