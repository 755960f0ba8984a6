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
  "propose.sending": ["Envoi…", "Sending…"],
  "propose.sent_changed": ["Votre première version a été envoyée. Le texte modifié depuis n'est pas encore envoyé : envoyez-le s'il s'agit d'une autre idée.", "Your first version was sent. The text you changed since has not been sent: send it if it is another idea."],
  "propose.yours_already": ["Vous avez déjà envoyé cette proposition ({status}).", "You have already sent this proposal ({status})."],
  "propose.original": ["Elle existe déjà : « {text} »", "It already exists: “{text}”"],
  "propose.original_pending": ["Une proposition identique attend déjà la modération.", "An identical proposal is already awaiting moderation."],
  "propose.missing_prefix": ["La proposition doit commencer par « {prefix} ».", "The proposal must begin with “{prefix}”."],
  "propose.unsupported_language": ["Cette langue n'est pas proposée par la consultation.", "The consultation does not take this language."],
  "propose.idempotency_key_reused": ["Le texte a changé pendant l'envoi ; envoyez-le de nouveau.", "The text changed while it was being sent; send it again."],
  "propose.too_many_proposals_from_network": ["Beaucoup de propositions viennent de votre réseau en ce moment. Réessayez dans {wait}.", "Many proposals are coming from your network right now. Try again in {wait}."],
});

const ERRORS = Object.fromEntries(
  [
    "empty", "too_short", "too_long", "html", "control_character", "repeated_characters", "missing_prefix", "unsupported_language",
    "consultation_not_open", "hourly_cap_reached", "proposal_cap_reached", "idempotency_key_reused", "too_many_proposals_from_network",
  ].map((code) => [code, `propose.${code}`]),
);

/** Characters as the API counts them: code points of the NFC text, trimmed, prefix included. */
const length = (text) => [...text.normalize("NFC").trim()].length;

/** A fresh key per proposal, so a resend after a lost answer does not create it twice. */
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

/** What a citizen would call "the same text": case, spacing and a final full stop aside. */
const sameText = (a, b) => {
  const plain = (text) => text.normalize("NFC").toLocaleLowerCase().replace(/\s+/g, " ").replace(/[\s.!…]+$/u, "").trim();
  return plain(a) === plain(b);
};

/** The field holds what follows the fixed prefix: a typed or pasted prefix is dropped, as are
 * leading spaces, and line breaks (which the API refuses) become spaces. */
function withoutPrefix(value, prefix) {
  const text = value.replace(/[\r\n]+/g, " ").trimStart(); // the prefix already ends the line with its space
  const head = prefix.trim().toLocaleLowerCase();
  const typed = text.slice(0, head.length).toLocaleLowerCase() === head && /^(\s|$)/u.test(text.slice(head.length));
  return typed ? text.slice(head.length).trimStart() : text;
}

