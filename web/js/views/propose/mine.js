// The citizen's own proposals and what became of them.
import { request } from "../../api.js";
import { h } from "../../dom.js";
import { formatDate, t } from "../../i18n.js";
import { asParticipant } from "../../participant.js";
import { backButton } from "./similar.js";
import { sameText } from "./text.js";

const statusOf = (p) => t(`status.${p.status}`, { reason: t(`reason.${p.refusal_reason}`) });

/** The proposal a refused one repeats, to be backed instead (a pending one is not public). */
async function original(id, error) {
  try {
    const found = await request("GET", `/proposals/${id}`);
    return h("div", { class: "original", "data-proposal-id": id }, h("p", { lang: found.language }, t("propose.original", { text: found.text })), backButton(id, error));
  } catch {
    return h("p", { class: "original" }, t("propose.original_pending"));
  }
}

async function item(p, error) {
  return h(
    "li",
    { class: `status-${p.status}` },
    h("p", { lang: p.language }, p.text),
    h("p", { class: "status" }, statusOf(p), " · ", t("propose.sent_on", { date: formatDate(p.created_at * 1000) })),
    p.duplicate_of ? await original(p.duplicate_of, error) : null,
  );
}

/** The list: `refresh()` reads it again; `repeatOf(text)` says, in words, if the citizen already sent `text`. */
export function myProposals(error) {
  const list = h("ul", { class: "mine" });
  let proposals = [];

  async function refresh() {
    proposals = (await asParticipant("GET", "/participants/me/proposals")).proposals;
    const items = await Promise.all(proposals.map((p) => item(p, error)));
    list.replaceChildren(...(items.length ? items : [h("li", {}, t("propose.none"))]));
  }

  function repeatOf(text) {
    const twin = proposals.find((p) => sameText(p.original_text ?? p.text, text) || sameText(p.text, text));
    return twin ? t("propose.yours_already", { status: statusOf(twin) }) : null;
  }

  return { list, refresh, repeatOf };
}
