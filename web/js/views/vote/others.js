// How others voted, from the published votes.json (one CDN file per snapshot, never the database).
import { fetchJson } from "../../api.js";
import { formatPercent, t } from "../../i18n.js";
import { fileUrl, manifest } from "../../results-source.js";

let published = null;

/** [agree, disagree, neutral] on proposal `id` at the last snapshot, or null when unknown. */
export function othersOn(id) {
  published ??= manifest().then((found) => fetchJson(fileUrl(found, "votes.json")));
  return published.then((file) => file.proposals[id] ?? [0, 0, 0], () => ((published = null), null));
}

export function othersText(split) {
  const [agree, disagree, neutral] = split;
  const n = agree + disagree + neutral;
  if (!n) return t("vote.others_none");
  return t("vote.others", { n, agree: formatPercent(agree / n), disagree: formatPercent(disagree / n), neutral: formatPercent(neutral / n) });
}
