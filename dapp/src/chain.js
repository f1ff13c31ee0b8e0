// The chain side: an EIP-1193 wallet (window.ethereum) for accounts and signatures; viem for
// reads, encoding and decoding custom errors into plain words. Transactions are in tx.js.
import {
  createPublicClient, custom, decodeErrorResult, defineChain, encodeFunctionData, getAddress,
  http, numberToHex,
} from "viem";
import { state, changed, rightChain } from "./state.js";
import { t, formatNumber } from "./i18n.js";

let httpClient = null;
let walletClient = null;

// The API's public RPC (LUMBUNG_PUBLIC_RPC_URL), or null: its private RPC never reaches the page.
function publicRpc() {
  return state.config.public_rpc_url;
}

function chainDefinition() {
  const id = state.config.chain_id;
  const rpc = publicRpc();
  return defineChain({
    id,
    name: t(state.config.dev_chain_ids.includes(id) ? "chain.name.local" : "chain.name", { id }),
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: rpc ? [rpc] : [] } },
  });
}

/** A viem public client: through the wallet when it is on the right chain (or when there is no
 * public RPC), else the public RPC. */
export function reader() {
  if (window.ethereum && (rightChain() || !publicRpc())) {
    walletClient ||= createPublicClient({ chain: chainDefinition(), transport: custom(window.ethereum), pollingInterval: 500 });
    return walletClient;
  }
  if (!publicRpc()) {
    throw Object.assign(new Error("no public RPC"), { plain: t("chain.noRpc") });
  }
  httpClient ||= createPublicClient({ chain: chainDefinition(), transport: http(publicRpc()), pollingInterval: 500 });
  return httpClient;
}

/** The ABI of a deployed contract plus every known custom error, so reverts decode by name. */
export function abiOf(name) {
  return [...state.config.abis[name], ...state.config.errors];
}

export function address(name) {
  return state.config.contracts[name];
}

export function read(name, functionName, args = []) {
  return reader().readContract({ address: address(name), abi: abiOf(name), functionName, args });
}

export function encode(name, functionName, args = []) {
  return encodeFunctionData({ abi: state.config.abis[name], functionName, args });
}

// ---- the wallet ----

export async function connect() {
  if (!window.ethereum) {
    throw Object.assign(new Error("no wallet"), { plain: t("chain.noWallet") });
  }
  const accounts = await window.ethereum.request({ method: "eth_requestAccounts" });
  await adoptWallet(accounts);
}

async function adoptWallet(accounts) {
  state.account = accounts && accounts.length ? getAddress(accounts[0]) : null;
  state.walletChainId = Number(await window.ethereum.request({ method: "eth_chainId" }));
  walletClient = null;
  changed();
}

export function watchWallet() {
  if (!window.ethereum?.on) return;
  window.ethereum.on("accountsChanged", (accounts) => adoptWallet(accounts));
  window.ethereum.on("chainChanged", (id) => { state.walletChainId = Number(id); walletClient = null; changed(); });
}

/** Asks the wallet to switch to the cooperative's chain, adding it when the wallet lacks it. */
export async function switchChain() {
  const chainId = numberToHex(state.config.chain_id);
  try {
    await window.ethereum.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
  } catch (err) {
    if (err?.code !== 4902 || !publicRpc()) throw err;
    const chain = chainDefinition();
    await window.ethereum.request({
      method: "wallet_addEthereumChain",
      params: [{ chainId, chainName: chain.name, nativeCurrency: chain.nativeCurrency, rpcUrls: [publicRpc()] }],
    });
  }
  state.walletChainId = Number(await window.ethereum.request({ method: "eth_chainId" }));
  walletClient = null;
  changed();
}

// ---- errors in plain words ----

// Contract errors a member may meet, by name: their plain words are chain.error.<name> in the
// catalogues, with the error's arguments as {placeholders}.
const PLAIN = new Set([
  "MembershipAlreadyMember", "MembershipNotMember", "MembershipVoucherExpired",
  "MembershipVoucherUsed", "MembershipInvalidSigner", "ContributionRegistryNotMember",
  "ContributionRegistryUnknownPool", "ContributionRegistryPoolClosed", "ContributionRegistryDuplicateCid",
  "ContributionRegistryUnknownContribution", "ContributionRegistryNotPending", "ContributionRegistryCuratorNotWorker",
  "ContributionRegistrySelfCuration", "ContributionRegistryZeroWeight", "ContributionRegistryNotContributor",
  "ContributionRegistryNotRevocable", "DataMarketNotForSale", "DataMarketPurposeNotAllowed",
  "DataMarketPriceAboveMax", "DataMarketStrike", "DataMarketOrderAlreadySettled",
  "DataMarketInvalidListing", "RevenueDistributorInvalidSplit", "CoopGovernorProposerNotMember",
  "CoopGovernorVoterNotMember", "CoopGovernorZeroVotes", "CoopGovernorDoubleVote",
  "CoopGovernorInsufficientCredits", "CoopGovernorInvalidClassWeights", "CoopGovernorInvalidClassQuorum",
  "GovernorUnexpectedProposalState", "GovernorAlreadyCastVote", "GovernorNonexistentProposal",
  "GovernorInsufficientProposerVotes", "ERC20InsufficientBalance", "ERC20InsufficientAllowance",
  "AccessControlUnauthorizedAccount", "TimelockUnexpectedOperationState", "TimelockUnexecutedPredecessor",
]);

function words(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/** A contract error by name, with its arguments, in plain words. */
export function plainError(name, args = {}) {
  if (!PLAIN.has(name)) return t("chain.refused", { words: words(name) });
  const shown = {};
  for (const [key, value] of Object.entries(args || {})) {
    shown[key] = typeof value === "bigint" || typeof value === "number" ? formatNumber(value) : String(value);
  }
  return t(`chain.error.${name}`, shown);
}

function revertData(err) {
  let data = null;
  const visit = (e, depth = 0) => {
    if (!e || depth > 8 || data) return;
    for (const candidate of [e.data, e.data?.data, e.error?.data]) {
      if (typeof candidate === "string" && /^0x[0-9a-fA-F]{8}/.test(candidate)) { data = candidate; return; }
    }
    visit(e.cause, depth + 1);
    visit(e.error, depth + 1);
  };
  visit(err);
  return data;
}

/** {name, args, plain} for a revert, or null when the failure carries no revert data. */
export function decodeRevert(err) {
  const data = revertData(err);
  if (!data) return null;
  try {
    const { errorName, args, abiItem } = decodeErrorResult({ abi: state.config.errors, data });
    const named = {};
    (abiItem?.inputs || []).forEach((input, i) => { named[input.name || `arg${i}`] = args?.[i]; });
    if (errorName === "Error") return { name: "Error", args: named, plain: String(args?.[0]) };
    if (errorName === "Panic") return { name: "Panic", args: named, plain: t("chain.panic", { code: String(args?.[0]) }) };
    return { name: errorName, args: named, plain: plainError(errorName, named) };
  } catch {
    return { name: "UnknownRevert", args: {}, plain: t("chain.unknownRevert", { selector: data.slice(0, 10) }) };
  }
}

/** {name, plain} for any failure: a decoded revert, a rejection in the wallet, or the message. */
export function describe(err) {
  const decoded = decodeRevert(err);
  if (decoded) return decoded;
  if (err?.code === 4001) return { name: "UserRejected", plain: t("chain.userRejected") };
  return { name: err?.name || "Error", plain: err?.shortMessage || err?.message || String(err) };
}
