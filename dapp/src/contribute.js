// Contribute: pick a pool, upload the file (the API encrypts and stores it; a bar shows the
// upload's progress), then sign the consent in the wallet (free: the cooperative registers it in
// a batch) or register it on-chain alone. Uploads not consented yet are listed to resume or
// delete; every contribution shows its file, date, pool, status, weight and earnings, and can
// be revoked or erased after a confirmation that says what it does.
import { api, hasSession, siweToken, uploadForm } from "./api.js";
import { TEXT, activateLeaf, blockDate, cidHex, memberBatches, revokeLeaf, signConsent, stageWords } from "./batch.js";
import { read } from "./chain.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, pill, amount, fileCode, confirmDialog, progressBar, errorText } from "./ui.js";
import { t, tn, has, formatDate, formatNumber, formatSize } from "./i18n.js";
import * as mydata from "./mydata.js";

let pools = [];
let maxUpload = null; // the API's upload size limit in bytes, once known (GET …/uploads)
let poolSelect, poolInfo, fileInput, sizeNote, uploadMessage, progress, pending, unregistered, list, actionMessage;
let keepMetadata, metadataResult, mydataEl;

export function mount(el) {
  poolSelect = h("select", { id: "pool-select", onchange: renderPoolInfo });
  poolInfo = h("div", { id: "pool-info", class: "muted" });
  // The browser's own file button speaks its own language: a label in the page's stands in.
  fileInput = h("input", { id: "contrib-file", type: "file", class: "visually-hidden", onchange: renderSizeNote });
  sizeNote = h("p", { id: "upload-limit", class: "muted" });
  uploadMessage = h("p", { id: "upload-message", class: "muted" });
  progress = progressBar({ id: "upload-progress", hidden: true });
  pending = h("div", { id: "upload-result" });
  unregistered = h("div", { id: "unregistered-uploads" });
  list = h("div", { id: "my-contributions" });
  // Outside the lists, which a refresh rebuilds: an action's failure stays until the next one.
  actionMessage = h("p", { id: "contrib-action-message", role: "status" });
  keepMetadata = h("input", { id: "keep-metadata", type: "checkbox" });
  metadataResult = h("p", { id: "metadata-result", class: "muted" });
  mydataEl = h("section", { id: "mydata-section" });
  mydata.mount(mydataEl);
  fill(el,
    h("h2", {}, t("contribute.title")),
    h("div", { class: "card" },
      h("label", { for: "pool-select" }, t("contribute.pool")), poolSelect, poolInfo,
      h("div", { class: "label" }, t("contribute.file")), fileInput,
      h("label", { for: "contrib-file", class: "file-picker", id: "file-picker" }, t("contribute.chooseFile")), sizeNote,
      h("p", { class: "muted" }, t("contribute.privacy")),
      h("div", { class: "keep-metadata" },
        h("label", { for: "keep-metadata", class: "check" }, keepMetadata, t("contribute.keepMetadata")),
        h("p", { class: "muted", id: "keep-metadata-why" }, t("contribute.keepMetadataWhy"))),
      h("button", { id: "upload", type: "button", onclick: upload }, t("contribute.upload")),
      progress, uploadMessage, metadataResult, pending),
    h("h3", {}, t("contribute.unregisteredTitle")), unregistered,
    h("h3", {}, t("contribute.mineTitle")), actionMessage, list, mydataEl);
  renderSizeNote();
}

/** A purpose of use in words ("ai_training" → "AI training"). */
export function purposeWords(name) {
  return has(`contribute.purpose.${name}`) ? t(`contribute.purpose.${name}`) : name.replace(/_/g, " ");
}

