// The consultation's front page: the question, how to take part, and live figures.
import { request } from "../api.js";
import { h } from "../dom.js";
import { addStrings, formatDate, local, t } from "../i18n.js";
import { counts } from "../results-source.js";
import { remember } from "../consultation-cache.js";

// The figures are the ones GET /consultation carries (from the last snapshot, held in the
// function's memory: no database read, no results file to download); the snapshot itself is
// only this fresh anyway.
const REFRESH_MS = 60_000;

addStrings({
  "home.open": ["Ouverte du {opens} au {closes}.", "Open from {opens} to {closes}."],
  "home.upcoming": ["Ouvre le {opens}.", "Opens on {opens}."],
  "home.closed": ["Terminée le {closes}. Merci à toutes et à tous !", "Closed on {closes}. Thank you all!"],
  "home.steps": ["Comment participer", "How to take part"],
  "home.vote": ["Voter sur les propositions", "Vote on proposals"],
  "home.propose": ["Faire une proposition", "Put forward an idea"],
  "home.results": ["Voir les résultats", "See the results"],
  "home.no_figures": ["Les premiers chiffres seront publiés sous peu.", "The first figures will be published shortly."],
});

export async function render(page, { consultation }) {
  const dates = { opens: formatDate(consultation.opens_at), closes: formatDate(consultation.closes_at) };
  const open = consultation.status === "open";
  const figures = h("div", { class: "counts-box" });
  page.append(
    h("h1", {}, local(consultation.question)),
    h("p", { class: "lead" }, local(consultation.context)),
    h("p", { class: "dates" }, t(`home.${consultation.status}`, dates)),
    h(
      "div",
      { class: "actions" },
      open && h("a", { class: "button primary", href: "#/vote" }, t("home.vote")),
      open && h("a", { class: "button", href: "#/propose" }, t("home.propose")),
      h("a", { class: "button", href: "#/results" }, t("home.results")),
    ),
    h("section", { "aria-labelledby": "steps-title" }, h("h2", { id: "steps-title" }, t("home.steps")), h("ol", { class: "steps" }, local(consultation.steps).map((step) => h("li", {}, step)))),
    h("section", { "aria-labelledby": "figures-title" }, h("h2", { id: "figures-title" }, t("counts.label")), figures),
  );

  function show(latest) {
    figures.replaceChildren(...(latest.counts_at ? counts({ ...latest.counts, generated_at: latest.counts_at }) : [h("p", { class: "note" }, t("home.no_figures"))]));
  }
  async function refresh() {
    try {
      show(remember(await request("GET", "/consultation")));
    } catch {
      // the figures shown stay: they are dated
    }
  }
  show(consultation);
  const updated = (event) => show(event.detail); // the shell's own refresh of a cached answer
  addEventListener("agora:consultation", updated);
  const timer = setInterval(() => document.visibilityState === "visible" && refresh(), REFRESH_MS);
  return () => (clearInterval(timer), removeEventListener("agora:consultation", updated));
}
