// Voting: one proposal at a time from the participant's sequence, a vote key, then how the others
// voted and optional qualifications, with the position in the sequence always shown; at the end
// the citizen's votes (vote/recap.js) and what to do next. Plain buttons in document order make
// it work with one thumb and entirely with the keyboard (Tab, Enter or Space).
// `v` holds the page's parts and its sequence; the functions below share it.
import { announce, h } from "../dom.js";
import { currentLanguage, local, t } from "../i18n.js";
import { asParticipant, savedAnswers } from "../participant.js";
import { KEYS } from "./vote/strings.js";
import { keep, resumed } from "./vote/saved.js";
import { othersOn, othersText } from "./vote/others.js";
import { putVote, send } from "./vote/calls.js";
import { showRecap } from "./vote/recap.js";
import { sharing } from "./vote/share.js";

function endActions(v) {
  const { consultation } = v;
  const more = h("button", { type: "button", class: "button primary", onclick: () => send(v, () => restart(v)) }, t("vote.more"));
  const answered = Object.keys(savedAnswers()).length > 0;
  return [
    h("div", { class: "actions" }, more, h("a", { class: "button", href: "#/propose" }, t("vote.propose")), h("a", { class: "button", href: "#/results" }, t("vote.results"))),
    answered || !consultation.demographics.length ? null : h("p", { class: "invite" }, t("vote.profile"), " ", h("a", { href: "#/profile" }, t("vote.profile_link"))),
    sharing(local(consultation.question)),
  ];
}

/** The page's parts: the progress, the card (a proposal or the end of the sequence), the recap. */
function parts(v) {
  v.progressLabel = h("p", { id: "progress-label", class: "progress-label" });
  v.progress = h("progress", { "aria-labelledby": "progress-label", max: 1, value: 0 });
  v.text = h("p", { class: "card-text", tabindex: "-1" });
  v.keys = Object.keys(KEYS).map((key) =>
    h("button", { type: "button", class: `key ${key}`, "data-key": key, "aria-pressed": "false", onclick: () => send(v, () => castVote(v, key)) }, t(`vote.${key}`)),
  );
  v.others = h("p", { class: "others waiting" });
  v.choices = h("div", { class: "choices" });
  v.qualifications = h("fieldset", { class: "qualifications" }, h("legend", {}, t("vote.why")), v.choices);
  v.message = h("p", { class: "message", role: "alert" });
  v.next = h("button", { type: "button", class: "button primary next", onclick: () => advance(v) }, t("vote.next"));
  v.voting = h("div", { class: "voting" }, v.text, h("div", { class: "keys", role: "group", "aria-label": t("vote.your_vote") }, v.keys), v.others, v.qualifications, v.next);
  v.endTitle = h("h2", { tabindex: "-1" });
  v.endText = h("p");
  v.end = h("div", { class: "end", hidden: true }, v.endTitle, v.endText, endActions(v));
  // The card keeps one size whatever it shows (a proposal, the end of a sequence), so nothing moves under a thumb.
  v.card = h("article", { class: "card", "aria-labelledby": "progress-label" }, v.voting, v.end, v.message);
  v.recap = h("section", { class: "recap", hidden: true, "aria-labelledby": "recap-title" });
}

const current = (v) => v.state.items[v.state.index];

async function castVote(v, key) {
  const item = current(v);
  const vote = await putVote(v, item, key, v.keys.find((b) => b.dataset.key === key));
  showVote(v);
  // A support is claimed only when the API says the vote counts.
  announce(t(vote.trusted ? "vote.recorded" : "vote.untrusted", { key: t(`vote.${vote.key}`) }));
  showOthers(v, item.id);
}

async function showOthers(v, id) {
  v.others.textContent = "";
  const split = await othersOn(id);
  if (split && current(v)?.id === id) v.others.textContent = othersText(split);
}

async function toggle(v, qualification) {
  const item = current(v);
  const vote = v.state.votes.get(item.id);
  const on = vote.qualifications.has(qualification);
  await asParticipant(on ? "DELETE" : "PUT", `/proposals/${item.id}/vote/qualifications/${qualification}`);
  vote.qualifications[on ? "delete" : "add"](qualification);
  keep(v.state);
  showVote(v);
}

function showVote(v) {
  const vote = v.state.votes.get(current(v)?.id);
  for (const button of v.keys) button.setAttribute("aria-pressed", String(button.dataset.key === vote?.key));
  const key = vote?.key ?? "agree";
  // New buttons only when the vote key changes: a toggled one keeps the keyboard focus.
  if (v.choices.dataset.key !== key) {
    v.choices.dataset.key = key;
    v.choices.replaceChildren(...KEYS[key].map((q) => h("button", { type: "button", class: "chip", "data-qualification": q, onclick: () => send(v, () => toggle(v, q)) }, t(`vote.${q}`))));
  }
  for (const chip of v.choices.children) chip.setAttribute("aria-pressed", String(Boolean(vote?.qualifications.has(chip.dataset.qualification))));
  // Hidden, not removed, until there is a vote: the space stays taken and the card keeps its height.
  for (const part of [v.others, v.qualifications, v.next]) part.classList.toggle("waiting", !vote);
}

function showCard(v) {
  const { items, index } = v.state;
  v.progress.max = Math.max(items.length, 1);
  v.progress.value = Math.min(index, items.length);
  const finished = index >= items.length;
  v.voting.hidden = finished;
  v.end.hidden = !finished;
  v.recap.hidden = !finished || !v.state.votes.size;
  if (finished) return showEnd(v);
  v.progressLabel.textContent = t("vote.progress", { i: index + 1, total: items.length });
  v.text.textContent = items[index].text;
  v.text.lang = items[index].language;
  v.others.textContent = "";
  showVote(v);
  if (v.state.votes.has(items[index].id)) showOthers(v, items[index].id);
}

function showEnd(v) {
  const total = v.state.items.length;
  v.progressLabel.textContent = total ? t("vote.progress", { i: total, total }) : "";
  v.endTitle.textContent = t(total ? "vote.done_title" : "vote.empty_title");
  v.endText.textContent = total ? t("vote.done", { n: v.state.votes.size }) : t("vote.empty");
  showRecap(v);
}

function advance(v) {
  v.state.index += 1;
  keep(v.state);
  showCard(v);
  if (v.state.index < v.state.items.length) {
    announce(v.progressLabel.textContent);
    v.text.focus();
  } else v.endTitle.focus();
}

async function load(v) {
  const { proposals } = await asParticipant("GET", `/sequence?size=${v.consultation.sequence_size}`);
  Object.assign(v.state, { items: proposals, index: 0, votes: new Map(), at: Date.now() });
  keep(v.state);
  showCard(v);
}

async function restart(v) {
  await load(v);
  (v.state.index < v.state.items.length ? v.text : v.endTitle).focus();
}

export async function render(page, { consultation }) {
  // state.votes: proposal id → {key, qualifications: Set, trusted}
  const v = { consultation, busy: false, state: { items: [], index: 0, votes: new Map(), at: Date.now() } };
  v.reload = () => load(v);
  parts(v);
  page.append(h("h1", {}, t("vote.title")), h("p", {}, t("vote.intro")), h("div", { class: "progress" }, v.progressLabel, v.progress), v.card, v.recap);
  const saved = resumed(currentLanguage());
  if (saved) {
    Object.assign(v.state, saved);
    showCard(v);
  } else await load(v);
}
