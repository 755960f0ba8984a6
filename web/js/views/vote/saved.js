// The sequence in progress, kept in localStorage so a reload resumes where the citizen was.
import { currentLanguage } from "../../i18n.js";

const SAVED = "agora.sequence";
const SAVED_FOR_MS = 12 * 3600 * 1000; // well within the proofs' lifetime (a day by default)

/** The sequence in progress for this participant and language, or null. */
export function resumed(language) {
  const saved = JSON.parse(localStorage.getItem(SAVED) ?? "null");
  const owner = localStorage.getItem("agora.participant");
  if (!(saved && saved.owner === owner && saved.language === language && Date.now() - saved.at < SAVED_FOR_MS)) return null;
  const votes = Object.entries(saved.votes).map(([id, v]) => [id, { ...v, qualifications: new Set(v.qualifications) }]);
  return { items: saved.items, index: saved.index, votes: new Map(votes), at: saved.at };
}

export function keep(state) {
  const votes = Object.fromEntries([...state.votes].map(([id, v]) => [id, { ...v, qualifications: [...v.qualifications] }]));
  const saved = { owner: localStorage.getItem("agora.participant"), language: currentLanguage(), at: state.at, items: state.items, index: state.index, votes };
  localStorage.setItem(SAVED, JSON.stringify(saved));
}