function renderSizeNote() {
  const file = fileInput.files?.[0];
  const parts = [];
  parts.push(file ? t("contribute.chosen", { name: file.name, size: formatSize(file.size) }) : t("contribute.noFile"));
  if (maxUpload) parts.push(t("contribute.limit", { limit: formatSize(maxUpload) }));
  fill(sizeNote, parts.join(" · "));
  const tooBig = file && maxUpload && file.size > maxUpload;
  sizeNote.className = tooBig ? "error" : "muted";
  if (tooBig) fill(sizeNote, t("contribute.tooLarge", { size: formatSize(file.size), limit: formatSize(maxUpload) }));
}

function renderPoolInfo() {
  const pool = pools.find((p) => String(p.id) === poolSelect.value);
  if (!pool) { fill(poolInfo, t("contribute.noPools")); return; }
  const token = state.config.payment_token;
  fill(poolInfo,
    h("p", {}, t("contribute.purposes"), " ", pool.purposes.length
      ? pool.purposes.map((p) => [h("span", { class: "pill", "data-purpose": p }, purposeWords(p)), " "])
      : TEXT.noPurposes),
    h("p", {}, t("contribute.license"), " ", pool.license_cid
      ? h("span", { id: "pool-license", class: "file-code", title: t("contribute.licenseTitle", { cid: pool.license_cid }) }, t("contribute.licenseRecorded"))
      : h("span", { id: "pool-license" }, t("contribute.noLicense"))),
    h("p", {}, t("contribute.price", { price: amount(pool.price, token.decimals, token.symbol) }), " · ",
      tn("contribute.acceptedCount", pool.accepted_contributions), " · ",
      pool.open ? t("contribute.open") : h("strong", { class: "error" }, t("contribute.closed")),
      pool.strike_active ? h("strong", { class: "error" }, ` · ${t("contribute.strike")}`) : ""));
}

function poolOf(id) {
  return pools.find((p) => String(p.id) === String(id));
}

function poolName(id) {
  return poolOf(id)?.name || t("contribute.poolNumber", { id });
}

/** For an upload ({contribution_id, cid, pool_id, filename?}): what the member consents to, in
 * plain words (the pool's name and purposes, and that it is free); or, for a member who wants
 * it, the registration on-chain. Once one is done, the card keeps only its outcome. */
function consentCard(upload) {
  const pool = poolOf(upload.pool_id);
  const purposes = pool?.purposes.length ? pool.purposes.map(purposeWords).join(", ") : TEXT.noPurposes;
  const message = h("p", { id: "consent-message", class: "muted" });
  const fileLine = h("div", { class: "consent-file" },
    upload.filename ? h("strong", { class: "file-name" }, upload.filename) : null,
    upload.filename ? " · " : null, fileCode(upload.cid, { id: "upload-cid" }));
  const consent = h("button", { id: "consent", type: "button" }, TEXT.consentButton);
  const register = h("button", { id: "register", class: "secondary", type: "button" }, TEXT.selfButton);
  const card = h("div", { class: "card confirm", id: "consent-card", "data-cid": upload.cid, "data-contribution-id": upload.contribution_id },
    fileLine,
    h("h3", {}, TEXT.consentTitle),
    h("p", { id: "consent-what" }, TEXT.consentWhat(pool?.name || poolName(upload.pool_id), purposes)),
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
      fill(card, fileLine, outcome);
      card.classList.remove("confirm");
      refresh();
    } catch (err) {
      consent.disabled = register.disabled = false;
      fill(message, h("span", { class: "error" }, errorText(err)));
    }
  });
  step(consent, async () => {
    fill(message, t("contribute.checkWallet"));
    await signConsent(upload);
    return h("p", { class: "ok", id: "consented" }, TEXT.consentDone);
  });
  step(register, async () => {
    const receipt = await sendTx({ label: t("contribute.tx.register"), contract: "ContributionRegistry", functionName: "submit", args: [BigInt(upload.pool_id), cidHex(upload.cid)] });
    return h("p", { class: "ok", id: "registered" }, `${t("contribute.registered")}${paidNote(receipt)}`);
  });
  return card;
}

