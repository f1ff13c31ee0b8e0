// The chain side: an EIP-1193 wallet (window.ethereum) for accounts and signatures; viem for
// reads, encoding and decoding custom errors into plain words. Transactions are in tx.js.
import {
  createPublicClient, custom, decodeErrorResult, defineChain, encodeFunctionData, getAddress,
  http, numberToHex,
} from "viem";
import { state, changed, rightChain } from "./state.js";

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
    name: state.config.dev_chain_ids.includes(id) ? `Lumbung local (chain ${id})` : `Lumbung chain ${id}`,
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
    throw new Error("This cooperative publishes no RPC: connect a wallet on its chain to read it.");
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
    throw new Error("No wallet found. Install MetaMask (or another EIP-1193 wallet) and reload.");
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

const PLAIN = {
  MembershipAlreadyMember: () => "This account is already a member.",
  MembershipNotMember: () => "This account is not a member of the cooperative.",
  MembershipVoucherExpired: () => "The voucher has expired; ask the registrar for a new one.",
  MembershipVoucherUsed: () => "This voucher has already been used.",
  MembershipInvalidSigner: () => "The voucher was not signed by one of the cooperative's registrars.",
  ContributionRegistryNotMember: () => "Only members can contribute: join the cooperative first.",
  ContributionRegistryUnknownPool: (a) => `Pool ${a.poolId} does not exist.`,
  ContributionRegistryPoolClosed: (a) => `Pool ${a.poolId} is closed to new contributions.`,
  ContributionRegistryDuplicateCid: () => "You have already registered this exact file.",
  ContributionRegistryUnknownContribution: () => "There is no such contribution.",
  ContributionRegistryNotPending: () => "The contribution has already been reviewed or revoked.",
  ContributionRegistryCuratorNotWorker: () => "Only curators in the worker class can review contributions.",
  ContributionRegistrySelfCuration: () => "Curators cannot review their own contributions.",
  ContributionRegistryZeroWeight: () => "An accepted contribution needs a weight above zero.",
  ContributionRegistryNotContributor: () => "Only the member who contributed this can do that.",
  ContributionRegistryNotRevocable: () => "This contribution cannot be revoked in its current state.",
  DataMarketNotForSale: (a) => `Pool ${a.poolId} is not for sale right now.`,
  DataMarketPurposeNotAllowed: () => "The pool's license does not allow this purpose.",
  DataMarketPriceAboveMax: () => "The price went up above the maximum you accepted.",
  DataMarketStrike: () => "The cooperative is on a data strike against this buyer.",
  DataMarketOrderAlreadySettled: () => "This order was already settled.",
  DataMarketInvalidListing: () => "The listing is invalid: it needs a price and at least one purpose.",
  RevenueDistributorInvalidSplit: () => "The revenue split must add up to 100% (10 000 basis points).",
  CoopGovernorProposerNotMember: () => "Only members can create proposals (membership counts from the previous block).",
  CoopGovernorVoterNotMember: () => "You were not a member when this proposal's snapshot was taken, so you cannot vote on it.",
  CoopGovernorZeroVotes: () => "Cast at least one vote.",
  CoopGovernorDoubleVote: () => "You have already voted on this proposal.",
  CoopGovernorInsufficientCredits: (a) => `That costs ${a.cost} credits but you have only ${a.remaining} left this epoch.`,
  CoopGovernorInvalidClassWeights: (a) => `Class weights must add up to 10 000 basis points; these add up to ${a.total}.`,
  CoopGovernorInvalidClassQuorum: () => "A class quorum cannot exceed 10 000 basis points (100%).",
  GovernorUnexpectedProposalState: () => "The proposal is not in a state that allows this now.",
  GovernorAlreadyCastVote: () => "You have already voted on this proposal.",
  GovernorNonexistentProposal: () => "There is no such proposal.",
  GovernorInsufficientProposerVotes: () => "You need more contribution tokens to create a proposal.",
  ERC20InsufficientBalance: () => "Not enough balance.",
  ERC20InsufficientAllowance: () => "The contract is not allowed to spend that much of your tokens.",
  AccessControlUnauthorizedAccount: () => "Your account lacks the role needed for this.",
  TimelockUnexpectedOperationState: () => "The timelock is not ready for this yet: wait until its delay has passed.",
  TimelockUnexecutedPredecessor: () => "Another queued operation must run first.",
};

function words(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/** A contract error by name, with its arguments, in plain words. */
export function plainError(name, args = {}) {
  const explain = PLAIN[name];
  return explain ? explain(args) : `The contract refused: ${words(name)}.`;
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
    if (errorName === "Panic") return { name: "Panic", args: named, plain: `The contract panicked (code ${args?.[0]}).` };
    return { name: errorName, args: named, plain: plainError(errorName, named) };
  } catch {
    return { name: "UnknownRevert", args: {}, plain: `The contract refused the transaction (${data.slice(0, 10)}).` };
  }
}

/** {name, plain} for any failure: a decoded revert, a rejection in the wallet, or the message. */
export function describe(err) {
  const decoded = decodeRevert(err);
  if (decoded) return decoded;
  if (err?.code === 4001) return { name: "UserRejected", plain: "You rejected the request in your wallet." };
  return { name: err?.name || "Error", plain: err?.shortMessage || err?.message || String(err) };
}
