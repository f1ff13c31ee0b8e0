// The Lumbung API: JSON helpers that turn problem+json answers into errors, and Sign-In with
// Ethereum (EIP-4361) sessions, one per wallet address, kept for the tab's lifetime.
import { getAddress, stringToHex } from "viem";
import { state } from "./state.js";
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = "GET", body, form, auth = false, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  if (form) init.body = form;
  if (auth) init.headers.Authorization = `Bearer ${await siweToken()}`;
  const response = await fetch(path, init);
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (response.status === 401 && auth) sessionStorage.removeItem(tokenKey());
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : { title: data });
  return data;
}

/**
 * POSTs a multipart `form` with XMLHttpRequest, which, unlike fetch, reports the upload's
 * progress: `onProgress(sent, total)` as the bytes leave (slow rural links take minutes).
 * Signed in like api(..., {auth: true}); resolves to the JSON answer, throws an ApiError.
 */
export async function uploadForm(path, form, { onProgress } = {}) {
  const token = await siweToken();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.addEventListener("progress", (event) => {
      if (onProgress) onProgress(event.loaded, event.lengthComputable ? event.total : null);
    });
    xhr.addEventListener("load", () => {
      let data = xhr.responseText;
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON: keep the text */ }
      if (xhr.status === 401) sessionStorage.removeItem(tokenKey());
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, typeof data === "object" && data ? data : { title: data || `HTTP ${xhr.status}` }));
    });
    xhr.addEventListener("error", () => reject(Object.assign(new Error("network error"), { plain: t("error.network") })));
    xhr.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { plain: t("error.aborted") })));
    xhr.send(form);
  });
}

function tokenKey() {
  return `lumbung.siwe.${state.account}`;
}

/** Whether the connected account is signed in (so an authenticated read asks the wallet nothing). */
export function hasSession() {
  const stored = state.account && JSON.parse(sessionStorage.getItem(tokenKey()) || "null");
  return Boolean(stored && Date.parse(stored.expires_at) > Date.now() + 60_000);
}

/** A SIWE bearer token for the connected account; asks the wallet to sign in when needed. */
export async function siweToken() {
  if (!state.account) throw Object.assign(new Error("connect a wallet first"), { plain: t("tx.connectFirst") });
  if (hasSession()) return JSON.parse(sessionStorage.getItem(tokenKey())).token;
  const nonce = await api("/v1/auth/nonce");
  const address = getAddress(state.account);
  const issuedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const message = [
    `${nonce.domain} wants you to sign in with your Ethereum account:`,
    address,
    "",
    "Sign in to the Lumbung data cooperative.",
    "",
    `URI: ${nonce.uri}`,
    "Version: 1",
    `Chain ID: ${nonce.chain_id}`,
    `Nonce: ${nonce.nonce}`,
    `Issued At: ${issuedAt}`,
  ].join("\n");
  const signature = await window.ethereum.request({
    method: "personal_sign",
    params: [stringToHex(message), address],
  });
  const session = await api("/v1/auth/siwe", { method: "POST", body: { message, signature } });
  sessionStorage.setItem(tokenKey(), JSON.stringify(session));
  return session.token;
}

