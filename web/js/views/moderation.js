// Moderation: sign-in, then the queue (moderation/queue.js: each proposal reserved for this
// moderator a short time, likely duplicates beside it, decisions one by one or in bulk, themes,
// keyboard shortcuts) or the postponed and decided proposals (moderation/decided.js).
import { h } from "../dom.js";
import { t } from "../i18n.js";
import * as auth from "../auth.js";
import "./moderation/strings.js";
import { credentials, forget, loginForm, signInPage } from "./moderation/session.js";
import { decidedView } from "./moderation/decided.js";
import { queueView } from "./moderation/queue.js";

const VIEWS = ["queue", "postponed", "accepted", "refused"];

/** The view the address asks for: #/moderation?view=postponed. */
const viewOf = () => {
  const view = new URLSearchParams(location.hash.split("?")[1] ?? "").get("view");
  return VIEWS.includes(view) ? view : "queue";
};

function header(page, rerender, view) {
  const link = (v) => h("a", { href: v === "queue" ? "#/moderation" : `#/moderation?view=${v}`, "aria-current": v === view ? "page" : null }, t(`mod.view.${v}`));
  const signOut = () => (auth.managed ? auth.signOut() : (forget(), rerender()));
  page.append(
    h("h1", {}, t("mod.title")),
    h(
      "nav",
      { class: "views", "aria-label": t("mod.views") },
      h("ul", {}, VIEWS.map((v) => h("li", {}, link(v)))),
      h("button", { type: "button", class: "button small", onclick: signOut }, t("mod.sign_out")),
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
    forget();
    page.replaceChildren();
    return loginForm(page, context.rerender, t("mod.bad_key"));
  }
}
