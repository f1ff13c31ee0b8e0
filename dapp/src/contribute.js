// Contribute: pick a pool, upload the file (the API encrypts and stores it), then sign the
// consent in the wallet (free: the cooperative registers it in a batch) or register it on-chain
// alone; follow each contribution's stage, activate its tokens, revoke it, erase it.
import { api, hasSession, siweToken } from "./api.js";
import { TEXT, activateLeaf, cidHex, memberBatches, revokeLeaf, signConsent, stageWords } from "./batch.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, pill, units, short, errorText } from "./ui.js";

let pools = [];
const confirming = new Set(); // contributions whose revoke waits for the member's confirmation
let poolSelect, poolInfo, fileInput, uploadMessage, pending, list;

export function mount(el) {
  poolSelect = h("select", { id: "pool-select", onchange: renderPoolInfo });
  poolInfo = h("div", { id: "pool-info", class: "muted" });
  fileInput = h("input", { id: "contrib-file", type: "file" });
  uploadMessage = h("p", { id: "upload-message", class: "muted" });
  pending = h("div", { id: "upload-result" });
  list = h("div", { id: "my-contributions", class: "table-wrap" });
  fill(el,
    h("h2", {}, "Contribute data"),
    h("div", { class: "card" },
      h("label", { for: "pool-select" }, "Pool"), poolSelect, poolInfo,
      h("label", { for: "contrib-file" }, "File"), fileInput,
      h("p", { class: "muted" }, "Your file is encrypted on the cooperative's node before it is stored; only its content address (CID) goes on-chain. A curator reviews it before it is sold."),
      h("button", { id: "upload", type: "button", onclick: upload }, "Upload"),
      uploadMessage, pending),
    h("h3", {}, "My contributions"), list);
}

function renderPoolInfo() {
  const pool = pools.find((p) => String(p.id) === poolSelect.value);
  if (!pool) { fill(poolInfo, "No pools yet."); return; }
  const token = state.config.payment_token;
  fill(poolInfo,
    h("p", {}, "Allowed purposes: ", pool.purposes.length ? pool.purposes.map((p) => [pill(p), " "]) : "none"),
    h("p", {}, "License: ", pool.license_cid ? h("span", { class: "mono", id: "pool-license" }, pool.license_cid) : h("span", { id: "pool-license" }, "no license document recorded")),
    h("p", {}, `Price ${units(pool.price, token.decimals)} ${token.symbol} · ${pool.accepted_contributions} accepted contributions · `,
      pool.open ? "open for contributions" : h("strong", { class: "error" }, "closed to contributions"),
      pool.strike_active ? h("strong", { class: "error" }, " · on strike") : ""));
}

function poolOf(id) {
  return pools.find((p) => String(p.id) === String(id));
}

/** For an upload ({contribution_id, cid, pool_id}): what the member consents to, in plain words
 * (the pool's name and purposes, and that it is free); or, for a member who wants it, the
 * registration on-chain. Once one is done, the card keeps only its outcome. */
