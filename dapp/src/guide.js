// "How it works": a one-page explainer of the cooperative, from the catalogues (guide.*).
import { h, fill } from "./ui.js";
import { t } from "./i18n.js";

export function mount(el) {
  fill(el, h("h2", {}, t("guide.title")), h("p", {}, t("guide.intro")));
}

export async function refresh() {}
