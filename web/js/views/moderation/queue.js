// The queue: the proposals reserved for this moderator (reservations renewed while they work),
// decided one by one from their cards or in bulk, each decision undoable; and new themes.
// `view` holds the page's parts and what it knows of the queue; the functions below share it.
import { request } from "../../api.js";
import { explained, h } from "../../dom.js";
import { t } from "../../i18n.js";
import { moderatorCall, refusal } from "./session.js";
import { card, refreshDuplicates } from "./card.js";
import { bulkForm, inChunks } from "./bulk.js";
import { shortcuts, shortcutsHelp } from "./shortcuts.js";

const PAGE = 10;
const ACTIVE_MS = 120_000; // locks are renewed while the moderator did something this recently

function newView(consultation, queue, themes) {
  const list = h("div", { class: "queue" });
  return {
    consultation, queue, themes, list,
    pending: queue.pending,
    lastActivity: Date.now(),
    timers: [],
    total: h("p", { class: "queue-total" }),
    status: h("p", { role: "status", class: "confirmation" }),
    undoBox: h("p", { class: "undo" }),
    selected: h("span", { class: "selected-count" }),
    progress: h("progress", { hidden: true, max: 1, value: 0, "aria-label": t("mod.bulk") }),
    dialog: h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" }),
    items: () => [...list.querySelectorAll("article.item")],
    picked: () => [...list.querySelectorAll("input.pick:checked")].map((box) => box.value),
  };
}

function countSelected(view) {
  view.selected.textContent = t("mod.bulk_selected", { n: view.picked().length });
  view.total.textContent = t("mod.total", { shown: view.items().length, n: Math.max(view.pending, view.items().length) });
}

function show(view) {
  view.timers.splice(0).forEach(clearTimeout);
  const parts = { themes: view.themes, reasons: view.consultation.refusal_reasons, timers: view.timers, onPick: () => countSelected(view) };
  parts.decide = (item, article, action, body) => decide(view, item, article, action, body);
  const cards = view.queue.proposals.map((item) => card(item, parts));
  view.list.replaceChildren(...(cards.length ? cards : [h("p", { class: "note" }, t("mod.empty"))]));
  countSelected(view);
}

async function load(view) {
  view.queue = await moderatorCall("GET", `/moderation/queue?limit=${PAGE}`);
  view.pending = view.queue.pending;
  show(view);
  view.items()[0]?.focus();
}

async function decide(view, item, article, action, body) {
  const message = article.querySelector(".message");
  if (action === "refuse" && !body.reason) {
    message.textContent = t("mod.need_reason");
    return article.querySelector("select.reason").focus();
  }
  if (action === "accept") {
    body.themes = [...article.querySelectorAll(".themes input:checked")].map((box) => box.value);
    const corrected = article.querySelector("textarea").value.trim();
    if (corrected !== item.text) body.text = corrected;
  }
  let decided;
  try {
    decided = await moderatorCall("POST", `/moderation/proposals/${item.id}/${action}`, body);
  } catch (error) {
    message.textContent = refusal(error);
    return;
  }
  decidedOn(view, [{ id: item.id, status: decided.status }], t("mod.decided", { action: t(`mod.done.${action}`), text: item.text }));
  removeItem(view, article);
}

/** What follows decisions: the cards that listed them as duplicates, the total, and a way back. */
function decidedOn(view, outcomes, said) {
  for (const o of outcomes) refreshDuplicates(view.items(), o.id, o.status);
  view.pending = Math.max(0, view.pending - outcomes.filter((o) => o.status !== "pending").length);
  view.status.textContent = said;
  const undo = h("button", { type: "button", class: "button small" }, t("mod.undo"));
  undo.addEventListener("click", () => reopen(view, outcomes.map((o) => o.id)));
  view.undoBox.replaceChildren(undo);
}

function reopen(view, ids) {
  view.undoBox.replaceChildren();
  return explained(view.status, async () => {
    const result = await inChunks(view, ids, { action: "reopen" });
    view.status.textContent = ids.length === 1 ? t("mod.undone") : t("mod.undone_bulk", { n: result.filter((o) => o.done).length });
    await load(view);
  });
}

