// Results: what the latest snapshot says, with its uncertainty shown, and its files to download.
import { fetchJson } from "../api.js";
import { barChart, intervalChart, scatterChart, short, splitChart } from "../charts.js";
import { h } from "../dom.js";
import { addStrings, formatNumber, formatPercent, languageName, local, t } from "../i18n.js";
import { counts, fileUrl, manifest } from "../results-source.js";

// Each list and the quantity its chart plots: what a reader understands, named on the chart.
const LISTS = [
  ["top_consensus", "consensus", "agree"],
  ["most_controversial", "controversy", null], // the split itself
  ["most_rejected", "rejection", "disagree"],
];
const SPLIT = ["agree", "neutral", "disagree"];
const MAP_LABELS = 6; // the most voted points of the consensus map carry their short text
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
  "list.caption.agree": ["Part de votes « d'accord » de chaque proposition (point), avec son intervalle de confiance à 95 % (trait), dans l'ordre de la liste.", "Each proposal's share of “agree” votes (dot), with its 95 % confidence interval (line), in the order of the list."],
  "list.caption.disagree": ["Force du rejet : part de votes « pas d'accord » de chaque proposition (point), avec son intervalle de confiance à 95 % (trait), dans l'ordre de la liste.", "Strength of rejection: each proposal's share of “disagree” votes (dot), with its 95 % confidence interval (line), in the order of the list."],
  "list.caption.split": ["Comment les votes se partagent pour chaque proposition : d'accord, neutre, pas d'accord, dans l'ordre de la liste.", "How the votes split on each proposal: agree, neutral, disagree, in the order of the list."],
  "list.order": ["Classées de la plus sûre à la moins sûre : par la borne basse de leur score, pour qu'une proposition avec peu de votes ne passe pas devant sur un coup de chance.", "Ranked from the surest: by the low end of their score, so that a proposal with few votes does not come first by luck."],
  "list.split": ["D'accord {agree} · Neutre {neutral} · Pas d'accord {disagree}", "Agree {agree} · Neutral {neutral} · Disagree {disagree}"],
  "list.votes": ["{votes} votes · {share} d'accord (entre {low} et {high})", "{votes} votes · {share} agree (between {low} and {high})"],
  "list.votes.disagree": ["{votes} votes · {share} pas d'accord (entre {low} et {high})", "{votes} votes · {share} disagree (between {low} and {high})"],
  "list.votes.split": ["{votes} votes", "{votes} votes"],
  "list.rank": ["N°", "No."],
  "list.proposal": ["Proposition", "Proposal"],
  "list.share.agree": ["D'accord", "Agree"],
  "list.share.disagree": ["Pas d'accord", "Disagree"],
  "list.share.neutral": ["Neutre", "Neutral"],
  "list.low": ["Borne basse", "Low bound"],
  "list.high": ["Borne haute", "High bound"],
  "list.votes_column": ["Votes", "Votes"],
  "summary.title": ["En bref", "At a glance"],
  "summary.zones": ["Sur {tested} propositions assez votées : {consensus} font consensus, {controversy} divisent, {rejection} sont rejetées, {limbo} laissent indécis.", "Of {tested} proposals with enough votes: {consensus} make consensus, {controversy} divide, {rejection} are rejected, {limbo} leave people undecided."],
  "summary.best": ["La plus soutenue : « {text} » ({share} d'accord).", "Most supported: “{text}” ({share} agree)."],
  "summary.worst": ["La plus rejetée : « {text} » ({share} pas d'accord).", "Most rejected: “{text}” ({share} disagree)."],
  "summary.groups": ["Les votes dessinent {n} groupes d'opinion (plus bas).", "The votes draw {n} opinion groups (below)."],
  "map.title": ["Carte du consensus", "Consensus map"],
  "map.caption": ["Les {n} propositions les plus votées : l'accord en abscisse, la controverse en ordonnée (plus haut, plus les avis s'opposent). Chaque forme indique la zone.", "The {n} most voted proposals: agreement across, controversy up (the higher, the more views clash). Each shape shows the zone."],
  "map.agreement": ["Accord (part de « d'accord »)", "Agreement (share of “agree”)"],
  "map.controversy": ["Controverse", "Controversy"],
  "map.zone": ["Zone", "Zone"],
  "groups.title": ["Les groupes d'opinion", "Opinion groups"],
  "groups.intro": ["Des participants qui votent de façon semblable forment un groupe. Ce qui distingue chaque groupe, puis ce sur quoi tous s'accordent.", "Participants who vote alike form a group. What sets each group apart, then what they all agree on."],
  "groups.none": ["Pas encore assez de votes pour dessiner des groupes d'opinion.", "Not enough votes yet to draw opinion groups."],
  "groups.group": ["Groupe {n}", "Group {n}"],
  "groups.size": ["{share} des participants classés", "{share} of the participants placed"],
  "groups.withheld": ["Groupe trop petit pour être décrit.", "Group too small to be described."],
  "groups.agree": ["Plus d'accord que les autres : « {text} » ({group} contre {rest})", "Agrees more than the rest: “{text}” ({group} against {rest})"],
  "groups.disagree": ["Moins d'accord que les autres : « {text} » ({group} contre {rest})", "Agrees less than the rest: “{text}” ({group} against {rest})"],
  "groups.consensus": ["Ce sur quoi tous les groupes s'accordent", "What every group agrees on"],
  "groups.consensus_caption": ["Part de « d'accord » dans chaque groupe, pour les propositions qui font consensus entre les groupes.", "Share of “agree” in each group, for the proposals every group agrees on."],
  "segments.title": ["Qui a participé", "Who took part"],
  "segments.caption": ["{question} : part des participants qui ont répondu, comparée à la population.", "{question}: share of the participants who answered, against the population."],
  "segments.participants": ["Participants", "Participants"],
  "segments.population": ["Population", "Population"],
  "segments.withheld": ["Les groupes de moins de {k} personnes ne sont pas publiés.", "Groups of fewer than {k} people are not published."],
  "segments.disagree": ["Là où les publics ne sont pas d'accord", "Where groups of people disagree"],
  "segments.disagree_intro": ["Propositions classées dans des zones différentes selon l'âge, le département…", "Proposals placed in different zones depending on age, department…"],
  "segments.disagree_none": ["Aucune proposition ne classe les groupes dans des zones différentes.", "No proposal puts different groups in different zones."],
  "segments.zone": ["{choice} : {zone}", "{choice}: {zone}"],
  "segments.dimension": ["{question} — {zones}", "{question} — {zones}"],
  "downloads.title": ["Télécharger les données", "Download the data"],
  "downloads.checksum": ["Empreinte SHA-256 : {sha}", "SHA-256 checksum: {sha}"],
  "downloads.size": ["{kb} ko", "{kb} kB"],
  "file.summary.json": ["Synthèse (JSON)", "Summary (JSON)"],
  "file.proposals.csv": ["Toutes les propositions et leurs scores (CSV)", "Every proposal and its scores (CSV)"],
  "file.segments.csv": ["Résultats par groupe (CSV)", "Results by group (CSV)"],
  "file.participation.json": ["Participation et représentativité (JSON)", "Participation and representativeness (JSON)"],
  "file.groups.json": ["Groupes d'opinion (JSON)", "Opinion groups (JSON)"],
  "file.votes.json": ["Votes par proposition (JSON)", "Votes per proposal (JSON)"],
  "file.report_in": ["Rapport complet en {language}, lisible hors ligne (HTML)", "Full report in {language}, readable offline (HTML)"],
  "file.report.html": ["Rapport complet, lisible hors ligne (HTML)", "Full report, readable offline (HTML)"],
});

