// The dApp's shared state and a tiny change notification.
export const state = {
  config: null,        // GET /v1/config
  account: null,       // connected address (checksummed)
  walletChainId: null, // the wallet's current chain
  member: null,        // GET /v1/members/{account}
  onChain: null,       // {active, cls} from Membership.memberStatus (main.js, for every tab)
  curator: false,      // ContributionRegistry.isCurator(account): may review
};

const listeners = new Set();
export function onChange(fn) { listeners.add(fn); }
export function changed() { for (const fn of listeners) fn(); }

export function rightChain() {
  return state.account && state.config && state.walletChainId === state.config.chain_id;
}
