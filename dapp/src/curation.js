// The curators' workbench, for accounts with the curator role (ContributionRegistry.isCurator):
// the queue of signed consents per pool, oldest first, each opened in the page for review (the
// member's access log records every opening), weighed against the pool's rubric within its
// bound, or rejected with a template reason and a note the member reads; duplicate flags; each
// review signed in the wallet as the EIP-712 Review (no transaction). Below: the curator's
// batches waiting for confirmation (acceptBatch, relayed when they hold no ETH), and their
// history, throughput and pay from the work pot.
import { getAddress, hashTypedData } from "viem";
import { api, hasSession, siweToken } from "./api.js";
import { CONSENT, cidHex } from "./batch.js";
import { address } from "./chain.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, short, errorText, amount, pill, stat } from "./ui.js";
import { t, language, formatDate, formatNumber, formatSize } from "./i18n.js";

// The reject templates (api.services.curation.REJECT_CODES); "other" is the note alone.
const OTHER = "other";
const REJECT_CODES = ["unreadable", "wrong_pool", "duplicate", "personal_data_visible", "low_quality", OTHER];
const TEXT_TYPES = /^(text\/|application\/(json|csv|xml))/;
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp)$/;
const TEXT_PREVIEW_BYTES = 64 * 1024;

let intro, filterEl, queueEl, batchesEl, historyEl, message;
let cards = new Map(); // contribution id -> its review card, kept while it stays in the queue
let batchesKey = "";
let poolFilter = "";
let opened = new Map(); // contribution id -> object URL of its opened file, revoked on unmount

const seconds = (iso) => Date.parse(iso) / 1000;

function forget() {
  for (const url of opened.values()) URL.revokeObjectURL(url);
  opened = new Map();
  cards = new Map();
  batchesKey = "";
}

export function mount(el) {
  forget();
  intro = h("p", { class: "muted", id: "curation-intro" });
  filterEl = h("div", { id: "workbench-filter" });
  queueEl = h("div", { id: "curation-queue" });
  batchesEl = h("div", { id: "curation-batches" });
  historyEl = h("div", { id: "workbench-history" });
  message = h("p", { id: "curation-message", class: "muted" });
  fill(el, h("h2", {}, t("curation.title")), intro, message,
    h("h3", {}, t("curation.queue")), filterEl, queueEl,
    h("h3", {}, t("curation.batches")), batchesEl,
    h("h3", {}, t("workbench.history")), historyEl);
}

/** What the curator signs as a rejection's reason: "code: note", "code", or the note (other). */
export function composeReason(code, note) {
  const text = note.trim();
  if (!code || code === OTHER) return text;
  return text ? `${code}: ${text}` : code;
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
    throw Object.assign(new Error("review mismatch"), { plain: t("curation.mismatch") });
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
    fill(message, h("span", { class: "ok", "data-verdict": kept.verdict }, t("curation.reviewed", { verdict: t(`workbench.verdict.${kept.verdict}`) })));
    card.remove();
    cards.delete(item.contribution_id);
    refresh();
  } catch (err) {
    for (const b of card.querySelectorAll("button")) b.disabled = false;
    fill(note, h("span", { class: "error" }, errorText(err)));
  }
}

/** The pool's rubric text in the page's language (or English, or the one text it has). */
function levelText(text) {
  return text[language()] ?? text.en ?? text[""] ?? Object.values(text)[0] ?? "";
}

function rubricBlock(pool, max) {
  const levels = pool?.rubric || [];
  return h("details", { class: "workbench-rubric", open: true },
    h("summary", {}, t("workbench.rubric")),
    levels.length
      ? h("ul", {}, levels.map((level) => h("li", { "data-weight": level.weight },
        h("strong", {}, t("workbench.rubricFrom", { weight: formatNumber(level.weight) })), " ", levelText(level.text))))
      : h("p", { class: "muted" }, t("workbench.noRubric", { max: formatNumber(max) })));
}

function duplicateFlags(item) {
  if (!item.duplicates?.length) return null;
  return h("ul", { class: "workbench-duplicates" }, item.duplicates.map((d) => h("li", {
    class: "workbench-duplicate", "data-duplicate-of": d.contribution_id, "data-same-contributor": String(d.same_contributor),
  }, t(d.same_contributor ? "workbench.duplicateSame" : "workbench.duplicateOther", { id: short(d.contribution_id, 8, 6) }))));
}

