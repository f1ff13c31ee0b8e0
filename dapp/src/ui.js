// Small DOM and formatting helpers shared by the sections.
import { t, has, formatDate, formatDecimal, normaliseDecimal } from "./i18n.js";

/** Builds an element: h("button", {onclick, class: "x"}, "text", child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** "12.5" for 12500000n at 6 decimals: exact, no floating point. */
export function units(raw, decimals) {
  const value = BigInt(raw);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  let frac = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  const text = frac ? `${whole}.${frac}` : `${whole}`;
  return negative ? `-${text}` : text;
}

/** "12,5 tUSD" (id) or "12.5 tUSD" (en) for 12500000n at 6 decimals: exact, in the token's units. */
export function amount(raw, decimals, symbol) {
  const text = formatDecimal(units(raw, decimals));
  return symbol ? `${text} ${symbol}` : text;
}

/**
 * Parses what a person typed ("12,5", "12.5", "1.000,5") into 12500000n at 6 decimals; throws
 * an Error with a message in the page's language on malformed input or too many decimals.
 */
export function parseUnits(text, decimals) {
  const canonical = normaliseDecimal(text);
  const [whole, frac = ""] = canonical.split(".");
  if (frac.length > decimals) throw new Error(t("amount.decimals", { decimals }));
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
}

export function short(text, head = 6, tail = 4) {
  const s = String(text);
  return s.length > head + tail + 1 ? `${s.slice(0, head)}…${s.slice(-tail)}` : s;
}

export function when(unixSeconds) {
  return formatDate(unixSeconds);
}

/** A status badge: data-status keeps the machine name, the text is the status in words. */
export function pill(text, label) {
  const words = label ?? (has(`status.${text}`) ? t(`status.${text}`) : text.replace(/_/g, " "));
  return h("span", { class: `pill ${text}`, "data-status": text }, words);
}

export function stat(label, value, attrs = {}) {
  return h("div", { class: "stat", ...attrs }, h("div", { class: "label" }, label), h("div", { class: "value" }, value));
}

/** A message for a failure: problem+json detail, decoded contract error, or the raw message. */
export function errorText(err) {
  if (!err) return t("error.unknown");
  if (err.plain) return err.plain;
  if (err.problem && err.status === 413) return t("error.tooLarge");
  if (err.problem && err.status === 429) return t("error.tooMany");
  if (err.problem && err.status >= 500) return t("error.server", { detail: err.problem.detail || err.problem.title || err.status });
  if (err.problem) return err.problem.detail || err.problem.title;
  return err.shortMessage || err.message || String(err);
}

/** A file's content address (CID) in plain words: "file code bafy…x7q", the whole code in the
 * tooltip. */
export function fileCode(cid, attrs = {}) {
  return h("span", { class: "file-code", title: t("member.fileCodeTitle", { cid }), ...attrs },
    t("member.fileCode"), " ", h("span", { class: "mono" }, short(cid, 8, 6)));
}

/**
 * Asks the person to confirm an action in a real dialog (<dialog>, modal): a title, what it
 * does (`body`, text or nodes), and Cancel / the confirming button (`yes`, red with `danger`).
 * Resolves to true when confirmed, false when cancelled (also with Escape). `name` becomes
 * data-confirm, for tests and styles.
 */
export function confirmDialog({ name, title, body, yes, danger = true }) {
  return new Promise((resolve) => {
    const cancel = h("button", { class: "secondary confirm-cancel", type: "button", value: "cancel" }, t("member.cancel"));
    const ok = h("button", { class: `${danger ? "danger" : ""} confirm-yes`, type: "button", value: "yes" }, yes);
    const dialog = h("dialog", { class: "confirm-dialog", "data-confirm": name, "aria-labelledby": `confirm-${name}-title` },
      h("h3", { id: `confirm-${name}-title` }, title),
      h("div", { class: "confirm-body" }, body),
      h("div", { class: "row confirm-buttons" }, cancel, ok));
    let answer = false;
    const close = (value) => { answer = value; dialog.close(); };
    cancel.addEventListener("click", () => close(false));
    ok.addEventListener("click", () => close(true));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A progress bar (0..1, or null while the total is unknown) with a line of words under it. */
export function progressBar(attrs = {}) {
  const fillEl = h("span", {});
  const words = h("div", { class: "muted progress-words" });
  const el = h("div", { class: "progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, ...attrs },
    h("div", { class: "bar" }, fillEl), words);
  el.set = (fraction, text) => {
    const percent = fraction === null ? 0 : Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    fillEl.style.width = `${percent}%`;
    el.setAttribute("aria-valuenow", String(percent));
    el.dataset.percent = String(percent);
    fill(words, text ?? "");
  };
  return el;
}