const decimal = (v) => formatNumber(v, { maximumFractionDigits: 2 });

/** What the chart of a list plots, and the words for it. */
function listChart(name, zone, quantity, entries) {
  const rows = entries.map((e) => ({ ...e, id: e.proposal_id, label: e.text, kind: zone }));
  const rank = (r) => String(rows.indexOf(r) + 1);
  if (!quantity) {
    return splitChart({
      caption: t("list.caption.split"),
      rows: rows.map((r) => ({ ...r, parts: SPLIT.map((key) => ({ name: key, share: r[`${key}_rate`] })) })),
      names: SPLIT.map((key) => [key, t(`list.share.${key}`)]),
      format: formatPercent,
      columns: [t("list.rank"), t("list.proposal"), t("list.votes_column"), ...SPLIT.map((key) => t(`list.share.${key}`))],
      cells: (r) => [rank(r), r.text, formatNumber(r.votes), ...SPLIT.map((key) => formatPercent(r[`${key}_rate`]))],
    });
  }
  return intervalChart({
    caption: t(`list.caption.${quantity}`),
    rows: rows.map((r) => ({ ...r, value: r[`${quantity}_rate`], low: r[`${quantity}_low`], high: r[`${quantity}_high`] })),
    format: formatPercent,
    columns: [t("list.rank"), t("list.proposal"), t("list.votes_column"), t(`list.share.${quantity}`), t("list.low"), t("list.high")],
    cells: (r) => [rank(r), r.text, formatNumber(r.votes), formatPercent(r.value), formatPercent(r.low), formatPercent(r.high)],
  });
}

