// Gas paid by the cooperative: the API's relay (GET/POST /v1/relay). A member who holds no ether,
// or who chooses it, signs instead of sending: an EIP-712 ForwardRequest for the cooperative's
// ERC-2771 forwarder (its nonce read from the forwarder), an EIP-712 ballot for the governor's
// castVote…BySig (its nonce read from the governor), or nothing at all for a voucher join (the
// registrar signed the voucher). The API's gas relayer sends it and answers what it cost.
import { decodeFunctionData, getAddress } from "viem";
import { api } from "./api.js";
import { abiOf, read, reader } from "./chain.js";
import { state } from "./state.js";
import { t, tn, formatDecimal, formatNumber } from "./i18n.js";

/** Every string the relay shows, from the catalogues (relay.*): read at the time of use, so
 * they follow the page's language. */
export const TEXT = {
  get title() { return t("relay.title"); },
  get noEther() { return t("relay.noEther"); },
  get choose() { return t("relay.choose"); },
  get chooseHint() { return t("relay.chooseHint"); },
  left: (left, quota) => t("relay.left", { left: formatNumber(left), quota: formatNumber(quota) }),
  resets: (when) => t("relay.resets", { when }),
  get unavailable() { return t("relay.unavailable"); },
  get sending() { return t("relay.sending"); },
  paid: (eth) => t("relay.paid", { eth: formatDecimal(eth) }),
  minedIn: (block) => t("relay.minedIn", { block: formatNumber(block) }),
  get notRelayable() { return t("relay.notRelayable"); },
  get quotaUsed() { return t("relay.quotaUsed"); },
  get fundEmpty() { return t("relay.fundEmpty"); },
  get fund() { return t("relay.fund"); },
  get fundIntro() { return t("relay.fundIntro"); },
  get fundBalance() { return t("relay.fundBalance"); },
  get fundSpent() { return t("relay.fundSpent"); },
  get fundDays() { return t("relay.fundDays"); },
  days: (n) => (n === null || n === undefined ? "—" : n > 3650 ? t("relay.daysMany") : tn("relay.days", Math.floor(n))),
  get fundActions() { return t("relay.fundActions"); },
  get fundPaid() { return t("relay.fundPaid"); },
};