/** Fetches the plaintext through the workbench endpoint (recorded in the member's log) and
 * shows it: images and text in the page, anything else as a download. */
async function openContent(item, button, target) {
  button.disabled = true;
  fill(target, h("p", { class: "muted" }, t("workbench.opening")));
  try {
    const response = await fetch(`/v1/curation/contributions/${item.contribution_id}/content`, {
      headers: { Authorization: `Bearer ${await siweToken()}` },
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw Object.assign(new Error(problem.detail || `HTTP ${response.status}`), { problem });
    }
    const type = (response.headers.get("content-type") || "application/octet-stream").split(";")[0].trim().toLowerCase();
    const disposition = response.headers.get("content-disposition") || "";
    const name = (disposition.match(/filename="([^"]*)"/) || [])[1] || "contribution";
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    if (opened.has(item.contribution_id)) URL.revokeObjectURL(opened.get(item.contribution_id));
    opened.set(item.contribution_id, url);
    const download = h("a", { class: "workbench-download", href: url, download: name },
      t("workbench.download", { name, size: formatSize(blob.size) }));
    let shown;
    if (IMAGE_TYPES.test(type)) {
      shown = h("img", { class: "workbench-image", src: url, alt: name });
    } else if (TEXT_TYPES.test(type)) {
      const text = new TextDecoder().decode(await blob.slice(0, TEXT_PREVIEW_BYTES).arrayBuffer());
      shown = [h("pre", { class: "workbench-text" }, text),
        blob.size > TEXT_PREVIEW_BYTES ? h("p", { class: "muted" }, t("workbench.truncated")) : null];
    } else {
      shown = h("p", { class: "muted" }, t("workbench.noPreview", { type }));
    }
    fill(target, h("div", { class: "workbench-content", "data-content-type": type }, shown, h("p", {}, download),
      h("p", { class: "muted" }, t("workbench.openedNote"))));
  } catch (err) {
    fill(target, h("p", { class: "error" }, t("workbench.openFailed", { error: errorText(err) })));
  } finally {
    button.disabled = false;
  }
}

function queueItem(queue, item, poolNames) {
  const max = queue.max_weight[String(item.pool_id)];
  const pool = queue.pools?.[String(item.pool_id)];
  const weight = h("input", { class: "review-weight", type: "number", min: 1, max, step: 1, value: 1, inputmode: "numeric" });
  const code = h("select", { class: "review-code" },
    h("option", { value: "" }, t("workbench.code.none")),
    REJECT_CODES.map((c) => h("option", { value: c }, t(`workbench.code.${c}`))));
  const reason = h("input", { class: "review-reason", type: "text", maxlength: 500 });
  const note = h("p", { class: "review-message muted" });
  const content = h("div", { class: "workbench-opened" });
  const openButton = h("button", { class: "workbench-open secondary", type: "button" }, t("workbench.open"));
  openButton.addEventListener("click", () => openContent(item, openButton, content));
  const card = h("div", { class: "card review", "data-contribution-id": item.contribution_id, "data-cid": item.cid, "data-pool-id": item.pool_id },
    h("strong", {}, poolNames.get(item.pool_id) || t("curation.pool", { id: item.pool_id })),
    h("div", { class: "mono", title: item.cid }, short(item.cid, 10, 8)),
    h("div", { class: "muted" }, t("curation.from", { who: short(item.contributor), date: formatDate(seconds(item.signed_at)) })),
    duplicateFlags(item),
    h("p", {}, openButton),
    content,
    rubricBlock(pool, max),
    h("div", { class: "workbench-verdicts" },
      h("div", { class: "workbench-accept" },
        h("label", {}, t("curation.weight", { max }), weight),
        h("p", {}, h("button", {
          class: "accept", type: "button",
          onclick: () => {
            const w = Number(weight.value);
            if (!Number.isInteger(w) || w < 1 || w > max) { fill(note, h("span", { class: "error" }, t("curation.badWeight", { max }))); return; }
            review(queue, item, w, "", card);
          },
        }, t("curation.accept")))),
      h("div", { class: "workbench-reject" },
        h("label", {}, t("workbench.code"), code),
        h("label", {}, t("curation.reason"), reason),
        h("p", {}, h("button", {
          class: "danger reject", type: "button",
          onclick: () => {
            const chosen = code.value;
            if ((!chosen || chosen === OTHER) && !reason.value.trim()) { fill(note, h("span", { class: "error" }, t("curation.needReason"))); return; }
            review(queue, item, 0, composeReason(chosen, reason.value), card);
          },
        }, t("curation.reject"))))),
    note);
  return card;
}

async function confirmBatch(batch, button) {
  button.disabled = true;
  try {
    const receipt = await sendTx({ label: t("curation.confirm"), contract: "ContributionRegistry", functionName: "acceptBatch", args: [BigInt(batch.batch_id)] });
    fill(message, h("span", { class: "ok", id: "batch-confirmed" }, `${t("curation.confirmed", { id: batch.batch_id })}${paidNote(receipt)}`));
    batchesKey = "";
  } catch (err) {
    button.disabled = false;
    fill(message, h("span", { class: "error" }, errorText(err)));
  }
  refresh();
}

function batchCard(batch, poolNames) {
  const { verified, problems } = batch.manifest_check;
  const button = h("button", { class: "confirm-batch", type: "button", disabled: !verified }, t("curation.confirm"));
  button.addEventListener("click", () => confirmBatch(batch, button));
  const pool = poolNames.get(batch.pool_id) || t("curation.pool", { id: batch.pool_id });
  return h("div", { class: "card batch", "data-batch-id": batch.batch_id, "data-verified": String(verified) },
    h("strong", {}, t("curation.batchTitle", { id: batch.batch_id, pool })),
    h("div", {}, t("curation.batchLine", { count: batch.count, weight: batch.total_weight, rejected: batch.rejected })),
    h("p", { class: verified ? "ok" : "error" }, verified ? t("curation.verified") : t("curation.notVerified", { problems: problems.join("; ") })),
    h("p", {}, button));
}

function reasonWords(row) {
  if (row.verdict === "accepted") return "";
  const template = row.reason_code && row.reason_code !== OTHER ? t(`workbench.code.${row.reason_code}`) : "";
  return [template, row.reason_note].filter(Boolean).join(": ");
}

function historyView(found, poolNames) {
  const token = state.config.payment_token;
  const { throughput: done, pay } = found;
  const share = formatNumber(pay.per_review_share_ppb / 1e7, { maximumFractionDigits: 4 });
  const rows = found.reviews.map((row) => h("tr", { "data-contribution-id": row.contribution_id, "data-verdict": row.verdict },
    h("td", {}, formatDate(seconds(row.reviewed_at))),
    h("td", {}, poolNames.get(row.pool_id) || t("curation.pool", { id: row.pool_id })),
    h("td", {}, pill(row.verdict, t(`workbench.verdict.${row.verdict}`))),
    h("td", {}, row.weight ? formatNumber(row.weight) : "–"),
    h("td", { class: "workbench-reason" }, reasonWords(row)),
    h("td", {}, row.batch_status ? pill(row.batch_status, t(`workbench.batch.${row.batch_status}`)) : h("span", { class: "muted" }, t("workbench.batch.none")))));
  return [
    h("p", { id: "workbench-throughput", "data-last-day": done.last_day, "data-last-week": done.last_week, "data-total": done.total },
      t("workbench.throughput", { day: formatNumber(done.last_day), week: formatNumber(done.last_week), total: formatNumber(done.total) })),
    h("div", { class: "grid workbench-pay", id: "workbench-pay" },
      stat(t("workbench.credited"), `${formatNumber(pay.credited_reviews)} / ${formatNumber(pay.total_credited)}`),
      stat(t("workbench.claimable"), amount(pay.claimable, token.decimals, token.symbol), { "data-raw": pay.claimable }),
      stat(t("workbench.claimed"), amount(pay.claimed, token.decimals, token.symbol)),
      stat(t("workbench.perReview"), amount(pay.earned_per_review, token.decimals, token.symbol))),
    h("p", { class: "muted" }, pay.total_credited
      ? t("workbench.payShare", { share, workers: formatNumber(pay.workers_bps / 100) })
      : t("workbench.payNone", { workers: formatNumber(pay.workers_bps / 100) }),
      " ", t("workbench.cap", { count: formatNumber(pay.epoch_reviews), cap: formatNumber(pay.curation_cap) })),
    rows.length
      ? h("div", { class: "table-wrap" }, h("table", { id: "workbench-reviews" },
        h("thead", {}, h("tr", {}, ["when", "pool", "verdict", "weight", "reason", "batch"].map((c) => h("th", {}, t(`workbench.col.${c}`))))),
        h("tbody", {}, rows)))
      : h("p", { class: "muted" }, t("workbench.noHistory")),
  ];
}

function filterView(queue, poolNames) {
  const ids = [...new Set(queue.items.map((i) => i.pool_id))].sort((a, b) => a - b);
  if (poolFilter && !ids.includes(Number(poolFilter))) poolFilter = "";
  const select = h("select", { id: "workbench-pool" },
    h("option", { value: "" }, t("workbench.allPools", { count: formatNumber(queue.items.length) })),
    ids.map((id) => h("option", { value: id, selected: String(id) === poolFilter },
      t("workbench.poolOption", { pool: poolNames.get(id) || t("curation.pool", { id }), count: formatNumber(queue.items.filter((i) => i.pool_id === id).length) }))));
  select.addEventListener("change", () => { poolFilter = select.value; showQueue(); });
  fill(filterEl, ids.length > 1 ? h("label", {}, t("workbench.pools"), select) : null);
}

/** Shows the cards of the chosen pool (or all, grouped per pool), oldest first. */
function showQueue() {
  if (!cards.size) { fill(queueEl, h("p", { class: "muted" }, t("curation.empty"))); return; }
  for (const card of cards.values()) card.hidden = Boolean(poolFilter) && card.dataset.poolId !== poolFilter;
  if (!queueEl.children.length || [...cards.values()].some((c) => !c.isConnected)) fill(queueEl, [...cards.values()]);
}

export async function refresh() {
  if (!state.account || !state.curator) {
    fill(intro, t("curation.notCurator"));
    fill(filterEl);
    fill(queueEl);
    fill(batchesEl);
    fill(historyEl);
    forget();
    return;
  }
  fill(intro, t("curation.intro"));
  if (!hasSession()) {
    fill(queueEl, h("button", { id: "curation-sign-in", type: "button", onclick: () => siweToken().then(refresh, (e) => fill(message, h("span", { class: "error" }, errorText(e)))) }, t("curation.signIn")));
    cards = new Map();
    return;
  }
  const [queue, batches, pools, history] = await Promise.all([
    api("/v1/curation/queue", { auth: true }),
    api("/v1/curation/batches", { auth: true }),
    api("/v1/pools"),
    api("/v1/curation/history", { auth: true }),
  ]);
  const poolNames = new Map(pools.map((p) => [p.id, p.name]));
  // Oldest first across pools, grouped per pool: the queue is oldest first already.
  const items = [...queue.items].sort((a, b) => a.pool_id - b.pool_id || Date.parse(a.signed_at) - Date.parse(b.signed_at));
  // Each item keeps its card while it stays in the queue, so a weight or reason being typed stays.
  const ids = items.map((i) => i.contribution_id);
  const same = ids.length === cards.size && ids.every((id, i) => [...cards.keys()][i] === id);
  if (!same || !items.length) {
    cards = new Map(items.map((item) => [item.contribution_id, cards.get(item.contribution_id) || queueItem(queue, item, poolNames)]));
    fill(queueEl);
  }
  filterView({ ...queue, items }, poolNames);
  showQueue();
  const bkey = JSON.stringify(batches.batches.map((b) => [b.batch_id, b.status, b.manifest_check.verified]));
  if (bkey !== batchesKey) {
    batchesKey = bkey;
    fill(batchesEl, batches.batches.length ? batches.batches.map((b) => batchCard(b, poolNames)) : h("p", { class: "muted" }, t("curation.noBatches")));
  }
  fill(historyEl, historyView(history, poolNames));
}
