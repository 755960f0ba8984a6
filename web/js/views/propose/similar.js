// Proposals like the one being typed, each with "I agree", so the citizen can back one instead.
import { request } from "../../api.js";
import { announce, explained, h } from "../../dom.js";
import { t } from "../../i18n.js";
import { asParticipant } from "../../participant.js";

const SIMILAR_FROM = 8; // characters after the prefix before a search means anything

/** "I agree" on proposal `id`; a failure is said in `error`. */
export function backButton(id, error) {
  const back = h("button", { type: "button", class: "button small" }, t("propose.agree"));
  const agree = async () => {
    await asParticipant("PUT", `/proposals/${id}/vote`, { body: { key: "agree" } });
    const done = h("p", { class: "confirmation", tabindex: "-1" }, t("propose.agreed"));
    back.replaceWith(done);
    done.focus();
  };
  back.addEventListener("click", () => explained(error, agree));
  return back;
}

/** The list under the field: `search(text, typed)` looks for `text` once `typed` (what follows
 * the prefix) says enough, a newer search cancelling the last; `clear()` empties it. */
export function similarProposals(error) {
  const section = h("section", { class: "similar", hidden: true, "aria-labelledby": "similar-title" });
  let searching;
  let shown = 0;

  function show(found) {
    section.hidden = found.length === 0;
    section.replaceChildren(
      h("h2", { id: "similar-title", class: "small" }, t("propose.similar")),
      h("ul", {}, found.map((p) => h("li", {}, h("p", { lang: p.language }, p.text), backButton(p.id, error)))),
    );
    if (found.length && found.length !== shown) announce(t("propose.similar_found", { n: found.length }));
    shown = found.length;
  }

  async function search(text, typed) {
    searching?.abort();
    if (typed.trim().length < SIMILAR_FROM) return show([]);
    searching = new AbortController();
    try {
      const found = await request("GET", `/proposals/similar?limit=3&text=${encodeURIComponent(text)}`, { signal: searching.signal });
      show(found.proposals.filter((p) => p.text)); // pending ones come without their text
    } catch (failure) {
      if (failure.name !== "AbortError") show([]); // suggestions are a help, not a step: stay quiet
    }
  }

  return { section, search, clear: () => show([]) };
}
