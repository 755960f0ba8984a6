// The published results: the snapshot's manifest and the files it lists. Read from the CDN when
// config.RESULTS_BASE names it, otherwise from wherever GET /results says they are.
import { fetchJson, request } from "./api.js";
import { RESULTS_BASE } from "./config.js";
import { h } from "./dom.js";
import { formatDate, formatNumber, t } from "./i18n.js";

export const manifest = () => (RESULTS_BASE ? fetchJson(`${RESULTS_BASE}results/manifest.json`) : request("GET", "/results"));

/** One of the manifest's files: `url` is the immutable copy of this snapshot, `latest_url` follows the next ones. */
export function fileUrl(found, name, which = "url") {
  return found.files.find((file) => file.name === name)?.[which];
}

/** Participants, proposals and votes, as a summary.json gives them. */
export function counts(summary) {
  const figure = (name) =>
    h("div", {}, h("dt", {}, t(`counts.${name}`, { n: summary[name] })), h("dd", {}, formatNumber(summary[name])));
  const time = formatDate(summary.generated_at, { dateStyle: "medium", timeStyle: "short" });
  return [
    h("dl", { class: "counts" }, ["participants", "proposals", "votes"].map(figure)),
    h("p", { class: "note" }, t("counts.at", { time }), " ", t("counts.who")),
  ];
}
