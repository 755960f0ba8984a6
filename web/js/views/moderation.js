// Moderation: the queue (each proposal reserved for this moderator a short time), likely
// duplicates beside each proposal, decisions one by one or in bulk, themes, and keyboard
// shortcuts for speed. The key stays in sessionStorage: gone when the tab closes.
import { ApiError, request } from "../api.js";
import { API_BASE } from "../config.js";
import { explain, h } from "../dom.js";
import { addStrings, formatDate, formatPercent, t } from "../i18n.js";
import * as auth from "../auth.js";

const STORE = "agora.moderator";
const PAGE = 10;
const ACTIONS = ["accept", "refuse", "postpone"];
const VIEWS = ["queue", "postponed", "accepted", "refused"];
const SHOWN_DUPLICATES = 2;
const CHUNK = 5; // proposals per bulk request: small enough to show progress, few enough to be quick
const ACTIVE_MS = 120_000; // locks are renewed while the moderator did something this recently

addStrings({
  "mod.title": ["Modération", "Moderation"],
  "mod.login": ["Connexion des modérateurs", "Moderator sign-in"],
  "mod.key": ["Clé de modération", "Moderator key"],
  "mod.name": ["Votre nom (pour l'historique des décisions)", "Your name (for the decisions' audit trail)"],
  "mod.sign_in": ["Se connecter", "Sign in"],
  "mod.sign_out": ["Se déconnecter", "Sign out"],
  "mod.bad_key": ["Cette clé n'est pas acceptée.", "This key is not accepted."],
  "mod.queue": ["File d'attente", "Queue"],
  "mod.empty": ["Aucune proposition en attente. Bravo !", "No proposal waiting. Well done!"],
  "mod.refresh": ["Recharger la file (et renouveler les réservations)", "Reload the queue (and renew reservations)"],
  "mod.reserved": ["Réservée pour vous jusqu'à {time}", "Reserved for you until {time}"],
  "mod.expired": ["Réservation expirée : rechargez la file pour la reprendre.", "Reservation expired: reload the queue to take it again."],
  "mod.select": ["Sélectionner", "Select"],
  "mod.text": ["Texte (corrigez l'orthographe si besoin)", "Text (correct the spelling if needed)"],
  "mod.sent": ["Envoyée le {date} · {language}", "Sent on {date} · {language}"],
  "mod.themes": ["Thèmes", "Themes"],
  "mod.suggested": ["suggéré à {share}", "suggested at {share}"],
  "mod.accept": ["Accepter", "Accept"],
  "mod.refuse": ["Refuser", "Refuse"],
  "mod.postpone": ["Reporter", "Postpone"],
  "mod.reason": ["Motif de refus (charte)", "Refusal reason (charter)"],
  "mod.choose_reason": ["Choisir un motif…", "Choose a reason…"],
  "mod.need_reason": ["Choisissez d'abord un motif de refus.", "Choose a refusal reason first."],
  "mod.duplicates": ["Doublons probables", "Likely duplicates"],
  "mod.no_duplicates": ["Aucun doublon probable.", "No likely duplicate."],
  "mod.similarity": ["{share} de ressemblance · {status}", "{share} alike · {status}"],
  "mod.duplicate_of": ["Doublon de celle-ci", "Duplicate of this one"],
  "mod.duplicate_of_label": ["Doublon de celle-ci : refuser comme doublon de « {text} »", "Duplicate of this one: refuse as a duplicate of “{text}”"],
  "mod.decided": ["Proposition {action} : {text}", "Proposal {action}: {text}"],
  "mod.done.accept": ["acceptée", "accepted"],
  "mod.done.refuse": ["refusée", "refused"],
  "mod.done.postpone": ["reportée", "postponed"],
  "mod.bulk": ["Actions groupées", "Bulk actions"],
  "mod.bulk_selected": ["{n} sélectionnée", "{n} selected"],
  "mod.bulk_selected.other": ["{n} sélectionnées", "{n} selected"],
  "mod.bulk_action": ["Action", "Action"],
  "mod.bulk_apply": ["Appliquer à la sélection", "Apply to the selection"],
  "mod.bulk_all": ["Tout sélectionner", "Select all"],
  "mod.bulk_result": ["{done} traitée(s), {failed} en échec.", "{done} done, {failed} failed."],
  "mod.new_theme": ["Nouveau thème", "New theme"],
  "mod.add_theme": ["Ajouter le thème", "Add the theme"],
  "mod.theme_added": ["Thème « {name} » ajouté.", "Theme “{name}” added."],
  "mod.shortcuts": ["Raccourcis clavier", "Keyboard shortcuts"],
  "mod.keys.jk": ["proposition suivante / précédente", "next / previous proposal"],
  "mod.keys.a": ["accepter", "accept"],
  "mod.keys.r": ["choisir le motif de refus", "choose the refusal reason"],
  "mod.keys.p": ["reporter", "postpone"],
  "mod.keys.x": ["sélectionner pour une action groupée", "select for a bulk action"],
  "mod.keys.t": ["aller aux thèmes", "go to the themes"],
  "mod.keys.help": ["afficher ces raccourcis", "show these shortcuts"],
  "mod.keys.escape": ["quitter le champ, revenir à la proposition", "leave the field, back to the proposal"],
  "mod.total": ["{shown} affichées sur {n} en attente", "{shown} shown of {n} pending"],
  "mod.total.one": ["{shown} affichée sur {n} en attente", "{shown} shown of {n} pending"],
  "mod.taken": ["Une autre personne la traite, ou elle a été décidée ailleurs.", "Someone else is handling it, or it was decided elsewhere."],
  "mod.lapsed": ["Réservation échue : une autre personne peut la prendre ; elle est renouvelée dès que vous agissez.", "Reservation lapsed: someone else may take it; it is renewed as soon as you act."],
  "mod.undo": ["Annuler", "Undo"],
  "mod.undone": ["Décision annulée : la proposition est de retour dans la file.", "Decision undone: the proposal is back in the queue."],
  "mod.undone_bulk": ["{n} décisions annulées : les propositions sont de retour dans la file.", "{n} decisions undone: the proposals are back in the queue."],
  "mod.reopen": ["Remettre dans la file", "Back to the queue"],
  "mod.confirm": ["{action} {n} proposition ?", "{action} {n} proposal?"],
  "mod.confirm.other": ["{action} {n} propositions ?", "{action} {n} proposals?"],
  "mod.confirm_reason": ["Motif : {reason}.", "Reason: {reason}."],
  "mod.confirm_yes": ["Oui, {action}", "Yes, {action}"],
  "mod.cancel": ["Annuler", "Cancel"],
  "mod.progress": ["{done} sur {n}…", "{done} of {n}…"],
  "mod.bulk_failed": ["« {text} » : {reason}", "“{text}”: {reason}"],
  "mod.view.queue": ["À traiter", "To handle"],
  "mod.view.postponed": ["Reportées", "Postponed"],
  "mod.view.accepted": ["Acceptées", "Accepted"],
  "mod.view.refused": ["Refusées", "Refused"],
  "mod.views": ["Vues de la modération", "Moderation views"],
  "mod.none_here": ["Aucune proposition ici.", "No proposal here."],
  "mod.more": ["Afficher les suivantes", "Show the next ones"],
  "mod.decided_by": ["Décidée le {date}", "Decided on {date}"],
  "mod.more_duplicates": ["{n} autre doublon probable", "{n} more likely duplicate"],
  "mod.more_duplicates.other": ["{n} autres doublons probables", "{n} more likely duplicates"],
  "mod.dup_gone": ["refusée depuis : ne peut plus servir d'original", "refused since: can no longer be the original"],
  "code.transition_not_allowed": ["Cette décision n'est plus possible : la proposition a déjà été décidée entre-temps.", "This decision is no longer possible: the proposal was decided meanwhile."],
  "code.invalid_original": ["Cette proposition ne peut pas servir d'original : elle a été refusée.", "This proposal cannot be the original: it was refused."],
  "code.unknown_reason": ["Ce motif n'est pas dans la charte.", "This reason is not in the charter."],
  "code.unknown_theme": ["Ce thème n'existe plus ; rechargez la file.", "This theme no longer exists; reload the queue."],
  "mod.locked": ["Une autre personne traite cette proposition, ou elle vient d'être décidée.", "Someone else holds this proposal, or it was just decided."],
});

