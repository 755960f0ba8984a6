// Proposing: the prefix shown and fixed, a live character count, similar proposals found while
// typing (so the citizen can back one instead), and what became of their proposals.
import { announce, explain, h } from "../dom.js";
import { addStrings, currentLanguage, formatDate, languageName, t } from "../i18n.js";
import { asParticipant } from "../participant.js";
import { request } from "../api.js";

const PAUSE_MS = 400; // typing pause before looking for similar proposals and announcing the count
const SIMILAR_FROM = 8; // characters after the prefix before a search means anything

addStrings({
  "propose.title": ["Faire une proposition", "Put forward an idea"],
  "propose.language": ["Langue de votre proposition", "Language of your proposal"],
  "propose.label": ["Votre proposition, qui commence par « {prefix} »", "Your proposal, which begins with “{prefix}”"],
  "propose.hint": ["Une seule idée, claire et concrète : de {min} à {max} caractères en comptant « {prefix} ».", "One clear, concrete idea: {min} to {max} characters, counting “{prefix}”."],
  "propose.count": ["{count} caractères sur {max}", "{count} of {max} characters"],
  "propose.short": ["{count} caractères sur {max} : encore {n} au minimum", "{count} of {max} characters: at least {n} more"],
  "propose.over": ["{count} caractères sur {max} : {n} de trop", "{count} of {max} characters: {n} too many"],
  "propose.similar": ["Des propositions proches existent déjà. Vous pouvez soutenir l'une d'elles plutôt que d'en écrire une nouvelle :", "Similar proposals already exist. You can back one of them instead of writing a new one:"],
  "propose.similar_found": ["{n} proposition proche trouvée, sous le champ.", "{n} similar proposal found, below the field."],
  "propose.similar_found.other": ["{n} propositions proches trouvées, sous le champ.", "{n} similar proposals found, below the field."],
  "propose.agree": ["Je soutiens", "I agree"],
  "propose.agreed": ["Vous la soutenez.", "You back it."],
  "propose.submit": ["Envoyer ma proposition", "Send my proposal"],
  "propose.sent": ["Merci ! Votre proposition a été envoyée ; elle sera publiée après modération.", "Thank you! Your proposal was sent; it will be published once moderated."],
  "propose.mine": ["Vos propositions", "Your proposals"],
  "propose.none": ["Vous n'avez encore rien proposé.", "You have not proposed anything yet."],
  "propose.sent_on": ["Envoyée le {date}", "Sent on {date}"],
  "propose.empty": ["Écrivez votre idée après les premiers mots.", "Write your idea after the opening words."],
  "propose.too_short": ["C'est trop court : au moins {min_length} caractères, en comptant le début.", "This is too short: at least {min_length} characters, counting the opening words."],
  "propose.too_long": ["C'est trop long : au plus {max_length} caractères, en comptant le début.", "This is too long: at most {max_length} characters, counting the opening words."],
  "propose.html": ["Écrivez en texte simple, sans balises HTML.", "Write plain text, without HTML tags."],
  "propose.control_character": ["Le texte contient un caractère invisible ; écrivez sur une seule ligne, en texte simple.", "The text contains an invisible character; write plain text on one line."],
  "propose.repeated_characters": ["Le texte répète un même caractère ; exprimez votre idée en mots.", "The text repeats one character over and over; put your idea in words."],
  "propose.consultation_not_open": ["La consultation n'accepte pas de propositions en ce moment.", "The consultation is not taking proposals right now."],
  "propose.hourly_cap_reached": ["Vous avez fait beaucoup de propositions en une heure ; la prochaine sera la bienvenue dans {wait}.", "You have made many proposals within an hour; the next one is welcome in {wait}."],
  "propose.proposal_cap_reached": ["Vous avez fait {limit} propositions, le maximum pour cette consultation. Merci !", "You have made {limit} proposals, the most this consultation takes. Thank you!"],
});

const ERRORS = Object.fromEntries(
  ["empty", "too_short", "too_long", "html", "control_character", "repeated_characters", "consultation_not_open", "hourly_cap_reached", "proposal_cap_reached"].map((code) => [code, `propose.${code}`]),
);

/** Characters as the API counts them: code points of the NFC text, trimmed, prefix included. */
const length = (text) => [...text.normalize("NFC").trim()].length;

/** A fresh key per proposal, so a resend after a lost answer does not create it twice. */
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