function listItem(e, quantity) {
  const share = (part) => formatPercent(e[`${quantity}_${part}`]);
  const votes = formatNumber(e.votes);
  return h(
    "li",
    { "data-proposal-id": e.proposal_id },
    h("p", { class: "text" }, e.text),
    h("div", { class: "split", "aria-hidden": "true" }, SPLIT.map((key) => h("span", { class: key, style: `width: ${(e[`${key}_rate`] * 100).toFixed(1)}%` }))),
    h("p", { class: "figures" }, t("list.split", { agree: formatPercent(e.agree_rate), neutral: formatPercent(e.neutral_rate), disagree: formatPercent(e.disagree_rate) })),
    h("p", { class: "figures" }, quantity ? t(quantity === "agree" ? "list.votes" : "list.votes.disagree", { votes, share: share("rate"), low: share("low"), high: share("high") }) : t("list.votes.split", { votes })),
  );
}

function proposalList(name, zone, quantity, entries) {
  const section = h("section", { class: `list ${zone}`, "data-list": name, "aria-labelledby": `${name}-title` }, h("h2", { id: `${name}-title` }, t(`list.${name}`)));
  if (!entries.length) section.append(h("p", { class: "note" }, t("list.empty")));
  else section.append(listChart(name, zone, quantity, entries), h("ol", { class: "proposals" }, entries.map((e) => listItem(e, quantity))));
  return section;
}