const SHORTCUTS = [["J / K", "mod.keys.jk"], ["A", "mod.keys.a"], ["R", "mod.keys.r"], ["P", "mod.keys.p"], ["X", "mod.keys.x"], ["T", "mod.keys.t"], ["Échap", "mod.keys.escape"], ["?", "mod.keys.help"]];

const credentials = () => JSON.parse(sessionStorage.getItem(STORE) ?? "null");

// The embedded stack names a moderator by X-Moderator-Name for the audit trail; on AWS the
// Cognito token names them, and an API on another origin would refuse the header in its CORS
// preflight. So the name is asked for, and sent, only when the API shares the pages' origin.
const NAMED_BY_HEADER = API_BASE === "";

async function moderatorCall(method, path, body) {
  if (auth.managed) return request(method, path, { body, headers: { Authorization: `Bearer ${await auth.idToken()}` } });
  const { key, name } = credentials();
  const headers = { Authorization: `Bearer ${key}`, ...(NAMED_BY_HEADER && { "X-Moderator-Name": name }) };
  return request(method, path, { body, headers });
}

// On AWS (js/auth.js): signed out, the page goes to the managed login and comes back here.
function signInPage(page) {
  page.append(
    h("h1", {}, t("mod.login")),
    h("button", { type: "button", class: "button primary", id: "mod-sign-in", onclick: () => auth.signIn("#/moderation") }, t("mod.sign_in")),
  );
}

