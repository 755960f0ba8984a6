// The proposal form: the prefix shown and fixed, a live character count, similar proposals
// while typing, one submission at a time (a changed text is a new one), refusals in words.
// `f` holds the form's parts and state; the functions below share it.
import { explain, h } from "../../dom.js";
import { currentLanguage, languageName, t } from "../../i18n.js";
import { asParticipant } from "../../participant.js";
import { ERRORS } from "./strings.js";
import { length, newKey, withoutPrefix } from "./text.js";
import { similarProposals } from "./similar.js";

const PAUSE_MS = 400; // typing pause before looking for similar proposals and announcing the count

const prefix = (f) => f.consultation.prefix[f.language];
const fullText = (f) => prefix(f) + f.field.value.trim();

function languageField(f) {
  const { languages } = f.consultation;
  if (languages.length < 2) return null;
  const choose = (event) => ((f.language = event.target.value), describe(f), typed(f));
  return h(
    "p",
    {},
    h("label", { for: "proposal-language" }, t("propose.language")),
    h("select", { id: "proposal-language", onchange: choose }, languages.map((lang) => h("option", { value: lang, lang, selected: lang === f.language }, languageName(lang)))),
  );
}

function describe(f) {
  const { min_length: min, max_length: max } = f.consultation;
  f.label.textContent = t("propose.label", { prefix: prefix(f).trim() });
  f.hint.textContent = t("propose.hint", { min, max, prefix: prefix(f).trim() });
  f.prefixBox.textContent = prefix(f);
  f.prefixBox.lang = f.language;
  f.field.lang = f.language;
  showCount(f);
}

function showCount(f) {
  const { min_length: min, max_length: max } = f.consultation;
  const n = length(fullText(f));
  const state = n > max ? "over" : n < min ? "short" : "count";
  f.count.textContent = t(`propose.${state}`, { count: n, max, n: state === "over" ? n - max : min - n });
  f.count.classList.toggle("invalid", state === "over");
}

function typed(f) {
  const cleaned = withoutPrefix(f.field.value, prefix(f));
  if (cleaned !== f.field.value) f.field.value = cleaned;
  showCount(f);
  f.sent.textContent = "";
  clearTimeout(f.pause);
  f.pause = setTimeout(() => {
    f.spoken.textContent = f.count.textContent; // read once the citizen pauses, not at every key
    f.similar.search(fullText(f), f.field.value);
  }, PAUSE_MS);
}

/** One line of text: Enter sends it, as in any single-line field. */
function enterSubmits(f, event) {
  if (event.key !== "Enter" || event.isComposing) return;
  event.preventDefault();
  f.element.requestSubmit();
}

function refuse(f, message, textAtFault) {
  f.error.textContent = message; // role="alert": read out wherever the focus is
  if (!textAtFault) return;
  // The text itself is at fault: mark the field and put the cursor back in it.
  f.field.setAttribute("aria-invalid", "true");
  f.field.setAttribute("aria-errormessage", "proposal-error");
  f.field.focus();
}

function inFlight(f, on) {
  f.button.disabled = on;
  f.button.textContent = t(on ? "propose.sending" : "propose.submit");
}

/** Clear the field only if it still holds what was sent: a correction typed meanwhile is kept. */
function accepted(f, text) {
  if (fullText(f) !== text) return (f.sent.textContent = t("propose.sent_changed"));
  f.field.value = "";
  showCount(f);
  f.similar.clear();
  f.sent.textContent = t("propose.sent");
}

async function submit(f, event) {
  event.preventDefault();
  if (f.button.disabled) return;
  f.error.textContent = "";
  f.sent.textContent = "";
  f.field.removeAttribute("aria-invalid");
  const text = fullText(f);
  const repeat = f.mine.repeatOf(text);
  if (repeat) return refuse(f, repeat, true);
  if (!f.keys.has(text)) f.keys.set(text, newKey());
  inFlight(f, true);
  try {
    await asParticipant("POST", "/proposals", { body: { text, language: f.language }, headers: { "Idempotency-Key": f.keys.get(text) } });
  } catch (failure) {
    return refuse(f, explain(failure, ERRORS), failure.status === 422);
  } finally {
    inFlight(f, false);
  }
  f.keys.delete(text);
  accepted(f, text);
  await f.mine.refresh();
}

/** The form for `consultation`; `mine` (mine.js) is the citizen's list, refreshed after each proposal. */
export function proposalForm(consultation, mine, error) {
  const { languages } = consultation;
  const f = {
    consultation, mine, error,
    language: languages.includes(currentLanguage()) ? currentLanguage() : languages[0],
    keys: new Map(), // text → Idempotency-Key: a resend of one text reuses its key, a changed text gets a new one
    label: h("label", { for: "proposal-text" }),
    hint: h("p", { id: "proposal-hint", class: "hint" }),
    prefixBox: h("span", { class: "prefix", "aria-hidden": "true" }),
    count: h("p", { id: "proposal-count", class: "count" }),
    spoken: h("p", { class: "visually-hidden", "aria-live": "polite" }),
    similar: similarProposals(error),
    sent: h("p", { class: "confirmation", role: "status" }),
    button: h("button", { type: "submit", class: "button primary" }, t("propose.submit")),
  };
  f.field = h("textarea", { id: "proposal-text", name: "text", rows: 3, "aria-describedby": "proposal-hint proposal-count", autocomplete: "off", oninput: () => typed(f), onkeydown: (event) => enterSubmits(f, event) });
  const fields = [languageField(f), f.label, f.hint, h("div", { class: "prefixed" }, f.prefixBox, f.field), f.count, f.spoken, f.similar.section, error, f.button, f.sent];
  f.element = h("form", { class: "propose", novalidate: true, onsubmit: (event) => submit(f, event) }, fields);
  describe(f);
  return f.element;
}
