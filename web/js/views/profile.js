// The optional questions about the participant, used only for results by group.
import { explain, h } from "../dom.js";
import { addStrings, local, t } from "../i18n.js";
import { asParticipant, keepProfile, savedAnswers } from "../participant.js";

addStrings({
  "profile.title": ["À propos de vous", "About you"],
  "profile.why": [
    "Ces questions sont facultatives. Vos réponses servent seulement à comparer les avis de différents groupes et à vérifier que les participants ressemblent à la population ; aucun résultat n'est publié pour un groupe trop petit.",
    "These questions are optional. Your answers are only used to compare the views of different groups and to check that participants resemble the population; no result is published for a group that is too small.",
  ],
  "profile.skip": ["Je préfère ne pas répondre", "I prefer not to say"],
  "profile.save": ["Enregistrer", "Save"],
  "profile.saved": ["Merci, c'est enregistré.", "Thank you, saved."],
  "profile.vote": ["Retour au vote", "Back to voting"],
});

export async function render(page, { consultation }) {
  const answers = savedAnswers();
  const status = h("p", { role: "status", class: "confirmation" });
  const question = (q) =>
    h(
      "fieldset",
      {},
      h("legend", {}, local(q.label)),
      [...q.choices, ""].map((choice) =>
        h(
          "label",
          { class: "choice" },
          h("input", { type: "radio", name: q.id, value: choice, checked: (answers[q.id] ?? "") === choice }),
          ` ${choice ? local(q.choice_labels?.[choice]) || choice : t("profile.skip")}`,
        ),
      ),
    );

  async function save(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    // An unchecked question, like "prefer not to say", is sent as null: it clears a past answer.
    const demographics = Object.fromEntries(consultation.demographics.map((q) => [q.id, form.get(q.id) || null]));
    try {
      keepProfile(await asParticipant("PATCH", "/participants/me", { body: { demographics } }));
      status.textContent = t("profile.saved");
    } catch (error) {
      status.textContent = explain(error);
    }
  }

  page.append(
    h("h1", {}, t("profile.title")),
    h("p", {}, t("profile.why")),
    h("form", { class: "profile", onsubmit: save }, consultation.demographics.map(question), h("button", { type: "submit", class: "button primary" }, t("profile.save")), status),
    h("p", {}, h("a", { href: "#/vote" }, t("profile.vote"))),
  );
}