function loginForm(page, rerender, problem) {
  const key = h("input", { id: "mod-key", type: "password", required: true, autocomplete: "current-password" });
  const name = h("input", { id: "mod-name", type: "text", required: true, autocomplete: "username" });
  page.append(
    h("h1", {}, t("mod.login")),
    h(
      "form",
      {
        class: "login",
        onsubmit: (event) => {
          event.preventDefault();
          sessionStorage.setItem(STORE, JSON.stringify({ key: key.value, name: name.value.trim() || "moderator" }));
          rerender();
        },
      },
      NAMED_BY_HEADER && h("p", {}, h("label", { for: "mod-name" }, t("mod.name")), name),
      h("p", {}, h("label", { for: "mod-key" }, t("mod.key")), key),
      problem && h("p", { class: "message", role: "alert" }, problem),
      h("button", { type: "submit", class: "button primary" }, t("mod.sign_in")),
    ),
  );
}

/** The view the address asks for: #/moderation?view=postponed. */
const viewOf = () => {
  const view = new URLSearchParams(location.hash.split("?")[1] ?? "").get("view");
  return VIEWS.includes(view) ? view : "queue";
};

/** A failed decision in words, never the API's English message (it names ids). */
const refusal = (error) => explain(error instanceof ApiError ? error : new ApiError(409, error), { locked: "mod.locked" });

function header(page, rerender, view) {
  page.append(
    h("h1", {}, t("mod.title")),
    h(
      "nav",
      { class: "views", "aria-label": t("mod.views") },
      h("ul", {}, VIEWS.map((v) => h("li", {}, h("a", { href: v === "queue" ? "#/moderation" : `#/moderation?view=${v}`, "aria-current": v === view ? "page" : null }, t(`mod.view.${v}`))))),
      h("button", { type: "button", class: "button small", onclick: () => (auth.managed ? auth.signOut() : (sessionStorage.removeItem(STORE), rerender())) }, t("mod.sign_out")),
    ),
  );
}

export async function render(page, context) {
  if (auth.managed && !(await auth.idToken())) return signInPage(page);
  if (!auth.managed && !credentials()) return loginForm(page, context.rerender);
  const view = viewOf();
  try {
    header(page, context.rerender, view);
    return view === "queue" ? await queueView(page, context) : await decidedView(page, view);
  } catch (error) {
    if (error.status !== 401 && error.status !== 403) throw error;
    if (auth.managed) return auth.signIn("#/moderation");
    sessionStorage.removeItem(STORE);
    page.replaceChildren();
    return loginForm(page, context.rerender, t("mod.bad_key"));
  }
}

// --- postponed and decided proposals ---------------------------------------------------------

