// Postponed and decided proposals (#/moderation?view=…), each with a way back to the queue.
import { explain, h } from "../../dom.js";
import { formatDate, t } from "../../i18n.js";
import { moderatorCall, refusal } from "./session.js";

const PAGE = 20;

/** Seconds since the epoch, as a moderator reads a date and a time. */
export const moment = (seconds) => formatDate(seconds * 1000, { dateStyle: "medium", timeStyle: "short" });

function reopenButton(p, item, message) {
  const reopen = h("button", { type: "button", class: "button small" }, t("mod.reopen"));
  reopen.addEventListener("click", async () => {
    try {
      await moderatorCall("POST", `/moderation/proposals/${p.id}/reopen`);
      item.replaceChildren(h("p", { class: "confirmation", tabindex: "-1" }, t("mod.undone")));
      item.firstChild.focus();
    } catch (error) {
      message.textContent = refusal(error);
    }
  });
  return reopen;
}

function row(p) {
  const message = h("p", { class: "message", role: "alert" });
  const when = p.decided_at ? t("mod.decided_by", { date: moment(p.decided_at) }) : "";
  const status = t(`status.${p.status}`, { reason: t(`reason.${p.refusal_reason}`) });
  const item = h("li", { "data-id": p.id }, h("p", { lang: p.language }, p.text), h("p", { class: "note" }, status, when && ` · ${when}`));
  item.append(reopenButton(p, item, message), message);
  return item;
}

export async function decidedView(page, status) {
  const list = h("ul", { class: "decided" });
  const more = h("button", { type: "button", class: "button", hidden: true }, t("mod.more"));
  let cursor = null;

  async function next() {
    const found = await moderatorCall("GET", `/moderation/proposals?status=${status}&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    list.append(...found.proposals.map(row));
    cursor = found.next_cursor;
    more.hidden = !cursor;
    if (!list.children.length) list.append(h("li", { class: "note" }, t("mod.none_here")));
  }

  more.addEventListener("click", () => next().catch((error) => more.after(h("p", { role: "alert" }, explain(error)))));
  await next();
  page.append(h("section", { "aria-labelledby": "decided-title" }, h("h2", { id: "decided-title" }, t(`mod.view.${status}`)), list, more));
}
