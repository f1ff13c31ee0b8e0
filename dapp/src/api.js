// The Lumbung API: JSON helpers that turn problem+json answers into errors, and Sign-In with
// Ethereum (EIP-4361) sessions, one per wallet address, kept for the tab's lifetime.
import { getAddress, stringToHex } from "viem";
import { state } from "./state.js";

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
  if (!state.account) throw new Error("connect a wallet first");
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