async function upload() {
  const file = fileInput.files[0];
  if (!file) { fill(uploadMessage, h("span", { class: "error" }, t("contribute.chooseFirst"))); return; }
  fill(pending);
  fill(metadataResult);
  progress.hidden = true;
  try {
    fill(uploadMessage, t("contribute.signingIn"));
    await siweToken();
    if (!maxUpload) await listUploads().catch(() => null);
    if (maxUpload && file.size > maxUpload) {
      fill(uploadMessage, h("span", { class: "error" }, t("contribute.tooLarge", { size: formatSize(file.size), limit: formatSize(maxUpload) })));
      return;
    }
    const form = new FormData();
    form.append("file", file);
    form.append("pool_id", poolSelect.value);
    if (keepMetadata.checked) form.append("keep_metadata", "true");
    progress.hidden = false;
    progress.set(0, t("contribute.sending", { sent: formatSize(0), total: formatSize(file.size) }));
    fill(uploadMessage);
    const result = await uploadForm("/v1/contributions", form, {
      onProgress: (sent, total) => {
        const whole = total || file.size;
        const done = sent >= whole;
        progress.set(whole ? sent / whole : null, done ? t("contribute.storing")
          : t("contribute.sending", { sent: formatSize(Math.min(sent, file.size)), total: formatSize(file.size) }));
      },
    });
    progress.set(1, t("contribute.sent", { size: formatSize(file.size) }));
    fill(uploadMessage, h("span", { class: "ok" }, t("contribute.uploaded", { name: file.name, size: formatSize(result.size) })));
    showMetadata(result);
    keepMetadata.checked = false; // each upload starts private again
    fill(pending, consentCard({ ...result, pool_id: poolSelect.value, filename: file.name }));
    refresh();
  } catch (err) {
    progress.hidden = true;
    // The API's refusals of an upload, in the member's words (its own detail is English).
    const refusals = { 403: "contribute.refused.notMember", 404: "contribute.refused.noPool", 409: "contribute.refused.closed" };
    const text = err.status === 413
      ? t("contribute.tooLarge", { size: formatSize(file.size), limit: maxUpload ? formatSize(maxUpload) : "?" })
      : refusals[err.status] ? t(refusals[err.status], { pool: poolName(poolSelect.value) }) : errorText(err);
    fill(uploadMessage, h("span", { class: "error" }, text));
  }
}

/** What the API removed from the file before encrypting it, in words. */
function showMetadata(result) {
  const order = ["location", "device", "author", "time", "software", "other"];
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  const removed = Object.entries(result.metadata_removed || {}).filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b));
  metadataResult.dataset.kept = String(Boolean(result.metadata_kept));
  metadataResult.dataset.removed = removed.map(([k, n]) => `${k}:${n}`).join(",");
  if (result.metadata_kept) { fill(metadataResult, t("contribute.metadata.kept")); return; }
  if (!removed.length) {
    fill(metadataResult, t(result.file_kind === "other" ? "contribute.metadata.notRead" : "contribute.metadata.none"));
    return;
  }
  const words = removed.map(([k, n]) => t("contribute.metadata.item", {
    what: has(`contribute.metadata.${k}`) ? t(`contribute.metadata.${k}`) : k, count: formatNumber(n),
  }));
  fill(metadataResult, t("contribute.metadata.removed", { list: words.join(", ") }));
}

/** A review's reason in the member's language: the template's words, then the curator's note. */
export function reasonWords(review) {
  if (!review) return "";
  const code = review.reason_code;
  const note = review.reason_note ?? "";
  if (!code) return review.reason || note;
  if (code === "other") return note || review.reason;
  const words = has(`workbench.code.${code}`) ? t(`workbench.code.${code}`) : code;
  return note ? t("contribute.reasonWithNote", { reason: words, note }) : words;
}

