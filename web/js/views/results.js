// Results: what the latest snapshot says, with its uncertainty shown, and its files to download.
import { fetchJson } from "../api.js";
import { barChart, intervalChart } from "../charts.js";
import { h } from "../dom.js";
import { addStrings, formatNumber, formatPercent, local, t } from "../i18n.js";
import { counts, fileUrl, manifest } from "../results-source.js";

const LISTS = [
  ["top_consensus", "consensus"],
  ["most_controversial", "controversy"],
  ["most_rejected", "rejection"],
];
const ZONES = ["consensus", "controversy", "rejection", "limbo"];

addStrings({
  "results.title": ["Résultats", "Results"],
  "results.none": ["Les premiers résultats seront publiés sous peu.", "The first results will be published shortly."],
  "results.method": [
    "Seuls les votes exprimés dans les séries de vote comptent. Chaque score est donné avec son intervalle de confiance à 95 % : moins il y a de votes, plus il est large, et plus le classement peut encore changer. Une proposition est classée à partir de {n} votes.",
    "Only votes cast in voting sequences count. Every score comes with its 95 % confidence interval: the fewer the votes, the wider it is, and the more the ranking may still change. A proposal is ranked from {n} votes.",
  ],
  "results.zones": ["Où en sont les propositions", "Where proposals stand"],
  "results.zones_caption": ["Nombre de propositions par zone ({pending} n'ont pas encore assez de votes).", "Proposals per zone ({pending} do not have enough votes yet)."],
  "results.proposals": ["propositions", "proposals"],
  "results.share_of_proposals": ["part des propositions", "share of proposals"],
  "zone.consensus": ["Consensus", "Consensus"],
  "zone.controversy": ["Controverse", "Controversy"],
  "zone.rejection": ["Rejet", "Rejection"],
  "zone.limbo": ["Indécision", "Limbo"],
  "list.top_consensus": ["Les propositions qui font consensus", "Top consensus"],
  "list.most_controversial": ["Les propositions qui divisent", "Most controversial"],
  "list.most_rejected": ["Les propositions rejetées", "Most rejected"],
  "list.empty": ["Aucune proposition dans cette liste pour l'instant.", "No proposal in this list yet."],
  "list.caption": ["Score de chaque proposition (point) et son intervalle de confiance à 95 % (trait), dans l'ordre de la liste.", "Each proposal's score (dot) and its 95 % confidence interval (line), in the order of the list."],
  "list.split": ["D'accord {agree} · Neutre {neutral} · Pas d'accord {disagree}", "Agree {agree} · Neutral {neutral} · Disagree {disagree}"],
  "list.score": ["{votes} votes · score {value} (entre {low} et {high})", "{votes} votes · score {value} (between {low} and {high})"],
  "list.rank": ["N°", "No."],
  "list.proposal": ["Proposition", "Proposal"],
  "list.value": ["Score", "Score"],
  "list.low": ["Borne basse", "Low bound"],
  "list.high": ["Borne haute", "High bound"],
  "segments.title": ["Qui a participé", "Who took part"],
  "segments.caption": ["{question} : part des participants qui ont répondu, comparée à la population.", "{question}: share of the participants who answered, against the population."],
  "segments.participants": ["Participants", "Participants"],
  "segments.population": ["Population", "Population"],
  "segments.withheld": ["Les groupes de moins de {k} personnes ne sont pas publiés.", "Groups of fewer than {k} people are not published."],
  "segments.disagree": ["Là où les groupes ne sont pas d'accord", "Where groups disagree"],
  "segments.disagree_none": ["Aucune proposition ne classe les groupes dans des zones différentes.", "No proposal puts different groups in different zones."],
  "segments.zone": ["{choice} : {zone}", "{choice}: {zone}"],
  "downloads.title": ["Télécharger les données", "Download the data"],
  "downloads.checksum": ["Empreinte SHA-256 : {sha}", "SHA-256 checksum: {sha}"],
  "downloads.size": ["{kb} ko", "{kb} kB"],
  "file.summary.json": ["Synthèse (JSON)", "Summary (JSON)"],
  "file.proposals.csv": ["Toutes les propositions et leurs scores (CSV)", "Every proposal and its scores (CSV)"],
  "file.segments.csv": ["Résultats par groupe (CSV)", "Results by group (CSV)"],
  "file.participation.json": ["Participation et représentativité (JSON)", "Participation and representativeness (JSON)"],
  "file.groups.json": ["Groupes d'opinion (JSON)", "Opinion groups (JSON)"],
  "file.votes.json": ["Votes par proposition (JSON)", "Votes per proposal (JSON)"],
  "file.report.html": ["Rapport complet, lisible hors ligne (HTML)", "Full report, readable offline (HTML)"],
});

const decimal = (v) => formatNumber(v, { maximumFractionDigits: 2 });

