// A test wallet: an EIP-1193 provider that forwards to Anvil, whose accounts are unlocked, so
// Anvil itself signs personal_sign, eth_signTypedData_v4 and eth_sendTransaction. It starts on
// another chain (like a wallet left on mainnet) until the dApp asks it to switch. With
// `signsHere`, the account is a fresh key Anvil does not hold: the test signs the messages
// (window.__lumbungTestSign) and the wallet sends nothing, as a wallet with no ether cannot.
(() => {
  const config = window.__LUMBUNG_TEST_WALLET__;
  const listeners = {};
  let connected = false;
  let chainId = config.startChainId;
  let nextId = 0;
  const emit = (event, value) => (listeners[event] || []).forEach((fn) => fn(value));
  async function forward(method, params) {
    const response = await fetch(config.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++nextId, method, params: params || [] }),
    });
    const body = await response.json();
    if (body.error) {
      const error = new Error(body.error.message);
      error.code = body.error.code;
      error.data = body.error.data;
      throw error;
    }
    return body.result;
  }
  window.__walletLog = [];
  window.ethereum = {
    isLumbungTestWallet: true,
    async request({ method, params }) {
      window.__walletLog.push(method);
      switch (method) {
        case "eth_requestAccounts":
          connected = true;
          return [config.account];
        case "eth_accounts":
          return connected ? [config.account] : [];
        case "eth_chainId":
          return chainId;
        case "personal_sign":
        case "eth_signTypedData_v4":
          return config.signsHere ? window.__lumbungTestSign(method, params) : forward(method, params);
        case "eth_sendTransaction":
          if (config.signsHere) throw Object.assign(new Error("insufficient funds for gas"), { code: -32000 });
          return forward(method, params);
        case "wallet_switchEthereumChain":
          chainId = params[0].chainId;
          emit("chainChanged", chainId);
          return null;
        default:
          return forward(method, params);
      }
    },
    on(event, fn) { (listeners[event] ||= []).push(fn); },
    removeListener(event, fn) { listeners[event] = (listeners[event] || []).filter((f) => f !== fn); },
  };
})();
