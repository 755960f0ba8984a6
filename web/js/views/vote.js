// Voting: one proposal at a time from the participant's sequence, a vote key, then optional
// qualifications, with the position in the sequence always shown. Plain buttons in document
// order make it work with one thumb and entirely with the keyboard (Tab, Enter or Space).
import { fetchJson } from "../api.js";
import { announce, explain, h } from "../dom.js";
import { addStrings, currentLanguage, formatPercent, t } from "../i18n.js";
import { asParticipant, savedAnswers } from "../participant.js";
import { fileUrl, manifest } from "../results-source.js";

// The qualifications each vote key allows (the API's contract; docs/api/openapi.json).
const KEYS = {
  agree: ["like_it", "doable", "platitude_agree"],
  disagree: ["no_way", "impossible", "platitude_disagree"],
  neutral: ["do_not_understand", "no_opinion", "do_not_care"],
};

addStrings({
  "vote.title": ["Voter", "Vote"],
  "vote.intro": ["Donnez votre avis sur chaque proposition. Vous pouvez ensuite préciser pourquoi.", "Give your view on each proposal, then say why if you wish."],
  "vote.progress": ["Proposition {i} sur {total}", "Proposal {i} of {total}"],
  "vote.your_vote": ["Votre vote", "Your vote"],
  "vote.agree": ["D'accord", "Agree"],
  "vote.disagree": ["Pas d'accord", "Disagree"],
  "vote.neutral": ["Neutre", "Neutral"],
  "vote.why": ["Pourquoi ? (facultatif)", "Why? (optional)"],
  "vote.like_it": ["Coup de cœur", "Love it"],
  "vote.doable": ["Réaliste", "Doable"],
  "vote.platitude_agree": ["Banalité", "Platitude"],
  "vote.no_way": ["Surtout pas", "No way"],
  "vote.impossible": ["Infaisable", "Impossible"],
  "vote.platitude_disagree": ["Banalité", "Platitude"],
  "vote.do_not_understand": ["Je ne comprends pas", "I don't understand"],
  "vote.no_opinion": ["Pas d'avis", "No opinion"],
  "vote.do_not_care": ["Ça m'est égal", "I don't care"],
  "vote.next": ["Proposition suivante", "Next proposal"],
  "vote.recorded": ["Vote enregistré : {key}. Précisez pourquoi si vous le souhaitez, puis passez à la suite.", "Vote recorded: {key}. Say why if you wish, then move on."],
  "vote.untrusted": ["Vote gardé ({key}), mais il ne compte pas dans les résultats : cette proposition ne venait plus de votre série. Passez à la suite.", "Vote kept ({key}), but it does not count in the results: this proposal no longer came from your sequence. Move on."],
  "vote.sending": ["Envoi de votre vote…", "Sending your vote…"],
  "vote.others": ["Les autres votants : {agree} d'accord, {disagree} pas d'accord, {neutral} neutres ({n} votes aux derniers résultats).", "The other voters: {agree} agree, {disagree} disagree, {neutral} neutral ({n} votes in the latest results)."],
  "vote.others.one": ["Les autres votants : {agree} d'accord, {disagree} pas d'accord, {neutral} neutres ({n} vote aux derniers résultats).", "The other voters: {agree} agree, {disagree} disagree, {neutral} neutral ({n} vote in the latest results)."],
  "vote.others_none": ["Vous êtes parmi les premiers à voter sur cette proposition.", "You are among the first to vote on this proposal."],
  "vote.yours": ["Vos votes", "Your votes"],
  "vote.yours_hint": ["Vous pouvez changer d'avis : choisissez un autre vote.", "You can change your mind: choose another vote."],
  "vote.changed": ["Vote changé : {key}.", "Vote changed: {key}."],
  "vote.not_voted": ["Pas de vote", "No vote"],
  "vote.profile": ["Dites-nous qui vous êtes (facultatif) : vos réponses montrent si tous les publics sont entendus.", "Tell us who you are (optional): your answers show whether every public is heard."],
  "vote.profile_link": ["Répondre aux questions", "Answer the questions"],
  "vote.share": ["Invitez d'autres personnes à donner leur avis :", "Invite others to give their view:"],
  "vote.share_button": ["Partager la consultation", "Share the consultation"],
  "vote.copy": ["Copier le lien", "Copy the link"],
  "vote.copied": ["Lien copié.", "Link copied."],
  "vote.copy_failed": ["Copie impossible ici : sélectionnez le lien ci-dessus.", "Cannot copy here: select the link above."],
  "vote.done_title": ["Série terminée, merci !", "Sequence complete, thank you!"],
  "vote.done": ["Vous avez voté sur {n} propositions.", "You have voted on {n} proposals."],
  "vote.done.one": ["Vous avez voté sur {n} proposition.", "You have voted on {n} proposal."],
  "vote.more": ["Voter sur d'autres propositions", "Vote on more proposals"],
  "vote.empty_title": ["Rien à voter pour l'instant", "Nothing to vote on right now"],
  "vote.empty": ["Vous avez vu toutes les propositions publiées. Revenez plus tard, ou faites la vôtre.", "You have seen every published proposal. Come back later, or put forward your own."],
  "vote.propose": ["Faire une proposition", "Put forward an idea"],
  "vote.results": ["Voir les résultats", "See the results"],
});

