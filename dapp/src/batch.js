// The batch path, for members: the consent signed in the wallet after an upload (EIP-712, no
// transaction), each upload's stage in plain words, and the member's leaves in accepted batches:
// their revenue claimed (claimLeaves, or claimBatches for leaves claimed before), their tokens
// activated (activateLeaves), a leaf revoked (revokeLeaf). Relayed like every other action.
import { getAddress } from "viem";
import { api } from "./api.js";
import { address, reader } from "./chain.js";
import { sendTx } from "./tx.js";
import { state } from "./state.js";

/** Every string of the batch path, in one place for translation (issue 17). */
export const TEXT = {
  consentTitle: "Your consent",
  consentWhat: (pool, purposes) => `You allow the cooperative to offer this file to buyers of the pool "${pool}", for: ${purposes}.`,
  consentFree: "Signing costs nothing: it is a signature in your wallet, not a transaction, and needs no ETH.",
  consentAfter: "A curator then reviews the file; accepted files are registered together in a batch, which the cooperative pays for, and earn from the day the curator confirms it.",
  consentUntil: (date) => `The cooperative must register it before ${date}; after that you sign again.`,
  consentButton: "Sign my consent (free)",
  consentDone: "Consent signed. A curator reviews your file next.",
  selfHint: "One transaction from your wallet (the cooperative pays its gas when you have no ETH); a curator then reviews it on-chain.",
  selfButton: "Register it myself on-chain now",
  mismatch: "The cooperative asked you to sign a consent for something other than this upload; nothing was signed.",
  noPurposes: "no purposes yet",
  stage: {
    uploaded: () => "Uploaded: waiting for your consent",
    signed: () => "Consent signed: waiting for a curator's review",
    expired: () => "Consent expired before it was registered: sign again",
    accepted_review: (w) => `Reviewed: accepted with weight ${w}, waiting for its batch`,
    rejected_review: (reason) => `Reviewed: rejected. Reason: ${reason}`,
    batched: (id) => `In batch #${id}, waiting for the curator's confirmation`,
    submitting: () => "Being registered in a batch",
    earning: (w, since) => `Accepted with weight ${w}; earning since ${since}`,
    claimed: (w) => `Accepted with weight ${w}; earning, revenue claimed`,
    active: (w) => `Accepted with weight ${w}; earning, tokens active`,
    revoked: () => "Revoked: it no longer earns",
    overturned: () => "Its batch was overturned by governance: it no longer earns",
    pending: () => "Registered on-chain: waiting for a curator",
    accepted: (w) => `Accepted with weight ${w}`,
    rejected: () => "Rejected by a curator",
  },
  activate: "Activate tokens",
  activateHint: "Mints this file's weight in contribution tokens: they count for your voice from the next epoch.",
  revoke: "Revoke",
  revokeWarn: "Revoking cannot be undone. The cooperative stops offering this file, pays you what it earned so far, and burns its tokens if you activated them.",
  revokeYes: "Yes, revoke it for good",
  cancel: "Cancel",
  claim: "Claim",
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

/** The date of block `number`, read once from the chain. */
export async function blockDate(number) {
  if (!blockTimes.has(number)) {
    const block = await reader().getBlock({ blockNumber: BigInt(number) });
    blockTimes.set(number, new Date(Number(block.timestamp) * 1000).toLocaleDateString());
  }
  return blockTimes.get(number);
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
      return s.earning(w, upload.batch?.decided_block ? await blockDate(upload.batch.decided_block) : "its batch's acceptance");
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
  return sendTx({ label: `Claim batch #${batch.batch_id}`, contract: "RevenueDistributor", ...call });
}

/** Activates one leaf's tokens: a multiproof of that leaf alone is its proof with no flags set. */
export function activateLeaf(batchId, held) {
  return sendTx({
    label: "Activate tokens", contract: "ContributionRegistry", functionName: "activateLeaves",
    args: [BigInt(batchId), [leafArg(held.leaf)], held.proof, held.proof.map(() => false)],
  });
}

export function revokeLeaf(batchId, held) {
  return sendTx({
    label: "Revoke the contribution", contract: "ContributionRegistry", functionName: "revokeLeaf",
    args: [BigInt(batchId), leafArg(held.leaf), held.proof],
  });
}
