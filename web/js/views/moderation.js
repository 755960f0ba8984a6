// Moderation: the queue (each proposal reserved for this moderator a short time), likely
// duplicates beside each proposal, decisions one by one or in bulk, themes, and keyboard
// shortcuts for speed. The key stays in sessionStorage: gone when the tab closes.
import { request } from "../api.js";
import { API_BASE } from "../config.js";
import { announce, explain, h } from "../dom.js";
import { addStrings, formatDate, formatPercent, t } from "../i18n.js";
import * as auth from "../auth.js";

const STORE = "agora.moderator";
const PAGE = 10;
const ACTIONS = ["accept", "refuse", "postpone"];

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
  "mod.duplicate_of": ["Refuser comme doublon de celle-ci", "Refuse as a duplicate of this one"],
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
  "mod.locked": ["Une autre personne traite cette proposition, ou elle vient d'être décidée.", "Someone else holds this proposal, or it was just decided."],
});

const SHORTCUTS = [["J / K", "mod.keys.jk"], ["A", "mod.keys.a"], ["R", "mod.keys.r"], ["P", "mod.keys.p"], ["X", "mod.keys.x"], ["T", "mod.keys.t"], ["?", "mod.keys.help"]];

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

export async function render(page, { consultation, rerender }) {
  if (auth.managed && !(await auth.idToken())) return signInPage(page);
  if (!auth.managed && !credentials()) return loginForm(page, rerender);
  let queue;
  let themes;
  try {
    [queue, { themes }] = await Promise.all([moderatorCall("GET", `/moderation/queue?limit=${PAGE}`), request("GET", "/themes")]);
  } catch (error) {
    if (error.status !== 401 && error.status !== 403) throw error;
    if (auth.managed) return auth.signIn("#/moderation");
    sessionStorage.removeItem(STORE);
    return loginForm(page, rerender, t("mod.bad_key"));
  }

  const list = h("div", { class: "queue" });
  const status = h("p", { role: "status", class: "confirmation" });
  const selected = h("span", { class: "selected-count" });
  const bulkAction = h("select", { id: "bulk-action" }, ACTIONS.map((a) => h("option", { value: a }, t(`mod.${a}`))));
  const bulkReason = reasonSelect("bulk-reason");
  const timers = [];

  function reasonSelect(id) {
    return h("select", { id, class: "reason" }, h("option", { value: "" }, t("mod.choose_reason")), consultation.refusal_reasons.map((r) => h("option", { value: r }, t(`reason.${r}`))));
  }

  function items() {
    return [...list.querySelectorAll("article.item")];
  }

  function countSelected() {
    selected.textContent = t("mod.bulk_selected", { n: list.querySelectorAll("input.pick:checked").length });
  }

  function themeBoxes(item) {
    if (!themes.length) return null; // none yet: "New theme", under the queue, adds the first
    const suggested = new Map(item.suggested_themes.map((s) => [s.theme, s.share]));
    return h(
      "fieldset",
      { class: "themes" },
      h("legend", {}, t("mod.themes")),
      themes.map((theme) =>
        h(
          "label",
          { class: "theme" },
          h("input", { type: "checkbox", value: theme.id, checked: item.themes.includes(theme.id) }),
          ` ${theme.name}`,
          suggested.has(theme.id) && h("small", {}, ` (${t("mod.suggested", { share: formatPercent(suggested.get(theme.id)) })})`),
        ),
      ),
    );
  }

  function duplicates(item, decide) {
    return h(
      "div",
      { class: "duplicates" },
      h("h3", {}, t("mod.duplicates")),
      item.duplicates.length
        ? h(
            "ul",
            {},
            item.duplicates.map((d) =>
              h(
                "li",
                {},
                h("p", {}, d.text),
                h("p", { class: "figures" }, t("mod.similarity", { share: formatPercent(d.score), status: t(`status.${d.status}`) })),
                h("button", { type: "button", class: "button small", onclick: () => decide("refuse", { reason: "already_exists", duplicate_of: d.id }) }, t("mod.duplicate_of")),
              ),
            ),
          )
        : h("p", { class: "note" }, t("mod.no_duplicates")),
    );
  }

  function card(item) {
    const textId = `text-${item.id}`;
    const reasonId = `reason-${item.id}`;
    const text = h("textarea", { id: textId, rows: 2, lang: item.language }, item.text);
    const reason = reasonSelect(reasonId);
    const message = h("p", { class: "message", role: "alert" });
    const lock = h("span", { class: "lock" }, t("mod.reserved", { time: formatDate(item.lock_until * 1000, { timeStyle: "medium" }) }));
    const article = h("article", { class: "item", tabindex: "-1", "data-id": item.id, "aria-labelledby": textId });

    async function decide(action, body = {}) {
      if (action === "refuse" && !body.reason) {
        message.textContent = t("mod.need_reason");
        return reason.focus();
      }
      if (action === "accept") {
        body.themes = [...article.querySelectorAll(".themes input:checked")].map((box) => box.value);
        if (text.value.trim() !== item.text) body.text = text.value.trim();
      }
      try {
        await moderatorCall("POST", `/moderation/proposals/${item.id}/${action}`, body);
      } catch (error) {
        message.textContent = explain(error, { locked: "mod.locked" });
        return;
      }
      announce(t("mod.decided", { action: t(`mod.done.${action}`), text: item.text }));
      removeItem(article);
    }

    const expire = () => {
      article.classList.add("expired");
      lock.textContent = t("mod.expired");
    };
    timers.push(setTimeout(expire, Math.max(0, item.lock_until * 1000 - Date.now())));
    article.append(
      h(
        "div",
        { class: "item-main" },
        h("label", { class: "pick-label" }, h("input", { type: "checkbox", class: "pick", value: item.id, onchange: countSelected }), ` ${t("mod.select")}`),
        h("label", { for: textId }, t("mod.text")),
        text,
        h("p", { class: "note" }, t("mod.sent", { date: formatDate(item.created_at * 1000, { dateStyle: "medium", timeStyle: "short" }), language: item.language }), " · ", lock),
        themeBoxes(item),
        h(
          "div",
          { class: "decide" },
          h("button", { type: "button", class: "button primary accept", onclick: () => decide("accept") }, t("mod.accept")),
          h("span", { class: "refusal" }, h("label", { for: reasonId }, t("mod.reason")), reason, h("button", { type: "button", class: "button refuse", onclick: () => decide("refuse", { reason: reason.value }) }, t("mod.refuse"))),
          h("button", { type: "button", class: "button postpone", onclick: () => decide("postpone") }, t("mod.postpone")),
        ),
        message,
      ),
      duplicates(item, decide),
    );
    return article;
  }

  function removeItem(article) {
    const next = article.nextElementSibling ?? article.previousElementSibling;
    article.remove();
    countSelected();
    if (next) next.focus();
    else load();
  }

  async function load() {
    queue = await moderatorCall("GET", `/moderation/queue?limit=${PAGE}`);
    show();
    items()[0]?.focus();
  }

  function show() {
    timers.splice(0).forEach(clearTimeout);
    list.replaceChildren(...(queue.proposals.length ? queue.proposals.map(card) : [h("p", { class: "note" }, t("mod.empty"))]));
    countSelected();
  }

  async function bulk(event) {
    event.preventDefault();
    const ids = [...list.querySelectorAll("input.pick:checked")].map((box) => box.value);
    if (!ids.length) return;
    const action = bulkAction.value;
    if (action === "refuse" && !bulkReason.value) {
      status.textContent = t("mod.need_reason");
      return bulkReason.focus();
    }
    const body = { action, proposal_ids: ids, ...(action === "refuse" && { reason: bulkReason.value }) };
    try {
      const result = await moderatorCall("POST", "/moderation/bulk", body);
      status.textContent = t("mod.bulk_result", result);
      for (const outcome of result.results) {
        const article = list.querySelector(`article[data-id="${outcome.id}"]`);
        if (outcome.done) article?.remove();
        else if (article) article.querySelector(".message").textContent = outcome.error?.message ?? "";
      }
      countSelected();
      if (!items().length) await load();
    } catch (error) {
      status.textContent = explain(error);
    }
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

  /** Single keys act on the proposal that holds the focus; never while typing in a field. */
  function shortcut(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select")) return;
    const all = items();
    const focused = document.activeElement.closest?.("article.item");
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

  page.append(
    h("h1", {}, t("mod.title")),
    h(
      "div",
      { class: "toolbar" },
      h("button", { type: "button", class: "button", onclick: () => load().catch((error) => (status.textContent = explain(error))) }, t("mod.refresh")),
      h("button", { type: "button", class: "button", onclick: () => (auth.managed ? auth.signOut() : (sessionStorage.removeItem(STORE), rerender())) }, t("mod.sign_out")),
    ),
    help,
    h(
      "form",
      { class: "bulk", onsubmit: bulk, "aria-labelledby": "bulk-title" },
      h("h2", { id: "bulk-title", class: "small" }, t("mod.bulk")),
      h("button", { type: "button", class: "button small", onclick: () => (list.querySelectorAll("input.pick").forEach((box) => (box.checked = true)), countSelected()) }, t("mod.bulk_all")),
      selected,
      h("label", { for: "bulk-action" }, t("mod.bulk_action")),
      bulkAction,
      h("label", { for: "bulk-reason" }, t("mod.reason")),
      bulkReason,
      h("button", { type: "submit", class: "button" }, t("mod.bulk_apply")),
    ),
    status,
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
  document.addEventListener("keydown", shortcut);
  return () => {
    document.removeEventListener("keydown", shortcut);
    timers.forEach(clearTimeout);
  };
}