function consentCard(upload) {
  const pool = poolOf(upload.pool_id);
  const purposes = pool?.purposes.length ? pool.purposes.map((p) => p.replace(/_/g, " ")).join(", ") : TEXT.noPurposes;
  const message = h("p", { id: "consent-message", class: "muted" });
  const cidLine = h("div", {}, "CID ", h("span", { class: "mono", id: "upload-cid" }, upload.cid));
  const consent = h("button", { id: "consent", type: "button" }, TEXT.consentButton);
  const register = h("button", { id: "register", class: "secondary", type: "button" }, TEXT.selfButton);
  const card = h("div", { class: "card confirm", id: "consent-card", "data-cid": upload.cid, "data-contribution-id": upload.contribution_id },
    cidLine,
    h("h3", {}, TEXT.consentTitle),
    h("p", { id: "consent-what" }, TEXT.consentWhat(pool?.name || `#${upload.pool_id}`, purposes)),
    h("p", { id: "consent-free" }, h("strong", {}, TEXT.consentFree)),
    h("p", { class: "muted" }, TEXT.consentAfter),
    h("p", {}, consent),
    h("div", { id: "self-register", class: "aside" },
      h("p", { class: "muted" }, TEXT.selfHint),
      h("p", {}, register)),
    message);
  const step = (button, action) => button.addEventListener("click", async () => {
    consent.disabled = register.disabled = true;
    try {
      const outcome = await action();
      fill(card, cidLine, outcome);
      card.classList.remove("confirm");
      refresh();
    } catch (err) {
      consent.disabled = register.disabled = false;
      fill(message, h("span", { class: "error" }, errorText(err)));
    }
  });
  step(consent, async () => {
    fill(message, "Check and sign in your wallet…");
    await signConsent(upload);
    return h("p", { class: "ok", id: "consented" }, TEXT.consentDone);
  });
  step(register, async () => {
    const receipt = await sendTx({ label: "Register the contribution", contract: "ContributionRegistry", functionName: "submit", args: [BigInt(upload.pool_id), cidHex(upload.cid)] });
    return h("p", { class: "ok", id: "registered" }, `Registered: it now waits for a curator.${paidNote(receipt)}`);
  });
  return card;
}

async function upload() {
  const file = fileInput.files[0];
  if (!file) { fill(uploadMessage, h("span", { class: "error" }, "Choose a file first.")); return; }
  fill(uploadMessage, "Signing in and uploading…");
  fill(pending);
  try {
    const form = new FormData();
    form.append("file", file);
    form.append("pool_id", poolSelect.value);
    const result = await api("/v1/contributions", { method: "POST", form, auth: true });
    fill(uploadMessage, h("span", { class: "ok" }, `Uploaded and encrypted (${result.size} bytes).`));
    fill(pending, consentCard({ ...result, pool_id: poolSelect.value }));
    refresh();
  } catch (err) {
    fill(uploadMessage, h("span", { class: "error" }, errorText(err)));
  }
}

/** A confirmation in the row: what the action does and that it cannot be undone. */
function confirmBox(id, onYes) {
  return h("div", { class: "confirm revoke-confirm" },
    h("p", {}, TEXT.revokeWarn),
    h("div", { class: "row" },
      h("button", { class: "danger revoke-yes", type: "button", onclick: () => { confirming.delete(id); onYes(); } }, TEXT.revokeYes),
      h("button", { class: "secondary revoke-cancel", type: "button", onclick: () => { confirming.delete(id); refresh(); } }, TEXT.cancel)));
}

async function quietly(action) {
  try { await action(); } catch { /* the transaction card explains */ }
  refresh();
}

async function erase(id, button) {
  button.disabled = true;
  try {
    await api(`/v1/contributions/${id}/erase`, { method: "POST", auth: true });
    refresh();
  } catch (err) {
    button.disabled = false;
    button.after(h("div", { class: "error" }, errorText(err)));
  }
}

/** Revokes a contribution: its leaf (revokeLeaf) or, registered alone, the contribution. */
function revokeAction({ id, held }) {
  return () => quietly(() => (held ? revokeLeaf(held.batchId, held)
    : sendTx({ label: "Revoke the contribution", contract: "ContributionRegistry", functionName: "revoke", args: [BigInt(id)] })));
}

/** The actions on a contribution's row: activate a leaf's tokens, revoke (confirmed in a row
 * below it), erase a revoked one's file. */
function actionsFor({ id, cid, poolId, stage, onChain, held }) {
  const actions = [];
  if (stage === "uploaded" || stage === "expired") {
    actions.push(h("button", {
      class: "sign-consent", type: "button",
      onclick: () => { fill(pending, consentCard({ contribution_id: id, cid, pool_id: poolId })); pending.scrollIntoView(); },
    }, TEXT.consentButton));
  }
  const revocable = held ? ["earning", "claimed", "active"].includes(stage) : ["pending", "accepted"].includes(stage);
  if (held && (stage === "earning" || stage === "claimed")) {
    actions.push(h("button", { class: "activate", type: "button", title: TEXT.activateHint, onclick: () => quietly(() => activateLeaf(held.batchId, held)) }, TEXT.activate));
  }
  if (revocable) {
    actions.push(h("button", { class: "secondary revoke", type: "button", disabled: confirming.has(id), onclick: () => { confirming.add(id); refresh(); } }, TEXT.revoke));
  }
  if (onChain?.status === "revoked" && !onChain.erased) {
    const button = h("button", { class: "danger erase", type: "button" }, "Erase");
    button.addEventListener("click", () => erase(id, button));
    actions.push(button);
  }
  return actions;
}