function localReview(upload) {
  if (!upload?.review || upload.review.verdict !== "rejected") return upload;
  return { ...upload, review: { ...upload.review, reason: reasonWords(upload.review) } };
}

async function quietly(action) {
  try { await action(); } catch { /* the transaction card explains */ }
  refresh();
}

async function erase(id, button, { name, unregistered: plain }) {
  const confirmed = await confirmDialog({
    name: "erase",
    title: t(plain ? "contribute.deleteTitle" : "contribute.eraseTitle"),
    body: [h("p", {}, t(plain ? "contribute.deleteWhat" : "contribute.eraseWhat", { name })),
      h("p", {}, h("strong", {}, t("contribute.noUndo")))],
    yes: t(plain ? "contribute.deleteYes" : "contribute.eraseYes"),
  });
  if (!confirmed) return;
  button.disabled = true;
  fill(actionMessage);
  try {
    await api(`/v1/contributions/${id}/erase`, { method: "POST", auth: true });
    if (pending.querySelector(`[data-contribution-id="${id}"]`)) fill(pending);
    fill(actionMessage, h("span", { class: "ok", "data-erased": id }, t(plain ? "contribute.deleted" : "contribute.erased", { name })));
  } catch (err) {
    button.disabled = false;
    fill(actionMessage, h("span", { class: "error", "data-failed": id }, errorText(err)));
  }
  refresh();
}

/** Revokes a contribution after the member confirms: its leaf (revokeLeaf) or, registered
 * alone, the contribution. */
async function revoke(r) {
  const confirmed = await confirmDialog({
    name: "revoke",
    title: t("contribute.revokeTitle", { name: r.label }),
    body: h("p", {}, TEXT.revokeWarn),
    yes: TEXT.revokeYes,
  });
  if (!confirmed) return;
  await quietly(() => (r.held ? revokeLeaf(r.held.batchId, r.held)
    : sendTx({ label: t("contribute.tx.revoke"), contract: "ContributionRegistry", functionName: "revoke", args: [BigInt(r.id)] })));
}

function resume(r) {
  fill(pending, consentCard({ contribution_id: r.id, cid: r.cid, pool_id: r.poolId, filename: r.filename }));
  pending.scrollIntoView({ block: "center" });
}

/** Whether the API can still erase the file: uploaded here, not erased, and the chain holds it
 * neither pending nor accepted (never registered, rejected, revoked). */
function erasable(r) {
  if (!r.upload || r.upload.erased || r.onChain?.erased) return false;
  if (r.onChain) return r.onChain.status === "revoked" || r.onChain.status === "rejected";
  return r.stage === "revoked" || (r.stage === "reviewed" && r.upload.review?.verdict === "rejected");
}

/** The actions on a contribution's row: activate a leaf's tokens, revoke, erase; each
 * irreversible one asks first. */
function actionsFor(r) {
  const { stage, held } = r;
  const actions = [];
  const revocable = held ? ["earning", "claimed", "active"].includes(stage) : ["pending", "accepted"].includes(stage);
  if (held && (stage === "earning" || stage === "claimed")) {
    actions.push(h("button", { class: "activate", type: "button", title: TEXT.activateHint, onclick: () => quietly(() => activateLeaf(held.batchId, held)) }, TEXT.activate));
  }
  if (revocable) actions.push(h("button", { class: "secondary revoke", type: "button", onclick: () => revoke(r) }, TEXT.revoke));
  if (erasable(r)) {
    const button = h("button", { class: "danger erase", type: "button" }, t("contribute.erase"));
    button.addEventListener("click", () => erase(r.id, button, { name: r.label }));
    actions.push(button);
  }
  if (hasSession()) {
    actions.push(h("button", { class: "secondary contribution-receipts", type: "button",
      onclick: () => mydata.downloadContributionReceipts(r.id, actionMessage) }, t("mydata.receiptsOne")));
  }
  return actions;
}

