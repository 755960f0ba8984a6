// Single-key shortcuts for speed, and the list of them on the page.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";

const SHORTCUTS = [["J / K", "mod.keys.jk"], ["A", "mod.keys.a"], ["R", "mod.keys.r"], ["P", "mod.keys.p"], ["X", "mod.keys.x"], ["T", "mod.keys.t"], ["Échap", "mod.keys.escape"], ["?", "mod.keys.help"]];

export function shortcutsHelp() {
  return h(
    "details",
    { class: "shortcuts" },
    h("summary", {}, t("mod.shortcuts")),
    h("dl", {}, SHORTCUTS.map(([keys, what]) => h("div", {}, h("dt", {}, h("kbd", {}, keys)), h("dd", {}, t(what))))),
  );
}

/** What each key does to the proposal `current`, among `all`, `at` its place (-1: none focused). */
function actions(all, current, at, help) {
  return {
    j: () => all[Math.min(at + 1, all.length - 1)]?.focus(),
    k: () => all[Math.max(at - 1, 0)]?.focus(),
    a: () => current?.querySelector("button.accept").click(),
    r: () => current?.querySelector("select.reason").focus(),
    p: () => current?.querySelector("button.postpone").click(),
    x: () => current?.querySelector("input.pick").click(),
    t: () => current?.querySelector(".themes input")?.focus(),
    "?": () => help.toggleAttribute("open"),
  };
}

/** The keydown listener: single keys act on the proposal that holds the focus, also from its
 * buttons and boxes; never while typing in a field (Escape leaves it, back to the proposal),
 * nor while `dialog` is open. */
export function shortcuts({ items, dialog, help, onKey }) {
  return (event) => {
    onKey();
    const focused = document.activeElement.closest?.("article.item");
    const typing = event.target.closest("textarea, select, input:not([type=checkbox])");
    if (event.key === "Escape" && typing && focused) return focused.focus();
    if (event.ctrlKey || event.metaKey || event.altKey || typing || dialog.open) return;
    const all = items();
    const act = actions(all, focused ?? all[0], all.indexOf(focused), help)[event.key.toLowerCase()];
    if (act) {
      event.preventDefault();
      act();
    }
  };
}
