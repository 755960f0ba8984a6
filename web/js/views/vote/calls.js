// The voting page's requests: one at a time, each failure explained on the card, and a vote key
// that shows its vote is on its way. `v` is the page (vote.js).
import { announce, explain } from "../../dom.js";
import { t } from "../../i18n.js";
import { asParticipant } from "../../participant.js";
import { keep } from "./saved.js";

/** One request at a time, its failure explained on the card. */
export async function send(v, action) {
  if (v.busy) return;
  v.busy = true;
  v.card.setAttribute("aria-busy", "true");
  v.message.textContent = "";
  try {
    await action();
  } catch (error) {
    if (error.status === 401) await v.reload().catch(() => {}); // the proofs belonged to the old identity
    v.message.textContent = explain(error);
  } finally {
    v.busy = false;
    v.card.removeAttribute("aria-busy");
  }
}

/** PUT the vote; the key shows it is on its way until the API answers. */
export async function putVote(v, item, key, button) {
  button.classList.add("pending");
  button.setAttribute("aria-busy", "true");
  announce(t("vote.sending"));
  try {
    const recorded = await asParticipant("PUT", `/proposals/${item.id}/vote`, { body: { key, proof: item.proof } });
    const vote = { key: recorded.key, qualifications: new Set(recorded.qualifications), trusted: recorded.trusted === true };
    v.state.votes.set(item.id, vote);
    keep(v.state);
    return vote;
  } finally {
    button.classList.remove("pending");
    button.removeAttribute("aria-busy");
  }
}
