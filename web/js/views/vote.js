// Voting: one proposal at a time from the participant's sequence, a vote key, then optional
// qualifications, with the position in the sequence always shown. Plain buttons in document
// order make it work with one thumb and entirely with the keyboard (Tab, Enter or Space).
import { announce, explain, h } from "../dom.js";
import { addStrings, t } from "../i18n.js";
import { asParticipant } from "../participant.js";

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
  "vote.done_title": ["Série terminée, merci !", "Sequence complete, thank you!"],
  "vote.done": ["Vous avez voté sur {n} propositions.", "You have voted on {n} proposals."],
  "vote.done.one": ["Vous avez voté sur {n} proposition.", "You have voted on {n} proposal."],
  "vote.more": ["Voter sur d'autres propositions", "Vote on more proposals"],
  "vote.empty_title": ["Rien à voter pour l'instant", "Nothing to vote on right now"],
  "vote.empty": ["Vous avez vu toutes les propositions publiées. Revenez plus tard, ou faites la vôtre.", "You have seen every published proposal. Come back later, or put forward your own."],
  "vote.propose": ["Faire une proposition", "Put forward an idea"],
  "vote.results": ["Voir les résultats", "See the results"],
});

export async function render(page, { consultation }) {
  let items = [];
  let index = 0;
  let current = null; // this card's vote: {key, qualifications: Set}
  let busy = false;

  const progressLabel = h("p", { id: "progress-label", class: "progress-label" });
  const progress = h("progress", { "aria-labelledby": "progress-label", max: 1, value: 0 });
  const text = h("p", { class: "card-text", tabindex: "-1" });
  const keys = Object.keys(KEYS).map((key) =>
    h("button", { type: "button", class: `key ${key}`, "data-key": key, "aria-pressed": "false", onclick: () => send(() => castVote(key)) }, t(`vote.${key}`)),
  );
  const choices = h("div", { class: "choices" });
  const qualifications = h("fieldset", { class: "qualifications" }, h("legend", {}, t("vote.why")), choices);
  const message = h("p", { class: "message", role: "alert" });
  const next = h("button", { type: "button", class: "button primary next", onclick: advance }, t("vote.next"));
  const voting = h("div", { class: "voting" }, text, h("div", { class: "keys", role: "group", "aria-label": t("vote.your_vote") }, keys), qualifications, next);
  const endTitle = h("h2", { tabindex: "-1" });
  const endText = h("p");
  const more = h("button", { type: "button", class: "button primary", onclick: () => send(restart) }, t("vote.more"));
  const end = h(
    "div",
    { class: "end", hidden: true },
    endTitle,
    endText,
    h("div", { class: "actions" }, more, h("a", { class: "button", href: "#/propose" }, t("vote.propose")), h("a", { class: "button", href: "#/results" }, t("vote.results"))),
  );
  // The card keeps one size whatever it shows (a proposal, the end of a sequence), so nothing moves under a thumb.
  const card = h("article", { class: "card", "aria-labelledby": "progress-label" }, voting, end, message);
  page.append(h("h1", {}, t("vote.title")), h("p", {}, t("vote.intro")), h("div", { class: "progress" }, progressLabel, progress), card);

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

  async function castVote(key) {
    const item = items[index];
    const recorded = await asParticipant("PUT", `/proposals/${item.id}/vote`, { body: { key, proof: item.proof } });
    current = { key: recorded.key, qualifications: new Set(recorded.qualifications) };
    showVote();
    announce(t("vote.recorded", { key: t(`vote.${key}`) }));
  }

  async function toggle(qualification) {
    const on = current.qualifications.has(qualification);
    await asParticipant(on ? "DELETE" : "PUT", `/proposals/${items[index].id}/vote/qualifications/${qualification}`);
    current.qualifications[on ? "delete" : "add"](qualification);
    showVote();
  }

  function showVote() {
    for (const button of keys) button.setAttribute("aria-pressed", String(button.dataset.key === current?.key));
    const key = current?.key ?? "agree";
    // New buttons only when the vote key changes: a toggled one keeps the keyboard focus.
    if (choices.dataset.key !== key) {
      choices.dataset.key = key;
      choices.replaceChildren(...KEYS[key].map((q) => h("button", { type: "button", class: "chip", "data-qualification": q, onclick: () => send(() => toggle(q)) }, t(`vote.${q}`))));
    }
    for (const chip of choices.children) chip.setAttribute("aria-pressed", String(Boolean(current?.qualifications.has(chip.dataset.qualification))));
    // Hidden, not removed, until there is a vote: the space stays taken and the card keeps its height.
    qualifications.classList.toggle("waiting", !current);
    next.classList.toggle("waiting", !current);
  }

  function showCard() {
    const total = items.length;
    progress.max = Math.max(total, 1);
    progress.value = Math.min(index, total);
    const finished = index >= total;
    voting.hidden = finished;
    end.hidden = !finished;
    if (finished) {
      progressLabel.textContent = total ? t("vote.progress", { i: total, total }) : "";
      endTitle.textContent = t(total ? "vote.done_title" : "vote.empty_title");
      endText.textContent = total ? t("vote.done", { n: total }) : t("vote.empty");
      return;
    }
    progressLabel.textContent = t("vote.progress", { i: index + 1, total });
    text.textContent = items[index].text;
    text.lang = items[index].language;
    current = null;
    showVote();
  }

  function advance() {
    index += 1;
    showCard();
    if (index < items.length) {
      announce(progressLabel.textContent);
      text.focus();
    } else endTitle.focus();
  }

  async function load() {
    items = (await asParticipant("GET", `/sequence?size=${consultation.sequence_size}`)).proposals;
    index = 0;
    showCard();
  }

  async function restart() {
    await load();
    (index < items.length ? text : endTitle).focus();
  }

  await load();
}