export async function render(page, { consultation }) {
  const { min_length: min, max_length: max, languages } = consultation;
  let language = languages.includes(currentLanguage()) ? currentLanguage() : languages[0];
  const keys = new Map(); // text → Idempotency-Key: a resend of one text reuses its key, a changed text gets a new one
  let mineList = [];
  let pause;
  let searching;
  let similarShown = 0;

  const prefix = () => consultation.prefix[language];
  const fullText = () => prefix() + field.value.trim();

  const label = h("label", { for: "proposal-text" });
  const hint = h("p", { id: "proposal-hint", class: "hint" });
  const prefixBox = h("span", { class: "prefix", "aria-hidden": "true" });
  const field = h("textarea", { id: "proposal-text", name: "text", rows: 3, "aria-describedby": "proposal-hint proposal-count", autocomplete: "off", oninput: typed, onkeydown: enterSubmits });
  const count = h("p", { id: "proposal-count", class: "count" });
  const spoken = h("p", { class: "visually-hidden", "aria-live": "polite" });
  const error = h("div", { id: "proposal-error", class: "message", role: "alert" });
  const similar = h("section", { class: "similar", hidden: true, "aria-labelledby": "similar-title" });
  const sent = h("p", { class: "confirmation", role: "status" });
  const button = h("button", { type: "submit", class: "button primary" }, t("propose.submit"));
  const form = h("form", { class: "propose", novalidate: true, onsubmit: submit }, languageField(), label, hint, h("div", { class: "prefixed" }, prefixBox, field), count, spoken, similar, error, button, sent);
  const mine = h("ul", { class: "mine" });

  page.append(h("h1", {}, t("propose.title")), form, h("section", { "aria-labelledby": "mine-title" }, h("h2", { id: "mine-title" }, t("propose.mine")), mine));

  function languageField() {
    if (languages.length < 2) return null;
    const choose = (event) => ((language = event.target.value), describe(), typed());
    return h(
      "p",
      {},
      h("label", { for: "proposal-language" }, t("propose.language")),
      h("select", { id: "proposal-language", onchange: choose }, languages.map((lang) => h("option", { value: lang, lang, selected: lang === language }, languageName(lang)))),
    );
  }

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
    const cleaned = withoutPrefix(field.value, prefix());
    if (cleaned !== field.value) field.value = cleaned;
    showCount();
    sent.textContent = "";
    clearTimeout(pause);
    pause = setTimeout(() => {
      spoken.textContent = count.textContent; // read once the citizen pauses, not at every key
      findSimilar();
    }, PAUSE_MS);
  }

  /** One line of text: Enter sends it, as in any single-line field. */
  function enterSubmits(event) {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
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
      h("ul", {}, found.map((p) => h("li", {}, h("p", { lang: p.language }, p.text), backButton(p.id)))),
    );
    if (found.length && found.length !== similarShown) announce(t("propose.similar_found", { n: found.length }));
    similarShown = found.length;
  }

  function backButton(id) {
    const back = h("button", { type: "button", class: "button small" }, t("propose.agree"));
    back.addEventListener("click", async () => {
      try {
        await asParticipant("PUT", `/proposals/${id}/vote`, { body: { key: "agree" } });
        const done = h("p", { class: "confirmation", tabindex: "-1" }, t("propose.agreed"));
        back.replaceWith(done);
        done.focus();
      } catch (failure) {
        error.textContent = explain(failure);
      }
    });
    return back;
  }

  function refuse(message, textAtFault) {
    error.textContent = message; // role="alert": read out wherever the focus is
    if (!textAtFault) return;
    // The text itself is at fault: mark the field and put the cursor back in it.
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-errormessage", "proposal-error");
    field.focus();
  }

  async function submit(event) {
    event.preventDefault();
    if (button.disabled) return;
    error.textContent = "";
    sent.textContent = "";
    field.removeAttribute("aria-invalid");
    const text = fullText();
    const twin = mineList.find((p) => sameText(p.original_text ?? p.text, text) || sameText(p.text, text));
    if (twin) return refuse(t("propose.yours_already", { status: t(`status.${twin.status}`, { reason: t(`reason.${twin.refusal_reason}`) }) }), true);
    if (!keys.has(text)) keys.set(text, newKey());
    inFlight(true);
    try {
      await asParticipant("POST", "/proposals", { body: { text, language }, headers: { "Idempotency-Key": keys.get(text) } });
    } catch (failure) {
      return refuse(explain(failure, ERRORS), failure.status === 422);
    } finally {
      inFlight(false);
    }
    keys.delete(text);
    accepted(text);
    await listMine();
  }

  function inFlight(on) {
    button.disabled = on;
    button.textContent = t(on ? "propose.sending" : "propose.submit");
  }

  /** Clear the field only if it still holds what was sent: a correction typed meanwhile is kept. */
  function accepted(text) {
    if (fullText() !== text) return (sent.textContent = t("propose.sent_changed"));
    field.value = "";
    showCount();
    showSimilar([]);
    sent.textContent = t("propose.sent");
  }

  async function listMine() {
    mineList = (await asParticipant("GET", "/participants/me/proposals")).proposals;
    const items = await Promise.all(mineList.map(mineItem));
    mine.replaceChildren(...(items.length ? items : [h("li", {}, t("propose.none"))]));
  }

  async function mineItem(p) {
    const status = t(`status.${p.status}`, { reason: t(`reason.${p.refusal_reason}`) });
    return h(
      "li",
      { class: `status-${p.status}` },
      h("p", { lang: p.language }, p.text),
      h("p", { class: "status" }, status, " · ", t("propose.sent_on", { date: formatDate(p.created_at * 1000) })),
      p.duplicate_of ? await original(p.duplicate_of) : null,
    );
  }

  /** The proposal a refused one repeats, to be backed instead (a pending one is not public). */
  async function original(id) {
    try {
      const found = await request("GET", `/proposals/${id}`);
      return h("div", { class: "original", "data-proposal-id": id }, h("p", { lang: found.language }, t("propose.original", { text: found.text })), backButton(id));
    } catch {
      return h("p", { class: "original" }, t("propose.original_pending"));
    }
  }

  describe();
  await listMine();
}
