// The dApp's two languages, Bahasa Indonesia and English. Every string the page shows comes from
// the catalogues i18n/id.json and i18n/en.json (same keys; tests/browser checks it), through t().
// The language is the visitor's choice if they made one, else the browser's; numbers, amounts
// and dates follow it (a decimal comma in Indonesian, a point in English).
import en from "./i18n/en.json";
import id from "./i18n/id.json";

export const CATALOGUES = { id, en };
export const LANGUAGES = ["id", "en"];
const LOCALES = { id: "id-ID", en: "en-GB" };
const STORE_KEY = "lumbung.lang";
const listeners = new Set();

function initialLanguage() {
  const stored = localStorage.getItem(STORE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  const params = new URLSearchParams(location.search);
  if (LANGUAGES.includes(params.get("lang"))) return params.get("lang");
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base === "id" || base === "in" || base === "ms") return "id";
    if (base === "en") return "en";
  }
  return "id";
}

let lang = initialLanguage();

export function language() { return lang; }
export function locale() { return LOCALES[lang]; }

/** The string `key` in the current language, with {name} replaced by params.name. */
export function t(key, params = {}) {
  let text = CATALOGUES[lang][key];
  if (text === undefined) {
    console.warn(`i18n: no "${key}" in ${lang}`);
    text = CATALOGUES.en[key] ?? key;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function has(key) { return key in CATALOGUES[lang]; }

/** Picks the plural form: key.one or key.other (Indonesian has one form; its catalogue says so). */
export function tn(key, count, params = {}) {
  const form = new Intl.PluralRules(locale()).select(Number(count)) === "one" ? "one" : "other";
  return t(`${key}.${form}`, { count: formatNumber(count), ...params });
}

export function setLanguage(next) {
  if (!LANGUAGES.includes(next) || next === lang) return;
  lang = next;
  localStorage.setItem(STORE_KEY, next);
  applyStatic();
  for (const fn of listeners) fn(next);
}

export function onLanguage(fn) { listeners.add(fn); }

/** Fills the page's static text: [data-i18n] (text), [data-i18n-label] (aria-label). */
export function applyStatic(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  document.title = t("app.title");
}

// -- numbers, amounts, sizes and dates ---------------------------------------------------------

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(locale(), options).format(value);
}

function separators() {
  const parts = new Intl.NumberFormat(locale()).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === "group")?.value ?? ",",
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
  };
}

/** An exact decimal string ("12.5", "-0.000001", from ui.units) in the locale's digits: "12,5". */
export function formatDecimal(text) {
  const { group, decimal } = separators();
  const negative = text.startsWith("-");
  const [whole, frac] = (negative ? text.slice(1) : text).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? "-" : ""}${grouped}${frac ? decimal + frac : ""}`;
}

/**
 * Reads an amount typed by a person: "30,5", "30.5", "1.000,50", "1,000.50", "1 000". The last
 * comma or point is the decimal separator when followed by other than exactly three digits or
 * when it is the only kind; groups of three may be separated by the other mark or a space.
 * Returns the canonical "1000.5", or throws an Error whose message is in the current language.
 */
export function normaliseDecimal(input) {
  const text = String(input).trim().replace(/[\s\u00a0\u202f]/g, "");
  if (!/^\d[\d.,]*$/.test(text) && !/^[.,]\d+$/.test(text)) throw new Error(t("amount.invalid", { text: input }));
  const commas = (text.match(/,/g) || []).length;
  const points = (text.match(/\./g) || []).length;
  let decimalMark = null;
  if (commas && points) decimalMark = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
  else if (commas === 1 || points === 1) {
    const mark = commas ? "," : ".";
    const after = text.length - text.indexOf(mark) - 1;
    // "1.000" in Indonesian, "1,000" in English are thousands; otherwise a decimal mark.
    const grouping = after === 3 && mark === separators().group;
    decimalMark = grouping ? null : mark;
  }
  const groupMark = decimalMark === "," ? "." : decimalMark === "." ? "," : commas ? "," : ".";
  const [whole, frac = ""] = decimalMark ? text.split(decimalMark) : [text];
  if (frac.includes(groupMark) || (decimalMark && (frac.includes(decimalMark) || whole.includes(decimalMark)))) {
    throw new Error(t("amount.invalid", { text: input }));
  }
  const groups = whole.split(groupMark);
  if (groups.length > 1 && (groups.slice(1).some((g) => g.length !== 3) || groups[0].length > 3 || !groups[0])) {
    throw new Error(t("amount.invalid", { text: input }));
  }
  const digits = groups.join("") || "0";
  return frac ? `${digits}.${frac}` : digits;
}

/** "1,2 MB" / "1.2 MB": sizes for people, in MB from 0.1 MB up, else in KB. */
export function formatSize(bytes) {
  const value = Number(bytes);
  if (value < 100_000) return `${formatNumber(Math.max(value / 1000, value ? 0.1 : 0), { maximumFractionDigits: 1 })} KB`;
  return `${formatNumber(value / 1_000_000, { maximumFractionDigits: 1 })} MB`;
}

/** "1 Des 2026 14.05" / "1 Dec 2026, 14:05". */
export function formatDate(unixSeconds, { time = true } = {}) {
  const options = { day: "numeric", month: "short", year: "numeric" };
  if (time) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
  return new Intl.DateTimeFormat(locale(), options).format(new Date(Number(unixSeconds) * 1000));
}

/** "dalam 3 jam" / "in 3 hours", "2 hari yang lalu" / "2 days ago", from now (seconds). */
export function formatRelative(unixSeconds, nowSeconds = Date.now() / 1000) {
  const delta = Number(unixSeconds) - nowSeconds;
  const abs = Math.abs(delta);
  const steps = [[60, "second", 1], [3600, "minute", 60], [86400, "hour", 3600], [86400 * 30, "day", 86400],
    [86400 * 365, "month", 86400 * 30], [Infinity, "year", 86400 * 365]];
  const [, unit, size] = steps.find(([limit]) => abs < limit);
  return new Intl.RelativeTimeFormat(locale(), { numeric: "auto" }).format(Math.round(delta / size), unit);
}
