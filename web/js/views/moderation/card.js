// One proposal of the queue: its text (correctable), the decision buttons, its themes, its
// reservation and its likely duplicates. The card's decisions go to the queue through `decide`.
import { h } from "../../dom.js";
import { formatDate, formatPercent, t } from "../../i18n.js";
import { moment } from "./decided.js";

const SHOWN_DUPLICATES = 2;

export function reasonSelect(id, reasons) {
  return h("select", { id, class: "reason" }, h("option", { value: "" }, t("mod.choose_reason")), reasons.map((r) => h("option", { value: r }, t(`reason.${r}`))));
}

function themeBoxes(item, themes) {
  if (!themes.length) return null; // none yet: "New theme", under the queue, adds the first
  const suggested = new Map(item.suggested_themes.map((s) => [s.theme, s.share]));
  const box = (theme) =>
    h(
      "label",
      { class: "theme" },
      h("input", { type: "checkbox", value: theme.id, checked: item.themes.includes(theme.id) }),
      ` ${theme.name}`,
      suggested.has(theme.id) && h("small", {}, ` (${t("mod.suggested", { share: formatPercent(suggested.get(theme.id)) })})`),
    );
  return h("fieldset", { class: "themes" }, h("legend", {}, t("mod.themes")), themes.map(box));
}

function duplicateLine(d, decide) {
  const usable = d.status !== "refused";
  const label = t("mod.duplicate_of_label", { text: d.text });
  const refuseAsDuplicate = () => decide("refuse", { reason: "already_exists", duplicate_of: d.id });
  return h(
    "li",
    { "data-duplicate": d.id },
    h("span", {}, d.text),
    " ",
    h("small", { class: "figures" }, t("mod.similarity", { share: formatPercent(d.score), status: usable ? t(`status.${d.status}`) : t("mod.dup_gone") })),
    usable && h("button", { type: "button", class: "button small", title: label, "aria-label": label, onclick: refuseAsDuplicate }, t("mod.duplicate_of")),
  );
}

/** The two likeliest duplicates in view, the others one click away: the card stays short. */
function duplicates(item, decide) {
  if (!item.duplicates.length) return null;
  const [best, rest] = [item.duplicates.slice(0, SHOWN_DUPLICATES), item.duplicates.slice(SHOWN_DUPLICATES)];
  return h(
    "div",
    { class: "duplicates" },
    h("h3", {}, t("mod.duplicates")),
    h("ul", {}, best.map((d) => duplicateLine(d, decide))),
    rest.length ? h("details", {}, h("summary", {}, t("mod.more_duplicates", { n: rest.length })), h("ul", {}, rest.map((d) => duplicateLine(d, decide)))) : null,
  );
}

/** A decision changes what other cards say of it as a duplicate: its status, and whether it may still be an original. */
export function refreshDuplicates(articles, id, newStatus) {
  for (const article of articles) {
    const entry = article.querySelector(`li[data-duplicate="${id}"]`);
    if (!entry) continue;
    const d = article.item.duplicates.find((x) => x.id === id);
    d.status = newStatus;
    entry.replaceWith(duplicateLine(d, article.decide));
  }
}

/** "Reserved until…", turning to "lapsed" when the reservation ends; `article.showLock()` redraws it. */
function lockLine(item, article, timers) {
  const lock = h("span", { class: "lock" });
  const show = () => {
    const lapsed = item.lock_until * 1000 <= Date.now();
    article.classList.toggle("expired", lapsed);
    lock.textContent = lapsed ? t("mod.lapsed") : t("mod.reserved", { time: formatDate(item.lock_until * 1000, { timeStyle: "medium" }) });
  };
  article.showLock = () => {
    show();
    clearTimeout(article.lockTimer);
    article.lockTimer = setTimeout(show, Math.max(0, item.lock_until * 1000 - Date.now()) + 50);
    timers.push(article.lockTimer);
  };
  return lock;
}

function decisionButtons(article, reason) {
  return h(
    "div",
    { class: "decide" },
    h("button", { type: "button", class: "button primary accept", onclick: () => article.decide("accept") }, t("mod.accept")),
    h("span", { class: "refusal" }, h("label", { for: reason.id, class: "visually-hidden" }, t("mod.reason")), reason, h("button", { type: "button", class: "button refuse", onclick: () => article.decide("refuse", { reason: reason.value }) }, t("mod.refuse"))),
    h("button", { type: "button", class: "button postpone", onclick: () => article.decide("postpone") }, t("mod.postpone")),
  );
}

/** The card of `item`: `decide(item, article, action, body)` sends a decision, `onPick` follows
 * its bulk checkbox, `timers` collects its reservation's timers for the queue to clear. */
export function card(item, { themes, reasons, decide, onPick, timers }) {
  const textId = `text-${item.id}`;
  const article = h("article", { class: "item", tabindex: "-1", "data-id": item.id, "aria-labelledby": textId });
  article.item = item;
  article.decide = (action, body = {}) => decide(item, article, action, body);
  const sent = t("mod.sent", { date: moment(item.created_at), language: item.language });
  const pick = h("label", { class: "pick-label" }, h("input", { type: "checkbox", class: "pick", value: item.id, onchange: onPick }), ` ${t("mod.select")}`);
  article.append(
    h(
      "div",
      { class: "item-main" },
      h("div", { class: "item-head" }, pick, h("span", { class: "note" }, sent, " · ", lockLine(item, article, timers))),
      h("label", { for: textId, class: "visually-hidden" }, t("mod.text")),
      h("textarea", { id: textId, rows: 2, lang: item.language }, item.text),
      decisionButtons(article, reasonSelect(`reason-${item.id}`, reasons)),
      themeBoxes(item, themes),
      h("p", { class: "message", role: "alert" }),
    ),
    duplicates(item, article.decide) ?? "",
  );
  article.showLock();
  return article;
}
