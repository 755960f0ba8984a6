// The citizen's anonymous identity: registered on the first visit, its token kept in localStorage.
import { request } from "./api.js";

const STORE = "agora.participant";
const ANSWERS = "agora.answers";

let registering = null; // one registration even when the shell and a page both ask at once

export function ensureParticipant() {
  if (localStorage.getItem(STORE)) return Promise.resolve();
  registering ??= request("POST", "/participants", { body: {} })
    .then((created) => localStorage.setItem(STORE, created.participant_token))
    .finally(() => (registering = null));
  return registering;
}

/** A call as the participant. A token the API turns away (expired, or from a restarted local
 * stack) is dropped, so the next action starts a new identity; the caller still gets the 401
 * and tells the citizen to try again rather than resending on its own. */
export async function asParticipant(method, path, options = {}) {
  await ensureParticipant();
  const headers = { ...options.headers, Authorization: `Bearer ${localStorage.getItem(STORE)}` };
  try {
    return await request(method, path, { ...options, headers });
  } catch (error) {
    if (error.status === 401) [STORE, ANSWERS].forEach((key) => localStorage.removeItem(key));
    throw error;
  }
}

/** PATCH /participants/me answers with a fresh token carrying the new answers; the answers are
 * kept beside it so the form shows them next time (the API has no read-back for them). */
export function keepProfile({ participant_token, demographics }) {
  localStorage.setItem(STORE, participant_token);
  localStorage.setItem(ANSWERS, JSON.stringify(demographics));
}

export const savedAnswers = () => JSON.parse(localStorage.getItem(ANSWERS) ?? "{}");