// OpenZeppelin's ERC2771Forwarder: the typed data it verifies and the one view the dApp reads.
const FORWARD_REQUEST = [
  { name: "from", type: "address" }, { name: "to", type: "address" },
  { name: "value", type: "uint256" }, { name: "gas", type: "uint256" },
  { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint48" },
  { name: "data", type: "bytes" },
];
const EXTENDED_BALLOT = [
  { name: "proposalId", type: "uint256" }, { name: "support", type: "uint8" },
  { name: "voter", type: "address" }, { name: "nonce", type: "uint256" },
  { name: "reason", type: "string" }, { name: "params", type: "bytes" },
];
const BALLOT = [
  { name: "proposalId", type: "uint256" }, { name: "support", type: "uint8" },
  { name: "voter", type: "address" }, { name: "nonce", type: "uint256" },
];
const DOMAIN = [
  { name: "name", type: "string" }, { name: "version", type: "string" },
  { name: "chainId", type: "uint256" }, { name: "verifyingContract", type: "address" },
];
const NONCES_ABI = [{
  type: "function", name: "nonces", stateMutability: "view",
  inputs: [{ name: "owner", type: "address" }], outputs: [{ name: "", type: "uint256" }],
}];

// The governor's votes and the signed form the relay sends for each.
const VOTES = { castVote: "castVoteBySig", castVoteWithReasonAndParams: "castVoteWithReasonAndParamsBySig" };
// A signed request stays valid this long (the API accepts at most an hour ahead).
const DEADLINE_S = 30n * 60n;

/** GET /v1/relay for the connected account (or none): the forwarder, limits, quota and fund. */
export function relayInfo() {
  const query = state.account ? `?account=${state.account}` : "";
  return api(`/v1/relay${query}`);
}

function choiceKey() {
  return `lumbung.gas.${state.account}`;
}

/** Whether the member asked the cooperative to pay even though they hold some ether. */
export function chosen() {
  return localStorage.getItem(choiceKey()) === "cooperative";
}

export function choose(cooperative) {
  if (cooperative) localStorage.setItem(choiceKey(), "cooperative");
  else localStorage.removeItem(choiceKey());
}

/** Whether this account's actions go through the relay: `{relay, noEther}`, relayed when the
 * account holds no ether at all (it could not pay) or when the member chose it. */
export async function relaying() {
  const balance = await reader().getBalance({ address: state.account });
  const noEther = balance === 0n;
  return { relay: noEther || chosen(), noEther };
}

/** "0.00012" for 123456789012345n wei: two significant digits, never rounded to zero. */
export function ether(wei) {
  const value = BigInt(wei);
  if (value === 0n) return "0";
  const digits = value.toString();
  if (digits.length > 18) {
    const whole = digits.slice(0, digits.length - 18);
    const frac = digits.slice(digits.length - 18, digits.length - 18 + 4).replace(/0+$/, "");
    return frac ? `${whole}.${frac}` : whole;
  }
  const zeros = 18 - digits.length;
  const significant = digits.slice(0, 2).replace(/0+$/, "");
  return `0.${"0".repeat(zeros)}${significant}`;
}

function typed(domain, primaryType, fields, message) {
  return JSON.stringify({
    types: { EIP712Domain: DOMAIN, [primaryType]: fields },
    domain, primaryType, message,
  }, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

function signTyped(json) {
  return window.ethereum.request({ method: "eth_signTypedData_v4", params: [state.account, json] });
}

async function chainNow() {
  const block = await reader().getBlock();
  return block.timestamp;
}

async function forwardBody(info, to, data, gas) {
  const forwarder = getAddress(info.forwarder);
  // Sign only for the deployment's own forwarder, whatever the API says.
  if (forwarder !== getAddress(state.config.contracts.Forwarder) || getAddress(info.domain.verifyingContract) !== forwarder) {
    throw Object.assign(new Error("the relay names another forwarder"), { name: "RelayForwarderMismatch", plain: TEXT.unavailable });
  }
  const [nonce, now] = await Promise.all([
    reader().readContract({ address: forwarder, abi: NONCES_ABI, functionName: "nonces", args: [state.account] }),
    chainNow(),
  ]);
  const maxGas = BigInt(info.limits.max_gas);
  const request = {
    from: state.account, to: getAddress(to), value: 0n, gas: gas > maxGas ? maxGas : gas,
    deadline: now + DEADLINE_S, data,
  };
  const domain = {
    name: info.domain.name, version: info.domain.version,
    chainId: Number(info.domain.chainId), verifyingContract: getAddress(info.domain.verifyingContract),
  };
  const signature = await signTyped(typed(domain, "ForwardRequest", FORWARD_REQUEST, { ...request, nonce }));
  return {
    kind: "forward",
    request: { ...request, value: "0", gas: Number(request.gas), deadline: Number(request.deadline), signature },
  };
}

async function governorDomain() {
  const [, name, version, chainId, verifyingContract] = await read("CoopGovernor", "eip712Domain");
  return { name, version, chainId: Number(chainId), verifyingContract };
}

async function voteBody(functionName, args) {
  const [proposalId, support] = args;
  const reason = functionName === "castVoteWithReasonAndParams" ? args[2] : "";
  const params = functionName === "castVoteWithReasonAndParams" ? args[3] : "0x";
  const [domain, nonce] = await Promise.all([governorDomain(), read("CoopGovernor", "nonces", [state.account])]);
  const simple = reason === "" && params === "0x";
  const message = simple
    ? { proposalId, support, voter: state.account, nonce }
    : { proposalId, support, voter: state.account, nonce, reason, params };
  const signature = await signTyped(typed(domain, simple ? "Ballot" : "ExtendedBallot", simple ? BALLOT : EXTENDED_BALLOT, message));
  return {
    kind: "vote", proposal_id: proposalId.toString(), support: Number(support), voter: state.account,
    reason, params, signature,
  };
}

/** The relay's action (from GET /v1/relay's `actions`) of `kind` for a call to `to` of `functionName`. */
function action(info, kind, to, functionName) {
  return info.actions.find((a) => a.kind === kind && a.address.toLowerCase() === to.toLowerCase() && a.function === functionName);
}

/**
 * The signed body to POST /v1/relay for a call, or null when the relay does not carry it: the
 * API lists what it sends (member and curator calls on the contracts that trust the forwarder,
 * the governor's votes by signature, voucher joins). `voucher` is the registrar's voucher for a
 * join; `gas` the simulated gas with its margin.
 */
export async function relayBody({ to, data, voucher, gas }) {
  if (!state.config.contracts.Forwarder) return null; // a deployment without the relay
  const name = Object.keys(state.config.contracts).find((n) => state.config.contracts[n].toLowerCase() === to.toLowerCase());
  if (!name) return null;
  const { functionName, args } = decodeFunctionData({ abi: abiOf(name), data });
  const info = await relayInfo();
  if (functionName === "join" && voucher && action(info, "join", to, "join")) {
    return { kind: "join", voucher, signature: voucher.signature };
  }
  if (VOTES[functionName] && action(info, "vote", to, VOTES[functionName])) return voteBody(functionName, args);
  if (action(info, "forward", to, functionName)) return forwardBody(info, to, data, gas);
  return null;
}

/** POSTs a signed body; resolves to {tx_hash, status, gas_used, cost_wei, action, account}. */
export function relay(body) {
  return api("/v1/relay", { method: "POST", body });
}