function proposalList(name, zone, entries) {
  const section = h("section", { class: `list ${zone}`, "data-list": name, "aria-labelledby": `${name}-title` }, h("h2", { id: `${name}-title` }, t(`list.${name}`)));
  if (!entries.length) {
    section.append(h("p", { class: "note" }, t("list.empty")));
    return section;
  }
  const rows = entries.map((e) => ({ ...e, id: e.proposal_id, label: e.text, kind: zone }));
  section.append(
    intervalChart({
      caption: t("list.caption"),
      rows,
      format: decimal,
      columns: [t("list.rank"), t("list.proposal"), t("list.value"), t("list.low"), t("list.high")],
      cells: (r) => [String(rows.indexOf(r) + 1), r.text, decimal(r.value), decimal(r.low), decimal(r.high)],
    }),
    h(
      "ol",
      { class: "proposals" },
      entries.map((e) =>
        h(
          "li",
          { "data-proposal-id": e.proposal_id },
          h("p", { class: "text" }, e.text),
          h(
            "div",
            { class: "split", "aria-hidden": "true" },
            ["agree", "neutral", "disagree"].map((key) => h("span", { class: key, style: `width: ${(e[`${key}_rate`] * 100).toFixed(1)}%` })),
          ),
          h("p", { class: "figures" }, t("list.split", { agree: formatPercent(e.agree_rate), neutral: formatPercent(e.neutral_rate), disagree: formatPercent(e.disagree_rate) })),
          h("p", { class: "figures" }, t("list.score", { votes: formatNumber(e.votes), value: decimal(e.value), low: decimal(e.low), high: decimal(e.high) })),
        ),
      ),
    ),
  );
  return section;
}

function zones(summary) {
  const total = ZONES.reduce((sum, zone) => sum + summary.zones[zone], 0) || 1;
  return h(
    "section",
    { "aria-labelledby": "zones-title" },
    h("h2", { id: "zones-title" }, t("results.zones")),
    barChart({
      caption: t("results.zones_caption", { pending: formatNumber(summary.proposals_without_enough_votes) }),
      series: [t("results.share_of_proposals")],
      rows: ZONES.map((zone) => ({ label: `${t(`zone.${zone}`)} (${formatNumber(summary.zones[zone])})`, values: [summary.zones[zone] / total] })),
      format: formatPercent,
    }),
  );
}

function segments(summary, participation) {
  const disagree = summary.segments_disagree;
  const labels = Object.fromEntries(participation.questions.map((q) => [q.question, q.label]));
  return h(
    "section",
    { "aria-labelledby": "segments-title" },
    h("h2", { id: "segments-title" }, t("segments.title")),
    h("p", { class: "note" }, t("segments.withheld", { k: summary.k_anonymity })),
    ...participation.questions.map((q) =>
      barChart({
        caption: t("segments.caption", { question: local(q.label) }),
        series: [t("segments.participants"), t("segments.population")],
        rows: q.choices.map((c) => ({ label: c.choice, values: [c.share, c.population] })),
        format: formatPercent,
      }),
    ),
    h("h3", {}, t("segments.disagree")),
    disagree.length
      ? h(
          "ul",
          {},
          disagree.map((d) =>
            h(
              "li",
              {},
              h("p", {}, d.text),
              h("p", { class: "figures" }, `${local(labels[d.dimension])} — `, Object.entries(d.zones).map(([choice, zone]) => t("segments.zone", { choice, zone: t(`zone.${zone}`) })).join(" · ")),
            ),
          ),
        )
      : h("p", { class: "note" }, t("segments.disagree_none")),
  );
}

function downloads(found) {
  return h(
    "section",
    { "aria-labelledby": "downloads-title" },
    h("h2", { id: "downloads-title" }, t("downloads.title")),
    h(
      "ul",
      { class: "downloads" },
      found.files.map((file) =>
        h(
          "li",
          {},
          h("a", { href: file.url, download: file.name }, t(`file.${file.name}`)),
          ` (${file.name}, ${t("downloads.size", { kb: formatNumber(Math.max(1, Math.round(file.bytes / 1000))) })})`,
          h("br"),
          h("small", { class: "checksum" }, t("downloads.checksum", { sha: file.sha256 })),
        ),
      ),
    ),
  );
}

export async function render(page) {
  let found;
  try {
    found = await manifest();
  } catch (error) {
    if (error.code !== "no_results_yet") throw error;
    return page.append(h("h1", {}, t("results.title")), h("p", {}, t("results.none")));
  }
  // The manifest's own URLs: files of one snapshot, which always belong together.
  const [summary, participation] = await Promise.all(["summary.json", "participation.json"].map((name) => fetchJson(fileUrl(found, name))));
  page.append(
    h("h1", {}, t("results.title")),
    h("div", { class: "counts-box" }, counts(summary)),
    h("p", {}, t("results.method", { n: summary.enough_votes })),
    zones(summary),
    ...LISTS.map(([name, zone]) => proposalList(name, zone, summary[name])),
    segments(summary, participation),
    downloads(found),
  );
}
