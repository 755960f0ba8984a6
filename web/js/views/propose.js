// Proposing: the form (propose/form.js: the prefix shown and fixed, a live character count,
// similar proposals found while typing so the citizen can back one instead) and what became of
// the citizen's proposals (propose/mine.js).
import { h } from "../dom.js";
import { t } from "../i18n.js";
import "./propose/strings.js";
import { proposalForm } from "./propose/form.js";
import { myProposals } from "./propose/mine.js";

export async function render(page, { consultation }) {
  const error = h("div", { id: "proposal-error", class: "message", role: "alert" });
  const mine = myProposals(error);
  page.append(
    h("h1", {}, t("propose.title")),
    proposalForm(consultation, mine, error),
    h("section", { "aria-labelledby": "mine-title" }, h("h2", { id: "mine-title" }, t("propose.mine")), mine.list),
  );
  await mine.refresh();
}