function removeItem(view, article) {
  const next = article.nextElementSibling ?? article.previousElementSibling;
  clearTimeout(article.lockTimer);
  article.remove();
  countSelected(view);
  if (next) next.focus();
  else load(view);
}

function bulkDone(view, results) {
  const done = results.filter((o) => o.done);
  for (const o of results) {
    const article = view.list.querySelector(`article[data-id="${o.id}"]`);
    if (o.done) article?.remove();
    else if (article) article.querySelector(".message").textContent = t("mod.bulk_failed", { text: article.item.text, reason: refusal(o.error) });
  }
  decidedOn(view, done, t("mod.bulk_result", { done: done.length, failed: results.length - done.length }));
  countSelected(view);
  if (!view.items().length) load(view);
}

/** Keep this moderator's reservations while they work, as the server counts them. */
async function renew(view) {
  const shown = view.items();
  if (!shown.length || Date.now() - view.lastActivity > ACTIVE_MS || document.visibilityState !== "visible") return;
  const { locks } = await moderatorCall("POST", "/moderation/locks", { proposal_ids: shown.map((a) => a.dataset.id) });
  for (const article of shown) {
    const until = locks[article.dataset.id];
    if (until) {
      article.item.lock_until = until;
      article.showLock();
    } else {
      article.classList.add("expired");
      article.querySelector(".lock").textContent = t("mod.taken");
    }
  }
}

function themeForm(view) {
  function addTheme(event) {
    event.preventDefault();
    const input = event.target.elements.theme;
    return explained(view.status, async () => {
      const theme = await moderatorCall("POST", "/moderation/themes", { name: input.value.trim() });
      view.themes = [...view.themes, theme];
      view.status.textContent = t("mod.theme_added", { name: theme.name });
      input.value = "";
      show(view);
    });
  }
  return h(
    "form",
    { class: "new-theme", onsubmit: addTheme },
    h("label", { for: "new-theme" }, t("mod.new_theme")),
    h("input", { id: "new-theme", name: "theme", required: true, maxlength: 60 }),
    h("button", { type: "submit", class: "button" }, t("mod.add_theme")),
  );
}

function toolbar(view, help) {
  const reload = () => explained(view.status, () => load(view));
  return h("div", { class: "toolbar" }, view.total, h("button", { type: "button", class: "button small", onclick: reload }, t("mod.refresh")), help);
}

/** Listen for the moderator's keys and activity, renew the reservations; returns the page's cleanup. */
function watch(view, help) {
  const active = () => (view.lastActivity = Date.now());
  const keys = shortcuts({ items: view.items, dialog: view.dialog, help, onKey: active });
  document.addEventListener("keydown", keys);
  document.addEventListener("pointerdown", active);
  // Renewed at half the lock's length, so a reservation never lapses while the moderator works.
  const renewal = setInterval(() => renew(view).catch(() => {}), Math.max(1, view.queue.lock_seconds / 2) * 1000);
  return () => {
    document.removeEventListener("keydown", keys);
    document.removeEventListener("pointerdown", active);
    clearInterval(renewal);
    view.timers.forEach(clearTimeout);
  };
}

export async function queueView(page, { consultation }) {
  const [queue, { themes }] = await Promise.all([moderatorCall("GET", `/moderation/queue?limit=${PAGE}`), request("GET", "/themes")]);
  const view = newView(consultation, queue, themes);
  const help = shortcutsHelp();
  const selectAll = () => (view.list.querySelectorAll("input.pick").forEach((box) => (box.checked = true)), countSelected(view));
  page.append(
    toolbar(view, help),
    bulkForm(view, { reasons: consultation.refusal_reasons, onSelectAll: selectAll, done: (results) => bulkDone(view, results) }),
    h("div", { class: "outcome" }, view.status, view.progress, view.undoBox),
    view.dialog,
    h("section", { "aria-labelledby": "queue-title" }, h("h2", { id: "queue-title" }, t("mod.queue")), view.list),
    themeForm(view),
  );
  show(view);
  return watch(view, help);
}