function glance(summary, groups) {
  const tested = ZONES.reduce((sum, zone) => sum + summary.zones[zone], 0);
  const [best] = summary.top_consensus;
  const [worst] = summary.most_rejected;
  const shown = groups.groups.filter((g) => !g.withheld).length;
  return h(
    "section",
    { class: "glance", "aria-labelledby": "glance-title" },
    h("h2", { id: "glance-title" }, t("summary.title")),
    h("div", { class: "counts-box" }, counts(summary)),
    h(
      "ul",
      {},
      h("li", {}, t("summary.zones", { tested: formatNumber(tested), ...Object.fromEntries(ZONES.map((z) => [z, formatNumber(summary.zones[z])])) })),
      best && h("li", {}, t("summary.best", { text: best.text, share: formatPercent(best.agree_rate) })),
      worst && h("li", {}, t("summary.worst", { text: worst.text, share: formatPercent(worst.disagree_rate) })),
      shown > 1 && h("li", {}, t("summary.groups", { n: shown })),
    ),
  );
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

const SHAPES = { consensus: ["circle", "●"], controversy: ["triangle", "▲"], rejection: ["square", "■"], limbo: ["diamond", "◆"] };

function consensusMap(points) {
  if (!points.length) return null;
  const kinds = Object.fromEntries(ZONES.map((zone) => [zone, { shape: SHAPES[zone][0], symbol: SHAPES[zone][1], name: t(`zone.${zone}`) }]));
  return h(
    "section",
    { class: "map", "aria-labelledby": "map-title" },
    h("h2", { id: "map-title" }, t("map.title")),
    scatterChart({
      caption: t("map.caption", { n: formatNumber(points.length) }),
      points: points.map((p) => ({ id: p.proposal_id, x: p.agree_rate, y: p.controversy, kind: p.zone, label: p.text, votes: p.votes })),
      axes: [t("map.agreement"), t("map.controversy")],
      kinds,
      format: formatPercent,
      labelled: MAP_LABELS,
      columns: [t("list.proposal"), t("list.votes_column"), t("map.agreement"), t("map.controversy"), t("map.zone")],
      cells: (p) => [p.label, formatNumber(p.votes), formatPercent(p.x), decimal(p.y), t(`zone.${p.kind}`)],
    }),
  );
}

function groupCard(g) {
  const title = t("groups.group", { n: g.group });
  if (g.withheld) return h("li", {}, h("h3", {}, title), h("p", { class: "note" }, t("groups.withheld")));
  const line = (x) => h("li", { "data-proposal-id": x.proposal_id }, t(`groups.${x.direction}`, { text: short(x.text, 90), group: formatPercent(x.group_share), rest: formatPercent(x.rest_share) }));
  return h("li", { class: "group" }, h("h3", {}, title, " · ", t("groups.size", { share: formatPercent(g.share) })), h("ul", {}, g.representative.slice(0, 3).map(line)));
}

function opinionGroups(groups) {
  const section = h("section", { class: "groups", "aria-labelledby": "groups-title" }, h("h2", { id: "groups-title" }, t("groups.title")));
  if (groups.groups.length < 2) return section.append(h("p", { class: "note" }, t("groups.none"))), section;
  const names = groups.groups.filter((g) => !g.withheld).map((g) => t("groups.group", { n: g.group }));
  section.append(
    h("p", {}, t("groups.intro")),
    h("ol", { class: "group-list" }, groups.groups.map(groupCard)),
    groups.consensus.length ? h("h3", {}, t("groups.consensus")) : null,
    groups.consensus.length
      ? barChart({
          caption: t("groups.consensus_caption"),
          series: names,
          rows: groups.consensus.slice(0, 5).map((c) => ({ label: short(c.text, 90), values: c.agree_shares.map((a) => a.share) })),
          format: formatPercent,
        })
      : null,
  );
  return section;
}

/** A choice as people read it: the consultation's own label in this language, else as configured. */
function choiceNames(consultation) {
  const names = new Map(consultation.demographics.map((q) => [q.id, q]));
  return {
    question: (id) => local(names.get(id)?.label) || id,
    choice: (id, choice) => local(names.get(id)?.choice_labels?.[choice]) || choice,
  };
}

function disagreements(list, name) {
  if (!list.length) return h("p", { class: "note" }, t("segments.disagree_none"));
  const byProposal = new Map();
  for (const d of list) {
    const entry = byProposal.get(d.proposal_id) ?? { text: d.text, dimensions: [] };
    entry.dimensions.push(d);
    byProposal.set(d.proposal_id, entry);
  }
  const dimension = (d) =>
    h("li", {}, t("segments.dimension", { question: name.question(d.dimension), zones: Object.entries(d.zones).map(([choice, zone]) => t("segments.zone", { choice: name.choice(d.dimension, choice), zone: t(`zone.${zone}`) })).join(" · ") }));
  return h("ul", { class: "disagreements" }, [...byProposal].map(([id, e]) => h("li", { "data-proposal-id": id }, h("p", { class: "text" }, e.text), h("ul", { class: "figures" }, e.dimensions.map(dimension)))));
}

function segments(summary, participation, consultation) {
  const name = choiceNames(consultation);
  return h(
    "section",
    { "aria-labelledby": "segments-title" },
    h("h2", { id: "segments-title" }, t("segments.title")),
    h("p", { class: "note" }, t("segments.withheld", { k: summary.k_anonymity })),
    ...participation.questions.map((q) =>
      barChart({
        caption: t("segments.caption", { question: name.question(q.question) }),
        series: [t("segments.participants"), t("segments.population")],
        rows: q.choices.map((c) => ({ label: name.choice(q.question, c.choice), values: [c.share, c.population] })),
        format: formatPercent,
      }),
    ),
    h("h3", {}, t("segments.disagree")),
    h("p", { class: "note" }, t("segments.disagree_intro")),
    disagreements(summary.segments_disagree, name),
  );
}
/** report.en.html: the report in another of the consultation's languages. */
function fileLabel(name) {
  const other = name.match(/^report\.(\w+)\.html$/);
  return other ? t("file.report_in", { language: languageName(other[1]) }) : t(`file.${name}`);
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
          h("a", { href: file.url, download: file.name }, fileLabel(file.name)),
          ` (${file.name}, ${t("downloads.size", { kb: formatNumber(Math.max(1, Math.round(file.bytes / 1000))) })})`,
          h("br"),
          h("small", { class: "checksum" }, t("downloads.checksum", { sha: file.sha256 })),
        ),
      ),
    ),
  );
}

export async function render(page, { consultation }) {
  let found;
  try {
    found = await manifest();
  } catch (error) {
    if (error.code !== "no_results_yet") throw error;
    return page.append(h("h1", {}, t("results.title")), h("p", {}, t("results.none")));
  }
  // The manifest's own URLs: files of one snapshot, which always belong together.
  const [summary, participation, groups] = await Promise.all(["summary.json", "participation.json", "groups.json"].map((name) => fetchJson(fileUrl(found, name))));
  page.append(
    h("h1", {}, t("results.title")),
    glance(summary, groups),
    h("p", {}, t("results.method", { n: summary.enough_votes })),
    h("p", { class: "note" }, t("list.order")),
    ...LISTS.map(([name, zone, quantity]) => proposalList(name, zone, quantity, summary[name])),
    consensusMap(summary.consensus_map ?? []),
    zones(summary),
    opinionGroups(groups),
    segments(summary, participation, consultation),
    downloads(found),
  );
}
