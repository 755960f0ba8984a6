// Passing the consultation on: its address, which previews the question (agora.pages renders
// it into index.html), by the system's share sheet where there is one, a copy button everywhere.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";

/** The share line; `question`, in the reader's language, titles what the share sheet sends. */
export function sharing(question) {
  const url = new URL("./", location.href).href;
  const status = h("span", { class: "note", role: "status" });
  const copy = h("button", { type: "button", class: "button small" }, t("vote.copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = t("vote.copied");
    } catch {
      status.textContent = t("vote.copy_failed"); // no clipboard here (permission, old browser): the link is shown
    }
  });
  const share = navigator.share && h("button", { type: "button", class: "button small", onclick: () => navigator.share({ title: question, url }).catch(() => {}) }, t("vote.share_button"));
  return h("p", { class: "share" }, t("vote.share"), " ", h("a", { class: "share-link", href: url }, url), " ", share, copy, status);
}
