// French and English. Strings are kept as [French, English] pairs so a translation is never
// missing or out of step; each view adds its own (addStrings), so the first view only downloads
// the words it shows. These are the ones every page needs.

const STORE = "agora.language";
const COLUMNS = ["fr", "en"];
const strings = new Map();
let language = "fr";

export function addStrings(pairs) {
  for (const [key, texts] of Object.entries(pairs)) strings.set(key, texts);
}

/** The consultation's languages in the citizen's order of preference: a past choice, then the browser's. */
export function chooseLanguage(available) {
  const wanted = [localStorage.getItem(STORE), ...navigator.languages.map((tag) => tag.slice(0, 2).toLowerCase())];
  setLanguage(wanted.find((lang) => available.includes(lang)) ?? available[0], false);
}

export function setLanguage(lang, remember = true) {
  language = lang;
  document.documentElement.lang = lang;
  if (remember) localStorage.setItem(STORE, lang);
}

export const currentLanguage = () => language;

export const hasString = (key) => strings.has(key);

/** A UI string with {placeholders} filled in; `n` also picks the plural form ("key.one" / "key.other"). */
export function t(key, vars = {}) {
  const plural = vars.n === undefined ? undefined : strings.get(`${key}.${new Intl.PluralRules(language).select(vars.n)}`);
  const texts = plural ?? strings.get(`${key}.other`) ?? strings.get(key);
  if (!texts) return key;
  const text = texts[COLUMNS.indexOf(language)] ?? texts[1];
  return text.replace(/\{(\w+)\}/g, (_, name) => (name === "n" ? formatNumber(vars.n) : vars[name] ?? ""));
}

/** A language's name in that language ("français", "English"), as a language menu shows it. */
export const languageName = (lang) => new Intl.DisplayNames([lang], { type: "language" }).of(lang);

/** Text the consultation gives per language (its question, a demographic label…). */
export const local = (perLanguage) => perLanguage?.[language] ?? Object.values(perLanguage ?? {})[0] ?? "";

export const formatNumber = (n, options) => new Intl.NumberFormat(language, options).format(n);
export const formatPercent = (share) => formatNumber(share, { style: "percent", maximumFractionDigits: 0 });
export const formatDate = (iso, options = { dateStyle: "long" }) => new Intl.DateTimeFormat(language, options).format(new Date(iso));

/** Fill the static page's [data-i18n] texts and [data-i18n-label] aria-labels. */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

addStrings({
  "nav.skip": ["Aller au contenu", "Skip to content"],
  "nav.label": ["Principale", "Main"],
  "nav.home": ["Accueil", "Home"],
  "nav.vote": ["Voter", "Vote"],
  "nav.propose": ["Proposer", "Propose"],
  "nav.results": ["Résultats", "Results"],
  "nav.language": ["Langue", "Language"],
  "nav.profile": ["À propos de vous (facultatif)", "About you (optional)"],
  "nav.moderation": ["Modération", "Moderation"],
  "loading": ["Chargement…", "Loading…"],
  "counts.participants.one": ["participant", "participant"],
  "counts.participants.other": ["participants", "participants"],
  "counts.proposals.one": ["proposition publiée", "published proposal"],
  "counts.proposals.other": ["propositions publiées", "published proposals"],
  "counts.votes.one": ["vote", "vote"],
  "counts.votes.other": ["votes", "votes"],
  "counts.label": ["Chiffres de la consultation", "The consultation in figures"],
  "counts.at": ["Au {time}.", "As of {time}."],
  "counts.who": ["Participants : les personnes qui ont voté ou proposé.", "Participants: the people who voted or proposed."],
  "error.network": ["Le service ne répond pas. Vérifiez votre connexion et réessayez.", "The service does not answer. Check your connection and try again."],
  "error.401": ["Votre session n'était plus valable ; une nouvelle a été ouverte. Recommencez, s'il vous plaît.", "Your session was no longer valid; a new one has been started. Please try again."],
  "error.409": ["Cette action est déjà en cours ou n'est plus possible ({code}).", "This is already under way or no longer possible ({code})."],
  "error.422": ["La demande a été refusée ({code}) : vérifiez ce que vous avez saisi.", "The request was refused ({code}): check what you entered."],
  "error.429": ["Trop de demandes à la suite. Réessayez dans {wait}.", "Too many requests in a row. Try again in {wait}."],
  "error.503": ["Le service est très sollicité. Réessayez dans {wait}.", "The service is very busy. Try again in {wait}."],
  "error.other": ["Une erreur est survenue de notre côté ({status}, {code}). Réessayez dans un moment.", "Something went wrong on our side ({status}, {code}). Try again in a moment."],
  "code.busy": ["Le service est très sollicité. Réessayez dans un instant.", "The service is very busy. Try again in a moment."],
  "code.overloaded": ["Le service est très sollicité. Réessayez dans {wait}.", "The service is very busy. Try again in {wait}."],
  "code.request_in_progress": ["Cette demande est déjà en cours ; attendez sa réponse.", "This request is already under way; wait for its answer."],
  "code.consultation_not_open": ["La consultation n'est pas ouverte en ce moment.", "The consultation is not open right now."],
  "code.proposal_not_found": ["Cette proposition n'existe pas ou n'est plus visible.", "This proposal does not exist or is no longer visible."],
  "code.internal": ["Une erreur est survenue de notre côté ; rien n'a été modifié. Réessayez dans un moment.", "Something went wrong on our side; nothing was changed. Try again in a moment."],
  "code.invalid_request": ["La demande a été refusée : vérifiez ce que vous avez saisi.", "The request was refused: check what you entered."],
  "wait.seconds.one": ["{n} seconde", "{n} second"],
  "wait.seconds.other": ["{n} secondes", "{n} seconds"],
  "wait.minutes.one": ["{n} minute", "{n} minute"],
  "wait.minutes.other": ["{n} minutes", "{n} minutes"],
  "status.pending": ["En attente de modération", "Awaiting moderation"],
  "status.accepted": ["Publiée : les participants votent dessus", "Published: participants are voting on it"],
  "status.refused": ["Non publiée : {reason}", "Not published: {reason}"],
  "status.postponed": ["En cours d'examen", "Under review"],
  "reason.incomprehensible": ["incompréhensible", "incomprehensible"],
  "reason.off_topic": ["hors sujet", "off topic"],
  "reason.hateful": ["discriminatoire ou haineuse", "discriminatory or hateful"],
  "reason.partisan": ["partisane", "partisan"],
  "reason.advertising": ["publicitaire", "advertising"],
  "reason.multiple_ideas": ["plusieurs idées à la fois", "several ideas at once"],
  "reason.insults": ["insultante", "insulting"],
  "reason.illegal": ["illégale", "illegal"],
  "reason.already_exists": ["existe déjà", "already exists"],
});

