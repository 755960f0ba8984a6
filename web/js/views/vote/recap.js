// The end of a sequence: the citizen's votes of this sequence, each changeable with the same keys.
import { announce, h } from "../../dom.js";
import { t } from "../../i18n.js";
import { putVote, send } from "./calls.js";
import { KEYS } from "./strings.js";

async function change(v, item, key, buttons) {
  const vote = await putVote(v, item, key, buttons.find((b) => b.dataset.key === key));
  for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.key === vote.key));
  announce(t(vote.trusted ? "vote.changed" : "vote.untrusted", { key: t(`vote.${vote.key}`) }));
}

function recapItem(v, item) {
  const textId = `recap-${item.id}`;
  const buttons = Object.keys(KEYS).map((key) =>
    h("button", { type: "button", class: `key small ${key}`, "data-key": key, "aria-pressed": String(v.state.votes.get(item.id).key === key), onclick: () => send(v, () => change(v, item, key, buttons)) }, t(`vote.${key}`)),
  );
  return h("li", { "data-proposal-id": item.id }, h("p", { id: textId, lang: item.language }, item.text), h("div", { class: "keys", role: "group", "aria-labelledby": textId }, buttons));
}

export function showRecap(v) {
  const voted = v.state.items.filter((item) => v.state.votes.has(item.id));
  v.recap.replaceChildren(
    h("h2", { id: "recap-title" }, t("vote.yours")),
    h("p", { class: "note" }, t("vote.yours_hint")),
    h("ol", { class: "yours" }, voted.map((item) => recapItem(v, item))),
  );
}