const SAVED = "agora.sequence"; // the sequence in progress, so a reload resumes where the citizen was
const SAVED_FOR_MS = 12 * 3600 * 1000; // well within the proofs' lifetime (a day by default)

/** The sequence in progress for this participant and language, or null. */
function resumed(language) {
  const saved = JSON.parse(localStorage.getItem(SAVED) ?? "null");
  const owner = localStorage.getItem("agora.participant");
  return saved && saved.owner === owner && saved.language === language && Date.now() - saved.at < SAVED_FOR_MS ? saved : null;
}

function keep(state) {
  const votes = Object.fromEntries([...state.votes].map(([id, v]) => [id, { ...v, qualifications: [...v.qualifications] }]));
  const saved = { owner: localStorage.getItem("agora.participant"), language: currentLanguage(), at: state.at, items: state.items, index: state.index, votes };
  localStorage.setItem(SAVED, JSON.stringify(saved));
}

/** How others voted, from the published votes.json (one CDN file per snapshot, never the database). */
let published = null;
function othersOn(id) {
  published ??= manifest().then((found) => fetchJson(fileUrl(found, "votes.json")));
  return published.then((file) => file.proposals[id] ?? [0, 0, 0], () => ((published = null), null));
}

function othersText(split) {
  const [agree, disagree, neutral] = split;
  const n = agree + disagree + neutral;
  if (!n) return t("vote.others_none");
  return t("vote.others", { n, agree: formatPercent(agree / n), disagree: formatPercent(disagree / n), neutral: formatPercent(neutral / n) });
}

