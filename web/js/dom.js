// Building the pages: elements from plain data (text is never parsed as HTML), and messages.
import { t } from "./i18n.js";

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

/** What to tell a person about a failed call: the API's own explanation, framed by its status. */
export function explain(error, specific = {}) {
  if (specific[error.code]) return t(specific[error.code], { ...error.details, wait: waitText(error.retryAfter) });
  switch (error.status) {
    case 0: return t("error.network");
    case 401: return t("error.401");
    case 409: return t("error.409", { message: error.message });
    case 422: return error.message;
    case 429: return t("error.429", { wait: waitText(error.retryAfter) });
    case 503: return t("error.503", { wait: waitText(error.retryAfter) });
    default: return t("error.other", { status: error.status ?? "—", message: error.message });
  }
}
