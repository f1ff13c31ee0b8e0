// Contribute: pick a pool, upload the file (the API encrypts and stores it), then sign the
// registration; follow each contribution's status, revoke it, erase it.
import { api } from "./api.js";
import { sendTx, paidNote } from "./tx.js";
import { state } from "./state.js";
import { h, fill, pill, units, short, errorText } from "./ui.js";

let pools = [];
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
    const register = h("button", { id: "register", type: "button" }, "Sign the registration");
    register.addEventListener("click", async () => {
      register.disabled = true;
      try {
        const receipt = await sendTx({ label: "Register the contribution", to: result.registry, data: result.calldata });
        fill(pending, h("p", { class: "ok", id: "registered" }, `Registered: it now waits for a curator.${paidNote(receipt)}`));
        refresh();
      } catch (err) {
        register.disabled = false;
        fill(uploadMessage, h("span", { class: "error" }, errorText(err)));
      }
    });
    fill(pending, h("div", { class: "card", "data-cid": result.cid, "data-contribution-id": result.contribution_id },
      h("div", {}, "CID ", h("span", { class: "mono", id: "upload-cid" }, result.cid)),
      h("p", { class: "muted" }, "Last step: register it on-chain from your wallet."), register));
  } catch (err) {
    fill(uploadMessage, h("span", { class: "error" }, errorText(err)));
  }
}

async function revoke(id) {
  try {
    await sendTx({ label: "Revoke the contribution", contract: "ContributionRegistry", functionName: "revoke", args: [BigInt(id)] });
  } catch { /* the transaction card explains */ }
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

export async function refresh() {
  pools = await api("/v1/pools");
  const chosen = poolSelect.value;
  const options = pools.map((p) => h("option", { value: p.id, selected: String(p.id) === chosen, disabled: !p.open }, `#${p.id} ${p.name}`));
  if (poolSelect.options.length !== options.length || [...poolSelect.options].some((o, i) => o.textContent !== options[i].textContent)) {
    fill(poolSelect, options);
  }
  renderPoolInfo();
  const mine = state.member?.contributions || [];
  if (!state.account) { fill(list, h("p", { class: "muted" }, "Connect your wallet to see your contributions.")); return; }
  if (!mine.length) { fill(list, h("p", { class: "muted" }, "None yet.")); return; }
  fill(list, h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "CID"), h("th", {}, "Pool"), h("th", {}, "Status"), h("th", { class: "num" }, "Weight"), h("th", {}, ""))),
    h("tbody", {}, mine.map((c) => {
      const actions = [];
      if (c.status === "pending" || c.status === "accepted") {
        actions.push(h("button", { class: "secondary revoke", type: "button", onclick: () => revoke(c.id) }, "Revoke"));
      }
      if (c.status === "revoked" && !c.erased) {
        const button = h("button", { class: "danger erase", type: "button" }, "Erase");
        button.addEventListener("click", () => erase(c.id, button));
        actions.push(button);
      }
      return h("tr", { "data-contribution-id": c.id, "data-cid": c.cid, "data-status": c.status, "data-erased": String(c.erased) },
        h("td", { class: "mono", title: c.cid }, short(c.cid, 8, 6)),
        h("td", {}, `#${c.pool_id}`),
        h("td", {}, pill(c.status), c.erased ? [" ", pill("erased")] : ""),
        h("td", { class: "num" }, c.weight),
        h("td", {}, actions));
    }))));
}
