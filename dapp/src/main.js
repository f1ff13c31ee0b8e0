// The Lumbung members' dApp: wallet, membership, contributions, earnings, governance and the
// cooperative's books. Served by the API at /; reads /v1/config first.
import { api } from "./api.js";
import { connect, read, switchChain, watchWallet } from "./chain.js";
import { state, onChange, changed, rightChain } from "./state.js";
import { h, fill, short, errorText } from "./ui.js";
import * as membership from "./membership.js";
import * as contribute from "./contribute.js";
import * as earnings from "./earnings.js";
import * as curation from "./curation.js";
import * as governance from "./governance.js";
import * as transparency from "./transparency.js";
import * as guide from "./guide.js";
import { t, applyStatic, language, onLanguage, setLanguage } from "./i18n.js";

const SECTIONS = { membership, contribute, earnings, curation, governance, transparency, guide };
const REFRESH_MS = 3000;
let current = "membership";
let refreshing = false;

function banner(...children) {
  const el = document.getElementById("banner");
  el.hidden = children.length === 0;
  fill(el, ...children);
}

function renderWallet() {
  const button = document.getElementById("connect");
  const account = document.getElementById("account");
  button.hidden = Boolean(state.account);
  account.hidden = !state.account;
  if (state.account) {
    account.textContent = short(state.account);
    account.title = state.account;
    account.dataset.address = state.account;
  }
  if (state.account && !rightChain()) {
    banner(
      h("span", { id: "wrong-chain" },
        t("banner.wrongChain", { wallet: state.walletChainId, chain: state.config.chain_id })),
      h("button", { id: "switch-chain", type: "button", onclick: () => switchChain().catch((e) => banner(errorText(e))) },
        t("banner.switchChain")),
    );
  } else if (!window.ethereum) {
    banner(t("banner.noWallet"));
  } else {
    banner();
  }
}

function show(tab) {
  current = SECTIONS[tab] ? tab : "membership";
  for (const section of document.querySelectorAll("[data-section]")) section.hidden = section.id !== current;
  for (const link of document.querySelectorAll("[data-tab]")) {
    if (link.dataset.tab === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  revealTab();
  refresh();
}

/** The connected member as every tab needs it (a reload or a deep link opens any tab first):
 * the API's record, the on-chain status and class, and whether it may review. */
async function refreshMember() {
  if (!state.account) { state.member = null; state.onChain = null; state.curator = false; return; }
  const [member, onChain, curator] = await Promise.all([
    api(`/v1/members/${state.account}`).catch(() => null),
    rightChain()
      ? read("Membership", "memberStatus", [state.account]).then(([active, cls]) => ({ active, cls: Number(cls) })).catch(() => state.onChain)
      : Promise.resolve(null),
    rightChain() ? read("ContributionRegistry", "isCurator", [state.account]).catch(() => false) : Promise.resolve(false),
  ]);
  state.member = member;
  state.onChain = onChain;
  state.curator = curator;
  const curation = document.querySelector("[data-tab=curation]");
  if (curation.hidden === state.curator) { curation.hidden = !state.curator; tabCues(); }
}

/** Scrolls the tab bar so the current tab shows whole (after a change of tab or of language). */
function revealTab() {
  const nav = document.querySelector(".tabs");
  const link = nav.querySelector("[aria-current=page]");
  if (link) nav.scrollLeft = link.offsetLeft - (nav.clientWidth - link.offsetWidth) / 2;
  tabCues();
}

/** The tab bar scrolls sideways on a phone: fades with an arrow say there is more either side. */
function tabCues() {
  const nav = document.querySelector(".tabs");
  const wrap = nav.parentElement;
  const more = nav.scrollWidth - nav.clientWidth;
  wrap.dataset.moreLeft = String(more > 2 && nav.scrollLeft > 2);
  wrap.dataset.moreRight = String(more > 2 && nav.scrollLeft < more - 2);
}

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    await refreshMember();
    await SECTIONS[current].refresh();
  } catch (err) {
    console.warn("refresh failed", err);
  } finally {
    refreshing = false;
  }
}

function mountAll() {
  for (const [name, section] of Object.entries(SECTIONS)) section.mount(document.getElementById(name));
}

function renderLanguageSwitch() {
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language()));
  }
}

async function boot() {
  try {
    state.config = await api("/v1/config");
  } catch (err) {
    applyStatic();
    banner(t("banner.apiDown", { error: errorText(err) }));
    return;
  }
  applyStatic();
  renderLanguageSwitch();
  mountAll();
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  }
  onLanguage(() => { renderLanguageSwitch(); mountAll(); renderWallet(); revealTab(); refresh(); });
  document.getElementById("connect").addEventListener("click", () =>
    connect().catch((err) => banner(errorText(err))));
  watchWallet();
  onChange(() => { renderWallet(); refresh(); });
  window.addEventListener("hashchange", () => show(location.hash.slice(1)));
  document.querySelector(".tabs").addEventListener("scroll", tabCues, { passive: true });
  window.addEventListener("resize", tabCues);
  for (const arrow of document.querySelectorAll("[data-scroll-tabs]")) {
    arrow.addEventListener("click", () => document.querySelector(".tabs").scrollBy({ left: Number(arrow.dataset.scrollTabs) * 160, behavior: "smooth" }));
  }
  if (window.ethereum) {
    const accounts = await window.ethereum.request({ method: "eth_accounts" }).catch(() => []);
    if (accounts.length) await connect().catch(() => {});
  }
  renderWallet();
  show(location.hash.slice(1) || "membership");
  setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  document.body.dataset.ready = "true";
  changed();
}

boot();
