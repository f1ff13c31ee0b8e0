// My data: what the cooperative did with what the member gave it (their consent receipts,
// newest first, each in plain words in the page's language, with the curators' openings as an
// access log), downloads of the receipts as JSON-LD, and the export of everything held about
// the member (a tar, fetched with the SIWE token and saved through a blob URL).
import { api, hasSession, siweToken } from "./api.js";
import { state } from "./state.js";
import { h, fill, short, errorText } from "./ui.js";
import { t, language, formatDate, formatSize } from "./i18n.js";

let receiptsList, accessList, exportMessage, receiptsMessage;
let lastPage = null;

export function mount(el) {
  receiptsList = h("div", { id: "mydata-receipts" });
  accessList = h("div", { id: "mydata-access" });
  receiptsMessage = h("p", { id: "mydata-receipts-message", class: "muted", role: "status" });
  exportMessage = h("p", { id: "mydata-export-message", class: "muted", role: "status" });
  fill(el,
    h("div", { class: "card", id: "mydata" },
      h("h3", {}, t("mydata.title")),
      h("p", { class: "muted" }, t("mydata.intro")),
      h("h4", {}, t("mydata.receiptsTitle")), receiptsList,
      h("h4", {}, t("mydata.accessTitle")), accessList,
      h("div", { class: "row" },
        h("button", { id: "mydata-download-receipts", class: "secondary", type: "button", onclick: downloadReceipts }, t("mydata.downloadReceipts"))),
      receiptsMessage,
      h("div", { class: "row" },
        h("button", { id: "mydata-export", type: "button", onclick: downloadExport }, t("mydata.export"))),
      h("p", { class: "muted" }, t("mydata.exportHint")),
      exportMessage));
}

function summaryOf(receipt) {
  return receipt.summary?.[language()] || receipt.summary?.en || receipt.kind;
}

function receiptItem(receipt) {
  const date = formatDate(Date.parse(receipt.timestamp) / 1000);
  return h("li", { class: "receipt", "data-kind": receipt.kind, "data-contribution-id": receipt.contribution_id },
    h("div", {}, summaryOf(receipt)),
    h("div", { class: "muted" }, t(`mydata.kind.${kindKey(receipt.kind)}`), " · ", date));
}

function kindKey(kind) {
  return { "review-opening": "opening" }[kind] || kind;
}

function accessItem(receipt) {
  const date = formatDate(Date.parse(receipt.timestamp) / 1000);
  const curator = receipt.recipient?.name || "";
  return h("li", { class: "access", "data-contribution-id": receipt.contribution_id, "data-curator": curator },
    t("mydata.opened", { id: short(receipt.contribution_id), curator: short(curator), date }));
}

/** All the member's receipts (every page). */
async function allReceipts(path) {
  let offset = 0;
  let page = null;
  const receipts = [];
  do {
    page = await api(`${path}?offset=${offset}&limit=200`, { auth: true });
    receipts.push(...page.receipts);
    offset = page.next_offset;
  } while (offset !== null && offset !== undefined);
  return { ...page, offset: 0, next_offset: null, limit: receipts.length, receipts };
}

export async function refresh() {
  if (!receiptsList) return;
  if (!state.account) {
    fill(receiptsList, h("p", { class: "muted" }, t("contribute.connectFirst")));
    fill(accessList);
    return;
  }
  if (!hasSession()) {
    fill(receiptsList, h("p", {}, h("button", { id: "mydata-sign-in", class: "secondary", type: "button",
      onclick: () => siweToken().then(refresh, () => {}) }, t("mydata.signIn"))));
    fill(accessList);
    return;
  }
  try {
    lastPage = await allReceipts(`/v1/members/${state.account}/receipts`);
  } catch (err) {
    fill(receiptsList, h("p", { class: "error" }, errorText(err)));
    return;
  }
  const records = lastPage.receipts.filter((r) => r.kind !== "review-opening");
  const openings = lastPage.receipts.filter((r) => r.kind === "review-opening");
  fill(receiptsList, records.length
    ? h("ul", { class: "receipt-list" }, records.map(receiptItem))
    : h("p", { class: "muted" }, t("mydata.noReceipts")));
  fill(accessList, openings.length
    ? h("ul", { class: "access-list" }, openings.map(accessItem))
    : h("p", { class: "muted" }, t("mydata.noAccess")));
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function downloadReceipts() {
  fill(receiptsMessage);
  try {
    const page = await allReceipts(`/v1/members/${state.account}/receipts`);
    save(new Blob([JSON.stringify(page, null, 2)], { type: "application/ld+json" }), `lumbung-receipts-${state.account}.jsonld`);
    fill(receiptsMessage, h("span", { class: "ok" }, t("mydata.receiptsSaved", { count: page.receipts.length })));
  } catch (err) {
    fill(receiptsMessage, h("span", { class: "error" }, errorText(err)));
  }
}

/** One contribution's receipts as a JSON-LD file (GET /v1/contributions/{id}/receipts). */
export async function downloadContributionReceipts(id, message) {
  try {
    const page = await allReceipts(`/v1/contributions/${id}/receipts`);
    save(new Blob([JSON.stringify(page, null, 2)], { type: "application/ld+json" }), `lumbung-receipts-${id}.jsonld`);
  } catch (err) {
    if (message) fill(message, h("span", { class: "error" }, errorText(err)));
  }
}

async function downloadExport(event) {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    fill(exportMessage, t("contribute.signingIn"));
    const token = await siweToken();
    fill(exportMessage, t("mydata.preparing"));
    const response = await fetch(`/v1/members/${state.account}/export`, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { plain: t("mydata.exportFailed") });
    const total = Number(response.headers.get("content-length")) || null;
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      fill(exportMessage, total ? t("mydata.receiving", { received: formatSize(received), total: formatSize(total) })
        : t("mydata.receivingUnknown", { received: formatSize(received) }));
    }
    if (total && received !== total) throw Object.assign(new Error("short"), { plain: t("mydata.exportShort") });
    save(new Blob(chunks, { type: "application/x-tar" }), `lumbung-${state.account}.tar`);
    fill(exportMessage, h("span", { class: "ok", id: "mydata-export-done" }, t("mydata.exportSaved", { size: formatSize(received) })));
  } catch (err) {
    fill(exportMessage, h("span", { class: "error" }, errorText(err)));
  } finally {
    button.disabled = false;
  }
}