/** The member's contributions: the uploads with their stages (when signed in) and every
 * contribution the chain holds, with the member's leaves in batches. */
async function rows() {
  const [uploads, batches] = await Promise.all([
    hasSession() ? api(`/v1/members/${state.account}/uploads`, { auth: true }).then((r) => r.uploads) : [],
    memberBatches(),
  ]);
  const leaves = new Map();
  for (const batch of batches) {
    for (const held of batch.leaves) leaves.set(held.contribution_id, { ...held, batchId: batch.batch_id });
  }
  const chain = new Map((state.member?.contributions || []).map((c) => [c.id, c]));
  const found = uploads.map((u) => ({
    id: u.contribution_id, cid: u.cid, poolId: u.pool_id, filename: u.filename, stage: u.stage,
    upload: u, onChain: chain.get(u.contribution_id), held: leaves.get(u.contribution_id),
  }));
  const listed = new Set(found.map((r) => r.id));
  for (const c of chain.values()) {
    if (!listed.has(c.id)) found.push({ id: c.id, cid: c.cid, poolId: c.pool_id, filename: null, stage: c.status, onChain: c, held: leaves.get(c.id) });
  }
  return Promise.all(found.map(async (r) => {
    const weight = r.held?.leaf.weight ?? r.onChain?.weight;
    const words = r.upload ? await stageWords(r.upload, weight) : TEXT.stage[r.stage]?.(weight) || r.stage;
    return { ...r, words };
  }));
}

export async function refresh() {
  pools = await api("/v1/pools");
  const chosen = poolSelect.value;
  const options = pools.map((p) => h("option", { value: p.id, selected: String(p.id) === chosen, disabled: !p.open }, `#${p.id} ${p.name}`));
  if (poolSelect.options.length !== options.length || [...poolSelect.options].some((o, i) => o.textContent !== options[i].textContent)) {
    fill(poolSelect, options);
  }
  renderPoolInfo();
  if (!state.account) { fill(list, h("p", { class: "muted" }, "Connect your wallet to see your contributions.")); return; }
  const mine = await rows();
  const signIn = !hasSession() && h("p", {}, h("button", { id: "show-uploads", class: "secondary", type: "button", onclick: () => siweToken().then(refresh, () => {}) }, "Sign in to see all your uploads and their stages"));
  if (!mine.length) { fill(list, h("p", { class: "muted" }, "None yet."), signIn); return; }
  fill(list, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "File"), h("th", {}, "Stage"), h("th", {}, ""))),
    h("tbody", {}, mine.map((r) => [h("tr", {
      "data-contribution-id": r.id, "data-cid": r.cid, "data-status": r.stage,
      "data-erased": String(Boolean(r.onChain?.erased)), "data-batch-id": r.held?.batchId ?? r.upload?.batch?.batch_id,
    },
    h("td", {},
      h("div", {}, r.filename || h("span", { class: "mono", title: r.cid }, short(r.cid, 8, 6))),
      h("div", { class: "muted" }, poolOf(r.poolId)?.name || `Pool #${r.poolId}`)),
    h("td", { class: "stage" }, pill(r.upload?.review?.verdict === "rejected" ? "rejected" : r.stage), " ",
      h("span", { class: "stage-words" }, r.words), r.onChain?.erased ? [" ", pill("erased")] : ""),
    h("td", { class: "actions" }, actionsFor(r))),
    confirming.has(r.id) && h("tr", { class: "confirm-row", "data-confirm-for": r.id }, h("td", { colspan: 3 }, confirmBox(r.id, revokeAction(r))))]))), signIn);
}
