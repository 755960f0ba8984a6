// Decisions on many proposals at once: asked for with their count, sent a few at a time with
// progress. The queue (queue.js) shows what came of them.
import { explain, h } from "../../dom.js";
import { t } from "../../i18n.js";
import { moderatorCall } from "./session.js";
import { reasonSelect } from "./card.js";

const ACTIONS = ["accept", "refuse", "postpone"];
const CHUNK = 5; // proposals per bulk request: small enough to show progress, few enough to be quick

function confirmBulk(dialog, action, n, reason) {
  const verb = t(`mod.${action}`);
  return new Promise((resolve) => {
    const answer = (yes) => () => (dialog.close(), resolve(yes));
    dialog.replaceChildren(
      h("h2", { id: "confirm-title", class: "small" }, t("mod.confirm", { action: verb, n })),
      reason && h("p", {}, t("mod.confirm_reason", { reason: t(`reason.${reason}`) })),
      h("div", { class: "actions" }, h("button", { type: "button", class: "button primary", onclick: answer(true) }, t("mod.confirm_yes", { action: verb.toLowerCase() })), h("button", { type: "button", class: "button", onclick: answer(false) }, t("mod.cancel"))),
    );
    dialog.oncancel = () => resolve(false);
    dialog.showModal();
    dialog.querySelector("button.primary").focus();
  });
}

/** One bulk request per few proposals, so the page can say how far it got (`progress`, `status`). */
export async function inChunks({ progress, status }, ids, body) {
  const results = [];
  progress.hidden = false;
  progress.max = ids.length;
  for (let at = 0; at < ids.length; at += CHUNK) {
    progress.value = at;
    status.textContent = t("mod.progress", { done: at, n: ids.length });
    const part = await moderatorCall("POST", "/moderation/bulk", { ...body, proposal_ids: ids.slice(at, at + CHUNK) });
    results.push(...part.results);
  }
  progress.hidden = true;
  return results;
}

/** The bulk form: `view.picked()` names the proposals, `done(results)` takes the outcome. */
export function bulkForm(view, { reasons, onSelectAll, done }) {
  const action = h("select", { id: "bulk-action" }, h("option", { value: "" }, t("mod.bulk_action")), ACTIONS.map((a) => h("option", { value: a }, t(`mod.${a}`))));
  const reason = reasonSelect("bulk-reason", reasons);

  async function apply(event) {
    event.preventDefault();
    const ids = view.picked();
    if (!ids.length || !action.value) return;
    if (action.value === "refuse" && !reason.value) {
      view.status.textContent = t("mod.need_reason");
      return reason.focus();
    }
    const why = action.value === "refuse" ? reason.value : null;
    if (!(await confirmBulk(view.dialog, action.value, ids.length, why))) return;
    try {
      done(await inChunks(view, ids, { action: action.value, ...(why && { reason: why }) }));
    } catch (error) {
      view.progress.hidden = true;
      view.status.textContent = explain(error);
    }
  }

  return h(
    "form",
    { class: "bulk", onsubmit: apply, "aria-labelledby": "bulk-title" },
    h("h2", { id: "bulk-title", class: "small" }, t("mod.bulk")),
    h("button", { type: "button", class: "button small", onclick: onSelectAll }, t("mod.bulk_all")),
    view.selected,
    h("label", { for: "bulk-action", class: "visually-hidden" }, t("mod.bulk_action")),
    action,
    h("label", { for: "bulk-reason" }, t("mod.reason")),
    reason,
    h("button", { type: "submit", class: "button" }, t("mod.bulk_apply")),
  );
}
