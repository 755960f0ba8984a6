// Building the pages: elements from plain data (text is never parsed as HTML), and messages.
import { hasString, t } from "./i18n.js";

/** h("button", {type: "button", onclick}, "Agree"): attributes set as given (true = present,
 * null/false = absent), on* as listeners; children are nodes or text. */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false));
  return el;
}

/** Say something to screen readers without moving their focus. */
export function announce(message) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  // A fresh text node after clearing makes repeated messages be read again.
  requestAnimationFrame(() => (region.textContent = message));
}

function waitText(seconds) {
  return seconds >= 120 ? t("wait.minutes", { n: Math.ceil(seconds / 60) }) : t("wait.seconds", { n: seconds ?? 1 });
}

/** Run `action`; if it fails, say why in `where` (its text replaced) instead of throwing. */
export async function explained(where, action) {
  try {
    return await action();
  } catch (error) {
    where.textContent = explain(error);
  }
}

/** What to tell a person about a failed call, in their language: a page's own words for a code
 * first, then the shared ones, then its status. The API's message is English and may name ids, so
 * it is never shown; the code stays in parentheses for a support request. */
export function explain(error, specific = {}) {
  const vars = { ...error.details, wait: waitText(error.retryAfter), code: error.code ?? "—", status: error.status ?? "—" };
  const words = specific[error.code] ?? (hasString(`code.${error.code}`) ? `code.${error.code}` : null);
  if (words) return t(words, vars);
  switch (error.status) {
    case 0: return t("error.network");
    case 401: return t("error.401");
    case 409: return t("error.409", vars);
    case 422: return t("error.422", vars);
    case 429: return t("error.429", vars);
    case 503: return t("error.503", vars);
    default: return t("error.other", vars);
  }
}