export async function render(page, { consultation }) {
  const { min_length: min, max_length: max, languages } = consultation;
  let language = languages.includes(currentLanguage()) ? currentLanguage() : languages[0];
  let key = newKey();
  let pause;
  let searching;
  let similarShown = 0;

  const prefix = () => consultation.prefix[language];
  const fullText = () => prefix() + field.value.trim();

  const label = h("label", { for: "proposal-text" });
  const hint = h("p", { id: "proposal-hint", class: "hint" });
  const prefixBox = h("span", { class: "prefix", "aria-hidden": "true" });
  const field = h("textarea", { id: "proposal-text", name: "text", rows: 3, "aria-describedby": "proposal-hint proposal-count", autocomplete: "off", oninput: typed });
  const count = h("p", { id: "proposal-count", class: "count" });
  const spoken = h("p", { class: "visually-hidden", "aria-live": "polite" });
  const error = h("p", { id: "proposal-error", class: "message", role: "alert" });
  const similar = h("section", { class: "similar", hidden: true, "aria-labelledby": "similar-title" });
  const sent = h("p", { class: "confirmation", role: "status" });
  const mine = h("ul", { class: "mine" });
  const languageField =
    languages.length > 1 &&
    h(
      "p",
      {},
      h("label", { for: "proposal-language" }, t("propose.language")),
      h(
        "select",
        { id: "proposal-language", onchange: (event) => ((language = event.target.value), describe(), typed()) },
        languages.map((lang) => h("option", { value: lang, lang, selected: lang === language }, languageName(lang))),
      ),
    );

  page.append(
    h("h1", {}, t("propose.title")),
    h(
      "form",
      { class: "propose", novalidate: true, onsubmit: submit },
      languageField,
      label,
      hint,
      h("div", { class: "prefixed" }, prefixBox, field),
      count,
      spoken,
      similar,
      error,
      h("button", { type: "submit", class: "button primary" }, t("propose.submit")),
      sent,
    ),
    h("section", { "aria-labelledby": "mine-title" }, h("h2", { id: "mine-title" }, t("propose.mine")), mine),
  );

  function describe() {
    label.textContent = t("propose.label", { prefix: prefix().trim() });
    hint.textContent = t("propose.hint", { min, max, prefix: prefix().trim() });
    prefixBox.textContent = prefix();
    prefixBox.lang = language;
    field.lang = language;
    showCount();
  }

  function showCount() {
    const n = length(fullText());
    const state = n > max ? "over" : n < min ? "short" : "count";
    count.textContent = t(`propose.${state}`, { count: n, max, n: state === "over" ? n - max : min - n });
    count.classList.toggle("invalid", state === "over");
  }

  function typed() {
    showCount();
    sent.textContent = "";
    clearTimeout(pause);
    pause = setTimeout(() => {
      spoken.textContent = count.textContent; // read once the citizen pauses, not at every key
      findSimilar();
    }, PAUSE_MS);
  }

  async function findSimilar() {
    searching?.abort();
    if (field.value.trim().length < SIMILAR_FROM) return showSimilar([]);
    searching = new AbortController();
    try {
      const found = await request("GET", `/proposals/similar?limit=3&text=${encodeURIComponent(fullText())}`, { signal: searching.signal });
      showSimilar(found.proposals.filter((p) => p.text)); // pending ones come without their text
    } catch (failure) {
      if (failure.name !== "AbortError") showSimilar([]); // suggestions are a help, not a step: stay quiet
    }
  }

  function showSimilar(found) {
    similar.hidden = found.length === 0;
    similar.replaceChildren(
      h("h2", { id: "similar-title", class: "small" }, t("propose.similar")),
      h("ul", {}, found.map((p) => h("li", {}, h("p", {}, p.text), backButton(p.id)))),
    );
    if (found.length && found.length !== similarShown) announce(t("propose.similar_found", { n: found.length }));
    similarShown = found.length;
  }

  function backButton(id) {
    const button = h("button", { type: "button", class: "button small" }, t("propose.agree"));
    button.addEventListener("click", async () => {
      try {
        await asParticipant("PUT", `/proposals/${id}/vote`, { body: { key: "agree" } });
        button.replaceWith(h("p", { class: "confirmation", tabindex: "-1" }, t("propose.agreed")));
        similar.querySelector(".confirmation").focus();
      } catch (failure) {
        error.textContent = explain(failure);
      }
    });
    return button;
  }

  async function submit(event) {
    event.preventDefault();
    error.textContent = "";
    field.removeAttribute("aria-invalid");
    try {
      await asParticipant("POST", "/proposals", { body: { text: fullText(), language }, headers: { "Idempotency-Key": key } });
    } catch (failure) {
      error.textContent = explain(failure, ERRORS); // role="alert": read out wherever the focus is
      if (failure.status === 422) {
        // The text itself is at fault: mark the field and put the cursor back in it.
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-errormessage", "proposal-error");
        field.focus();
      }
      return;
    }
    key = newKey();
    field.value = "";
    showCount();
    showSimilar([]);
    sent.textContent = t("propose.sent");
    await listMine();
  }

  async function listMine() {
    const { proposals } = await asParticipant("GET", "/participants/me/proposals");
    const item = (p) =>
      h(
        "li",
        { class: `status-${p.status}` },
        h("p", { lang: p.language }, p.text),
        h("p", { class: "status" }, t(`status.${p.status}`, { reason: t(`reason.${p.refusal_reason}`) }), " · ", t("propose.sent_on", { date: formatDate(p.created_at * 1000) })),
      );
    mine.replaceChildren(...(proposals.length ? proposals.map(item) : [h("li", {}, t("propose.none"))]));
  }

  describe();
  await listMine();
}
