// Who the moderator is: the embedded stack's key (kept in sessionStorage, gone when the tab
// closes) or, on AWS, Cognito's token (js/auth.js); every moderation call goes through here.
import { ApiError, request } from "../../api.js";
import { API_BASE } from "../../config.js";
import { explain, h } from "../../dom.js";
import { t } from "../../i18n.js";
import * as auth from "../../auth.js";

const STORE = "agora.moderator";

export const credentials = () => JSON.parse(sessionStorage.getItem(STORE) ?? "null");

export const forget = () => sessionStorage.removeItem(STORE);

// The embedded stack names a moderator by X-Moderator-Name for the audit trail; on AWS the
// Cognito token names them, and an API on another origin would refuse the header in its CORS
// preflight. So the name is asked for, and sent, only when the API shares the pages' origin.
const NAMED_BY_HEADER = API_BASE === "";

export async function moderatorCall(method, path, body) {
  if (auth.managed) return request(method, path, { body, headers: { Authorization: `Bearer ${await auth.idToken()}` } });
  const { key, name } = credentials();
  const headers = { Authorization: `Bearer ${key}`, ...(NAMED_BY_HEADER && { "X-Moderator-Name": name }) };
  return request(method, path, { body, headers });
}

/** A failed decision in words, never the API's English message (it names ids). */
export const refusal = (error) => explain(error instanceof ApiError ? error : new ApiError(409, error), { locked: "mod.locked" });

// On AWS (js/auth.js): signed out, the page goes to the managed login and comes back here.
export function signInPage(page) {
  page.append(
    h("h1", {}, t("mod.login")),
    h("button", { type: "button", class: "button primary", id: "mod-sign-in", onclick: () => auth.signIn("#/moderation") }, t("mod.sign_in")),
  );
}

export function loginForm(page, rerender, problem) {
  const key = h("input", { id: "mod-key", type: "password", required: true, autocomplete: "current-password" });
  const name = h("input", { id: "mod-name", type: "text", required: true, autocomplete: "username" });
  const signIn = (event) => {
    event.preventDefault();
    sessionStorage.setItem(STORE, JSON.stringify({ key: key.value, name: name.value.trim() || "moderator" }));
    rerender();
  };
  page.append(
    h("h1", {}, t("mod.login")),
    h(
      "form",
      { class: "login", onsubmit: signIn },
      NAMED_BY_HEADER && h("p", {}, h("label", { for: "mod-name" }, t("mod.name")), name),
      h("p", {}, h("label", { for: "mod-key" }, t("mod.key")), key),
      problem && h("p", { class: "message", role: "alert" }, problem),
      h("button", { type: "submit", class: "button primary" }, t("mod.sign_in")),
    ),
  );
}