async function listUploads() {
  const answer = await api(`/v1/members/${state.account}/uploads`, { auth: true });
  if (answer.max_upload_bytes) {
    const changed = maxUpload !== answer.max_upload_bytes;
    maxUpload = answer.max_upload_bytes;
    if (changed) renderSizeNote();
  }
  return answer.uploads;
}

/** What a pool pays the member now (RevenueDistributor.claimable), read once per refresh. */
async function poolClaimables(poolIds) {
  const ids = [...new Set(poolIds.map(String))];
  const values = await Promise.all(ids.map((id) => read("RevenueDistributor", "claimable", [BigInt(id), state.account]).catch(() => null)));
  return new Map(ids.map((id, i) => [id, values[i]]));
}

/** The member's contributions: the uploads with their stages (when signed in) and every
 * contribution the chain holds, with the member's leaves in batches. */
async function rows() {
  const [uploads, batches] = await Promise.all([
    hasSession() ? listUploads() : [],
    memberBatches(),
  ]);
  const leaves = new Map();
  for (const batch of batches) {
    for (const held of batch.leaves) leaves.set(held.contribution_id, { ...held, batchId: batch.batch_id, batch });
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
  const singles = found.filter((r) => !r.held && r.onChain?.status === "accepted").map((r) => r.poolId);
  const owed = singles.length ? await poolClaimables(singles) : new Map();
  return Promise.all(found.map(async (r) => {
    const weight = r.held?.leaf.weight ?? r.onChain?.weight ?? r.upload?.review?.weight;
    const words = r.upload ? await stageWords(localReview(r.upload), weight) : TEXT.stage[r.stage]?.(weight) || r.stage;
    const date = r.upload?.uploaded_at ? formatDate(Date.parse(r.upload.uploaded_at) / 1000)
      : r.onChain?.submitted_block ? await blockDate(r.onChain.submitted_block).catch(() => null) : null;
    const label = r.filename || (r.upload?.erased || r.onChain?.erased ? t("contribute.erasedFile") : t("contribute.unnamed"));
    return { ...r, weight, words, date, label, poolOwed: owed.get(String(r.poolId)) };
  }));
}

function fileCell(r) {
  return h("td", { class: "file", "data-label": t("contribute.col.file") },
    h("div", { class: "file-name" }, r.label),
    r.cid ? h("div", { class: "muted" }, fileCode(r.cid)) : null,
    r.date ? h("div", { class: "muted upload-date" }, r.date) : null);
}

/** A contribution's earnings in words: its batch's claimable (its own when it is the member's
 * only file in the batch), or, registered alone, its pool's. */
function earningsWords(r) {
  const token = state.config.payment_token;
  const money = (raw) => amount(raw, token.decimals, token.symbol);
  if (r.held && ["accepted", "overturned"].includes(r.held.batch.status)) {
    const files = r.held.batch.leaves.length;
    return files === 1 ? t("contribute.earnings.own", { amount: money(r.held.batch.claimable) })
      : tn("contribute.earnings.batch", files, { amount: money(r.held.batch.claimable), id: r.held.batchId });
  }
  if (r.poolOwed !== undefined && r.poolOwed !== null) return t("contribute.earnings.pool", { amount: money(r.poolOwed) });
  return t("contribute.earnings.none");
}

function stageLabel(r) {
  const name = r.upload?.review?.verdict === "rejected" && r.stage === "reviewed" ? "rejected" : r.stage;
  return pill(name, has(`contribute.stage.${name}`) ? t(`contribute.stage.${name}`) : undefined);
}

function contributionRow(r) {
  const reason = r.upload?.review?.verdict === "rejected" ? reasonWords(r.upload.review) : null;
  return h("tr", {
    "data-contribution-id": r.id, "data-cid": r.cid, "data-status": r.stage,
    "data-erased": String(Boolean(r.onChain?.erased || r.upload?.erased)), "data-batch-id": r.held?.batchId ?? r.upload?.batch?.batch_id,
  },
  fileCell(r),
  h("td", { class: "pool", "data-label": t("contribute.col.pool") }, poolName(r.poolId)),
  h("td", { class: "stage", "data-label": t("contribute.col.status") }, stageLabel(r), " ",
    h("span", { class: "stage-words" }, r.words), r.onChain?.erased || r.upload?.erased ? [" ", pill("erased")] : "",
    // The stage's words say a review's reason; a reason they do not carry gets its own line.
    reason && !r.words.includes(reason) ? h("div", { class: "reason" }, t("contribute.reason", { reason })) : null),
  h("td", { class: "weight num", "data-label": t("contribute.col.weight") }, r.weight ? formatNumber(r.weight) : "—"),
  h("td", { class: "earned", "data-label": t("contribute.col.earnings") }, earningsWords(r)),
  h("td", { class: "actions" }, actionsFor(r)));
}

function unregisteredItem(r) {
  const remove = h("button", { class: "danger delete-upload", type: "button" }, t("contribute.delete"));
  remove.addEventListener("click", () => erase(r.id, remove, { name: r.label, unregistered: true }));
  return h("li", { class: "card upload-item", "data-contribution-id": r.id, "data-cid": r.cid, "data-status": r.stage },
    h("div", { class: "file-name" }, h("strong", {}, r.label)),
    h("div", { class: "muted" }, [poolName(r.poolId), r.date, r.upload?.size ? formatSize(r.upload.size) : null].filter(Boolean).join(" · ")),
    h("div", { class: "muted" }, fileCode(r.cid)),
    h("p", { class: "stage" }, h("span", { class: "stage-words" }, r.words)),
    h("div", { class: "row" },
      h("button", { class: "sign-consent", type: "button", onclick: () => resume(r) }, TEXT.consentButton),
      remove));
}

export async function refresh() {
  pools = await api("/v1/pools");
  const chosen = poolSelect.value;
  const options = pools.map((p) => h("option", { value: p.id, selected: String(p.id) === chosen, disabled: !p.open },
    p.open ? p.name : t("contribute.poolClosed", { name: p.name })));
  if (poolSelect.options.length !== options.length || [...poolSelect.options].some((o, i) => o.textContent !== options[i].textContent)) {
    fill(poolSelect, options);
  }
  renderPoolInfo();
  mydata.refresh().catch(() => {});
  if (!state.account) {
    fill(unregistered, h("p", { class: "muted" }, t("contribute.connectFirst")));
    fill(list, h("p", { class: "muted" }, t("contribute.connectFirst")));
    return;
  }
  const all = await rows();
  const waiting = all.filter((r) => r.upload && !r.upload.erased && ["uploaded", "expired"].includes(r.stage) && !r.onChain);
  const mine = all.filter((r) => !waiting.includes(r) && !(r.upload?.erased && !r.onChain && ["uploaded", "expired"].includes(r.stage)));
  const signIn = !hasSession() && h("p", {}, h("button", { id: "show-uploads", class: "secondary", type: "button", onclick: () => siweToken().then(refresh, () => {}) }, t("contribute.signInToSee")));
  fill(unregistered, waiting.length
    ? [h("p", { class: "muted" }, t("contribute.unregisteredIntro")), h("ul", { class: "upload-list" }, waiting.map(unregisteredItem))]
    : h("p", { class: "muted" }, hasSession() ? t("contribute.noneWaiting") : t("contribute.signInHint")));
  if (!mine.length) { fill(list, h("p", { class: "muted" }, t("contribute.none")), signIn); return; }
  fill(list, h("table", { class: "rows-as-cards" },
    h("thead", {}, h("tr", {}, ["file", "pool", "status", "weight", "earnings"].map((c) => h("th", {}, t(`contribute.col.${c}`))), h("th", {}, ""))),
    h("tbody", {}, mine.map(contributionRow))), signIn);
}

