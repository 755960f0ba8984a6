// The consultation's front page: the question, how to take part, and live figures.
import { h } from "../dom.js";
import { addStrings, formatDate, local, t } from "../i18n.js";
import { counts, fileUrl, manifest } from "../results-source.js";
import { fetchJson } from "../api.js";

// The figures come from the published snapshot (a CDN file on AWS), never from the database,
// so a TV spot's visitors cost nothing to count; the snapshot itself is only this fresh anyway.
const REFRESH_MS = 30_000;

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
  const figures = h("div", { class: "counts-box" }, h("p", { class: "note" }, t("loading")));
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

  let summaryUrl;
  async function refresh() {
    try {
      summaryUrl ??= fileUrl(await manifest(), "summary.json", "latest_url");
      figures.replaceChildren(...counts(await fetchJson(summaryUrl)));
    } catch {
      figures.replaceChildren(h("p", { class: "note" }, t("home.no_figures")));
    }
  }
  refresh(); // the page shows at once; the figures' place is kept for them (no layout shift)
  const timer = setInterval(() => document.visibilityState === "visible" && refresh(), REFRESH_MS);
  return () => clearInterval(timer);
}