export async function render(page, { consultation }) {
  const state = { items: [], index: 0, votes: new Map(), at: Date.now() }; // votes: id → {key, qualifications: Set, trusted}
  let busy = false;

  const progressLabel = h("p", { id: "progress-label", class: "progress-label" });
  const progress = h("progress", { "aria-labelledby": "progress-label", max: 1, value: 0 });
  const text = h("p", { class: "card-text", tabindex: "-1" });
  const keys = Object.keys(KEYS).map((key) =>
    h("button", { type: "button", class: `key ${key}`, "data-key": key, "aria-pressed": "false", onclick: () => send(() => castVote(key)) }, t(`vote.${key}`)),
  );
  const others = h("p", { class: "others waiting" });
  const choices = h("div", { class: "choices" });
  const qualifications = h("fieldset", { class: "qualifications" }, h("legend", {}, t("vote.why")), choices);
  const message = h("p", { class: "message", role: "alert" });
  const next = h("button", { type: "button", class: "button primary next", onclick: advance }, t("vote.next"));
  const voting = h("div", { class: "voting" }, text, h("div", { class: "keys", role: "group", "aria-label": t("vote.your_vote") }, keys), others, qualifications, next);
  const endTitle = h("h2", { tabindex: "-1" });
  const endText = h("p");
  const end = h("div", { class: "end", hidden: true }, endTitle, endText, endActions());
  // The card keeps one size whatever it shows (a proposal, the end of a sequence), so nothing moves under a thumb.
  const card = h("article", { class: "card", "aria-labelledby": "progress-label" }, voting, end, message);
  const recap = h("section", { class: "recap", hidden: true, "aria-labelledby": "recap-title" });
  page.append(h("h1", {}, t("vote.title")), h("p", {}, t("vote.intro")), h("div", { class: "progress" }, progressLabel, progress), card, recap);

  function endActions() {
    const more = h("button", { type: "button", class: "button primary", onclick: () => send(restart) }, t("vote.more"));
    const answered = Object.keys(savedAnswers()).length > 0;
    return [
      h("div", { class: "actions" }, more, h("a", { class: "button", href: "#/propose" }, t("vote.propose")), h("a", { class: "button", href: "#/results" }, t("vote.results"))),
      answered || !consultation.demographics.length ? null : h("p", { class: "invite" }, t("vote.profile"), " ", h("a", { href: "#/profile" }, t("vote.profile_link"))),
      sharing(),
    ];
  }

  /** One request at a time, its failure explained on the card. */
  async function send(action) {
    if (busy) return;
    busy = true;
    card.setAttribute("aria-busy", "true");
    message.textContent = "";
    try {
      await action();
    } catch (error) {
      if (error.status === 401) await load().catch(() => {}); // the proofs belonged to the old identity
      message.textContent = explain(error);
    } finally {
      busy = false;
      card.removeAttribute("aria-busy");
    }
  }

  /** PUT the vote; the key shows it is on its way until the API answers. */
  async function putVote(item, key, button) {
    button.classList.add("pending");
    button.setAttribute("aria-busy", "true");
    announce(t("vote.sending"));
    try {
      const recorded = await asParticipant("PUT", `/proposals/${item.id}/vote`, { body: { key, proof: item.proof } });
      const vote = { key: recorded.key, qualifications: new Set(recorded.qualifications), trusted: recorded.trusted === true };
      state.votes.set(item.id, vote);
      keep(state);
      return vote;
    } finally {
      button.classList.remove("pending");
      button.removeAttribute("aria-busy");
    }
  }

  async function castVote(key) {
    const item = state.items[state.index];
    const vote = await putVote(item, key, keys.find((b) => b.dataset.key === key));
    showVote();
    // A support is claimed only when the API says the vote counts.
    announce(t(vote.trusted ? "vote.recorded" : "vote.untrusted", { key: t(`vote.${vote.key}`) }));
    showOthers(item.id);
  }

  async function showOthers(id) {
    others.textContent = "";
    const split = await othersOn(id);
    if (split && state.items[state.index]?.id === id) others.textContent = othersText(split);
  }

  async function toggle(qualification) {
    const item = state.items[state.index];
    const vote = state.votes.get(item.id);
    const on = vote.qualifications.has(qualification);
    await asParticipant(on ? "DELETE" : "PUT", `/proposals/${item.id}/vote/qualifications/${qualification}`);
    vote.qualifications[on ? "delete" : "add"](qualification);
    keep(state);
    showVote();
  }

  function showVote() {
    const current = state.votes.get(state.items[state.index]?.id);
    for (const button of keys) button.setAttribute("aria-pressed", String(button.dataset.key === current?.key));
    const key = current?.key ?? "agree";
    // New buttons only when the vote key changes: a toggled one keeps the keyboard focus.
    if (choices.dataset.key !== key) {
      choices.dataset.key = key;
      choices.replaceChildren(...KEYS[key].map((q) => h("button", { type: "button", class: "chip", "data-qualification": q, onclick: () => send(() => toggle(q)) }, t(`vote.${q}`))));
    }
    for (const chip of choices.children) chip.setAttribute("aria-pressed", String(Boolean(current?.qualifications.has(chip.dataset.qualification))));
    // Hidden, not removed, until there is a vote: the space stays taken and the card keeps its height.
    for (const part of [others, qualifications, next]) part.classList.toggle("waiting", !current);
  }

  function showCard() {
    const { items, index } = state;
    progress.max = Math.max(items.length, 1);
    progress.value = Math.min(index, items.length);
    const finished = index >= items.length;
    voting.hidden = finished;
    end.hidden = !finished;
    recap.hidden = !finished || !state.votes.size;
    if (finished) return showEnd();
    progressLabel.textContent = t("vote.progress", { i: index + 1, total: items.length });
    text.textContent = items[index].text;
    text.lang = items[index].language;
    others.textContent = "";
    showVote();
    if (state.votes.has(items[index].id)) showOthers(items[index].id);
  }

  function showEnd() {
    const total = state.items.length;
    progressLabel.textContent = total ? t("vote.progress", { i: total, total }) : "";
    endTitle.textContent = t(total ? "vote.done_title" : "vote.empty_title");
    endText.textContent = total ? t("vote.done", { n: state.votes.size }) : t("vote.empty");
    showRecap();
  }

  /** The citizen's votes of this sequence, each changeable with the same keys. */
  function showRecap() {
    const voted = state.items.filter((item) => state.votes.has(item.id));
    recap.replaceChildren(
      h("h2", { id: "recap-title" }, t("vote.yours")),
      h("p", { class: "note" }, t("vote.yours_hint")),
      h("ol", { class: "yours" }, voted.map(recapItem)),
    );
  }

  function recapItem(item) {
    const textId = `recap-${item.id}`;
    const buttons = Object.keys(KEYS).map((key) =>
      h("button", { type: "button", class: `key small ${key}`, "data-key": key, "aria-pressed": String(state.votes.get(item.id).key === key), onclick: () => send(() => change(item, key, buttons)) }, t(`vote.${key}`)),
    );
    return h("li", { "data-proposal-id": item.id }, h("p", { id: textId, lang: item.language }, item.text), h("div", { class: "keys", role: "group", "aria-labelledby": textId }, buttons));
  }

  async function change(item, key, buttons) {
    const vote = await putVote(item, key, buttons.find((b) => b.dataset.key === key));
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.key === vote.key));
    announce(t(vote.trusted ? "vote.changed" : "vote.untrusted", { key: t(`vote.${vote.key}`) }));
  }

  function advance() {
    state.index += 1;
    keep(state);
    showCard();
    if (state.index < state.items.length) {
      announce(progressLabel.textContent);
      text.focus();
    } else endTitle.focus();
  }

  async function load() {
    const { proposals } = await asParticipant("GET", `/sequence?size=${consultation.sequence_size}`);
    Object.assign(state, { items: proposals, index: 0, votes: new Map(), at: Date.now() });
    keep(state);
    showCard();
  }

  async function restart() {
    await load();
    (state.index < state.items.length ? text : endTitle).focus();
  }

  const saved = resumed(currentLanguage());
  if (saved) {
    const votes = Object.entries(saved.votes).map(([id, v]) => [id, { ...v, qualifications: new Set(v.qualifications) }]);
    Object.assign(state, { items: saved.items, index: saved.index, votes: new Map(votes), at: saved.at });
    showCard();
  } else await load();
}

/** The consultation's address, to pass on: the system's share sheet where there is one, a copy button everywhere. */
function sharing() {
  const url = new URL("./", location.href).href;
  const status = h("span", { class: "note", role: "status" });
  const copy = h("button", { type: "button", class: "button small" }, t("vote.copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = t("vote.copied");
    } catch {
      status.textContent = t("vote.copy_failed"); // no clipboard here (permission, old browser): the link is shown
    }
  });
  const share = navigator.share && h("button", { type: "button", class: "button small", onclick: () => navigator.share({ title: document.title, url }).catch(() => {}) }, t("vote.share_button"));
  return h("p", { class: "share" }, t("vote.share"), " ", h("a", { class: "share-link", href: url }, url), " ", share, copy, status);
}