async function decidedView(page, status) {
  const list = h("ul", { class: "decided" });
  const more = h("button", { type: "button", class: "button", hidden: true }, t("mod.more"));
  let cursor = null;

  function row(p) {
    const message = h("p", { class: "message", role: "alert" });
    const when = p.decided_at ? t("mod.decided_by", { date: formatDate(p.decided_at * 1000, { dateStyle: "medium", timeStyle: "short" }) }) : "";
    const reopen = h("button", { type: "button", class: "button small" }, t("mod.reopen"));
    const item = h("li", { "data-id": p.id }, h("p", { lang: p.language }, p.text), h("p", { class: "note" }, t(`status.${p.status}`, { reason: t(`reason.${p.refusal_reason}`) }), when && ` · ${when}`), reopen, message);
    reopen.addEventListener("click", async () => {
      try {
        await moderatorCall("POST", `/moderation/proposals/${p.id}/reopen`);
        item.replaceChildren(h("p", { class: "confirmation", tabindex: "-1" }, t("mod.undone")));
        item.firstChild.focus();
      } catch (error) {
        message.textContent = refusal(error);
      }
    });
    return item;
  }

  async function next() {
    const found = await moderatorCall("GET", `/moderation/proposals?status=${status}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    list.append(...found.proposals.map(row));
    cursor = found.next_cursor;
    more.hidden = !cursor;
    if (!list.children.length) list.append(h("li", { class: "note" }, t("mod.none_here")));
  }

  more.addEventListener("click", () => next().catch((error) => more.after(h("p", { role: "alert" }, explain(error)))));
  await next();
  page.append(h("section", { "aria-labelledby": "decided-title" }, h("h2", { id: "decided-title" }, t(`mod.view.${status}`)), list, more));
}

// --- the queue -------------------------------------------------------------------------------

async function queueView(page, { consultation }) {
  let [queue, { themes }] = await Promise.all([moderatorCall("GET", `/moderation/queue?limit=${PAGE}`), request("GET", "/themes")]);
  const list = h("div", { class: "queue" });
  const total = h("p", { class: "queue-total" });
  const status = h("p", { role: "status", class: "confirmation" });
  const undoBox = h("p", { class: "undo" });
  const selected = h("span", { class: "selected-count" });
  const bulkAction = h("select", { id: "bulk-action" }, h("option", { value: "" }, t("mod.bulk_action")), ACTIONS.map((a) => h("option", { value: a }, t(`mod.${a}`))));
  const bulkReason = reasonSelect("bulk-reason");
  const progress = h("progress", { hidden: true, max: 1, value: 0, "aria-label": t("mod.bulk") });
  const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" });
  const timers = [];
  let lastActivity = Date.now();
  let pending = queue.pending;

  function reasonSelect(id) {
    return h("select", { id, class: "reason" }, h("option", { value: "" }, t("mod.choose_reason")), consultation.refusal_reasons.map((r) => h("option", { value: r }, t(`reason.${r}`))));
  }

  const items = () => [...list.querySelectorAll("article.item")];
  const picked = () => [...list.querySelectorAll("input.pick:checked")].map((box) => box.value);

  function countSelected() {
    selected.textContent = t("mod.bulk_selected", { n: picked().length });
    total.textContent = t("mod.total", { shown: items().length, n: Math.max(pending, items().length) });
  }

  function themeBoxes(item) {
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
    return h(
      "li",
      { "data-duplicate": d.id },
      h("span", {}, d.text),
      " ",
      h("small", { class: "figures" }, t("mod.similarity", { share: formatPercent(d.score), status: usable ? t(`status.${d.status}`) : t("mod.dup_gone") })),
      usable && h("button", { type: "button", class: "button small", title: t("mod.duplicate_of_label", { text: d.text }), "aria-label": t("mod.duplicate_of_label", { text: d.text }), onclick: () => decide("refuse", { reason: "already_exists", duplicate_of: d.id }) }, t("mod.duplicate_of")),
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
  function refreshDuplicates(id, newStatus) {
    for (const article of items()) {
      const entry = article.querySelector(`li[data-duplicate="${id}"]`);
      if (!entry) continue;
      const item = article.item;
      const d = item.duplicates.find((x) => x.id === id);
      d.status = newStatus;
      entry.replaceWith(duplicateLine(d, article.decide));
    }
  }

  function lockLine(item, article) {
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

  function card(item) {
    const textId = `text-${item.id}`;
    const reasonId = `reason-${item.id}`;
    const text = h("textarea", { id: textId, rows: 2, lang: item.language }, item.text);
    const reason = reasonSelect(reasonId);
    const message = h("p", { class: "message", role: "alert" });
    const article = h("article", { class: "item", tabindex: "-1", "data-id": item.id, "aria-labelledby": textId });
    article.item = item;
    article.decide = (action, body = {}) => decide(item, article, action, body);
    const sent = t("mod.sent", { date: formatDate(item.created_at * 1000, { dateStyle: "medium", timeStyle: "short" }), language: item.language });
    article.append(
      h(
        "div",
        { class: "item-main" },
        h("div", { class: "item-head" }, h("label", { class: "pick-label" }, h("input", { type: "checkbox", class: "pick", value: item.id, onchange: countSelected }), ` ${t("mod.select")}`), h("span", { class: "note" }, sent, " · ", lockLine(item, article))),
        h("label", { for: textId, class: "visually-hidden" }, t("mod.text")),
        text,
        h(
          "div",
          { class: "decide" },
          h("button", { type: "button", class: "button primary accept", onclick: () => article.decide("accept") }, t("mod.accept")),
          h("span", { class: "refusal" }, h("label", { for: reasonId, class: "visually-hidden" }, t("mod.reason")), reason, h("button", { type: "button", class: "button refuse", onclick: () => article.decide("refuse", { reason: reason.value }) }, t("mod.refuse"))),
          h("button", { type: "button", class: "button postpone", onclick: () => article.decide("postpone") }, t("mod.postpone")),
        ),
        themeBoxes(item),
        message,
      ),
      duplicates(item, article.decide) ?? "",
    );
    article.showLock();
    return article;
  }

  async function decide(item, article, action, body) {
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
    decidedOn([{ id: item.id, status: decided.status }], t("mod.decided", { action: t(`mod.done.${action}`), text: item.text }));
    removeItem(article);
  }

  /** What follows decisions: the cards that listed them as duplicates, the total, and a way back. */
  function decidedOn(outcomes, said) {
    for (const o of outcomes) refreshDuplicates(o.id, o.status);
    pending = Math.max(0, pending - outcomes.filter((o) => o.status !== "pending").length);
    status.textContent = said;
    const undo = h("button", { type: "button", class: "button small" }, t("mod.undo"));
    undo.addEventListener("click", () => reopen(outcomes.map((o) => o.id)));
    undoBox.replaceChildren(undo);
  }

  async function reopen(ids) {
    undoBox.replaceChildren();
    try {
      const result = await inChunks(ids, { action: "reopen" });
      status.textContent = ids.length === 1 ? t("mod.undone") : t("mod.undone_bulk", { n: result.filter((o) => o.done).length });
      await load();
    } catch (error) {
      status.textContent = explain(error);
    }
  }

  function removeItem(article) {
    const next = article.nextElementSibling ?? article.previousElementSibling;
    clearTimeout(article.lockTimer);
    article.remove();
    countSelected();
    if (next) next.focus();
    else load();
  }

  async function load() {
    queue = await moderatorCall("GET", `/moderation/queue?limit=${PAGE}`);
    pending = queue.pending;
    show();
    items()[0]?.focus();
  }

  function show() {
    timers.splice(0).forEach(clearTimeout);
    list.replaceChildren(...(queue.proposals.length ? queue.proposals.map(card) : [h("p", { class: "note" }, t("mod.empty"))]));
    countSelected();
  }

  /** Keep this moderator's reservations while they work, as the server counts them. */
  async function renew() {
    const shown = items();
    if (!shown.length || Date.now() - lastActivity > ACTIVE_MS || document.visibilityState !== "visible") return;
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

  // --- bulk ---------------------------------------------------------------------------------

  function confirmBulk(action, n, reason) {
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

  /** One bulk request per few proposals, so the page can say how far it got. */
  async function inChunks(ids, body) {
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

  async function bulk(event) {
    event.preventDefault();
    const ids = picked();
    const action = bulkAction.value;
    if (!ids.length || !action) return;
    if (action === "refuse" && !bulkReason.value) {
      status.textContent = t("mod.need_reason");
      return bulkReason.focus();
    }
    const reason = action === "refuse" ? bulkReason.value : null;
    if (!(await confirmBulk(action, ids.length, reason))) return;
    try {
      const results = await inChunks(ids, { action, ...(reason && { reason }) });
      bulkDone(results);
    } catch (error) {
      progress.hidden = true;
      status.textContent = explain(error);
    }
  }

  function bulkDone(results) {
    const done = results.filter((o) => o.done);
    for (const o of results) {
      const article = list.querySelector(`article[data-id="${o.id}"]`);
      if (o.done) article?.remove();
      else if (article) article.querySelector(".message").textContent = t("mod.bulk_failed", { text: article.item.text, reason: refusal(o.error) });
    }
    decidedOn(done, t("mod.bulk_result", { done: done.length, failed: results.length - done.length }));
    countSelected();
    if (!items().length) load();
  }

  async function addTheme(event) {
    event.preventDefault();
    const input = event.target.elements.theme;
    try {
      const theme = await moderatorCall("POST", "/moderation/themes", { name: input.value.trim() });
      themes = [...themes, theme];
      status.textContent = t("mod.theme_added", { name: theme.name });
      input.value = "";
      show();
    } catch (error) {
      status.textContent = explain(error);
    }
  }

  /** Single keys act on the proposal that holds the focus, also from its buttons and boxes;
   * never while typing in a field (Escape leaves it, back to the proposal). */
  function shortcut(event) {
    lastActivity = Date.now();
    const focused = document.activeElement.closest?.("article.item");
    const typing = event.target.closest("textarea, select, input:not([type=checkbox])");
    if (event.key === "Escape" && typing && focused) return focused.focus();
    if (event.ctrlKey || event.metaKey || event.altKey || typing || dialog.open) return;
    const all = items();
    const current = focused ?? all[0];
    const at = all.indexOf(focused); // -1 when no proposal has the focus yet: J goes to the first
    const actions = {
      j: () => all[Math.min(at + 1, all.length - 1)]?.focus(),
      k: () => all[Math.max(at - 1, 0)]?.focus(),
      a: () => current?.querySelector("button.accept").click(),
      r: () => current?.querySelector("select.reason").focus(),
      p: () => current?.querySelector("button.postpone").click(),
      x: () => current?.querySelector("input.pick").click(),
      t: () => current?.querySelector(".themes input")?.focus(),
      "?": () => help.toggleAttribute("open"),
    };
    const act = actions[event.key.toLowerCase()];
    if (act) {
      event.preventDefault();
      act();
    }
  }

  const help = h(
    "details",
    { class: "shortcuts" },
    h("summary", {}, t("mod.shortcuts")),
    h("dl", {}, SHORTCUTS.map(([keys, what]) => h("div", {}, h("dt", {}, h("kbd", {}, keys)), h("dd", {}, t(what))))),
  );

  const selectAll = () => (list.querySelectorAll("input.pick").forEach((box) => (box.checked = true)), countSelected());
  page.append(
    h("div", { class: "toolbar" }, total, h("button", { type: "button", class: "button small", onclick: () => load().catch((error) => (status.textContent = explain(error))) }, t("mod.refresh")), help),
    h(
      "form",
      { class: "bulk", onsubmit: bulk, "aria-labelledby": "bulk-title" },
      h("h2", { id: "bulk-title", class: "small" }, t("mod.bulk")),
      h("button", { type: "button", class: "button small", onclick: selectAll }, t("mod.bulk_all")),
      selected,
      h("label", { for: "bulk-action", class: "visually-hidden" }, t("mod.bulk_action")),
      bulkAction,
      h("label", { for: "bulk-reason" }, t("mod.reason")),
      bulkReason,
      h("button", { type: "submit", class: "button" }, t("mod.bulk_apply")),
    ),
    h("div", { class: "outcome" }, status, progress, undoBox),
    dialog,
    h("section", { "aria-labelledby": "queue-title" }, h("h2", { id: "queue-title" }, t("mod.queue")), list),
    h(
      "form",
      { class: "new-theme", onsubmit: addTheme },
      h("label", { for: "new-theme" }, t("mod.new_theme")),
      h("input", { id: "new-theme", name: "theme", required: true, maxlength: 60 }),
      h("button", { type: "submit", class: "button" }, t("mod.add_theme")),
    ),
  );
  show();
  const active = () => (lastActivity = Date.now());
  document.addEventListener("keydown", shortcut);
  document.addEventListener("pointerdown", active);
  // Renewed at half the lock's length, so a reservation never lapses while the moderator works.
  const renewal = setInterval(() => renew().catch(() => {}), Math.max(1, queue.lock_seconds / 2) * 1000);
  return () => {
    document.removeEventListener("keydown", shortcut);
    document.removeEventListener("pointerdown", active);
    clearInterval(renewal);
    timers.forEach(clearTimeout);
  };
}
