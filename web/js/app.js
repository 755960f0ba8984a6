// The pages' shell: one HTML page, one view at a time chosen by the address's #/route, each view
// a module loaded on first use (a citizen never downloads the moderation page).
import { request } from "./api.js";
import { completeSignIn } from "./auth.js";
import { h, explain } from "./dom.js";
import { ensureParticipant } from "./participant.js";
import { cached, remember } from "./consultation-cache.js";
import { chooseLanguage, currentLanguage, languageName, setLanguage, t, translateStatic } from "./i18n.js";

const VIEWS = ["home", "vote", "propose", "results", "profile", "moderation"];
const main = document.getElementById("main");
let consultation;
let leave = () => {};
let shown = null;

/** "#/vote" → "vote"; "" → "home"; an in-page anchor such as the skip link's "#main" → null. */
function routeOf(hash) {
  if (hash === "" || hash === "#") return "home";
  if (!hash.startsWith("#/")) return null;
  const name = hash.slice(2).split(/[/?]/)[0] || "home";
  return VIEWS.includes(name) ? name : "home";
}

async function show(name, { focus = true } = {}) {
  leave();
  leave = () => {};
  shown = name;
  for (const link of document.querySelectorAll("header.site nav a")) {
    if (routeOf(link.getAttribute("href")) === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.setAttribute("aria-busy", "true");
  const page = h("div", { class: "view" });
  let cleanup;
  try {
    const view = await import(`./views/${name}.js`);
    cleanup = await view.render(page, { consultation, rerender: () => show(name, { focus: false }) });
  } catch (error) {
    page.replaceChildren(h("h1", {}, t(`nav.${name}`)), h("p", { role: "alert" }, explain(error)));
  }
  if (shown !== name) return cleanup?.(); // the citizen moved on while this page loaded
  leave = cleanup ?? leave;
  main.replaceChildren(page);
  main.removeAttribute("aria-busy");
  const heading = page.querySelector("h1");
  document.title = `${heading?.textContent ?? ""} · agora`;
  // After a navigation, start reading and tabbing from the new page's title, as a page load would.
  if (focus && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function languageSwitch(languages) {
  const select = document.getElementById("language");
  select.replaceChildren(
    ...languages.map((lang) => h("option", { value: lang, lang }, languageName(lang))),
  );
  select.value = currentLanguage();
  select.closest("label").hidden = languages.length < 2;
  select.addEventListener("change", () => {
    setLanguage(select.value);
    translateStatic();
    show(shown, { focus: false });
  });
}

/** What changes the page besides the figures (the home page refreshes those itself). */
const shape = ({ counts, counts_at, ...rest }) => JSON.stringify(rest);

async function fresh() {
  const latest = remember(await request("GET", "/consultation"));
  if (!consultation) return (consultation = latest);
  const changed = shape(latest) !== shape(consultation);
  consultation = latest;
  dispatchEvent(new CustomEvent("agora:consultation", { detail: latest }));
  if (changed) show(shown, { focus: false });
  return latest;
}

async function start() {
  await completeSignIn(); // a moderator back from the managed login (js/auth.js)
  // A returning visitor's page is drawn at once from the last answer, then brought up to date.
  consultation = cached();
  const arriving = fresh();
  if (!consultation) {
    try {
      await arriving;
    } catch (error) {
      main.replaceChildren(h("p", { role: "alert" }, explain(error)));
      return;
    }
  } else arriving.catch(() => {}); // the cached page stays; the next visit tries again
  chooseLanguage(consultation.languages);
  translateStatic();
  languageSwitch(consultation.languages);
  addEventListener("hashchange", () => {
    const name = routeOf(location.hash);
    if (name) show(name);
  });
  const first = routeOf(location.hash) ?? "home";
  // Every citizen gets an anonymous identity on arrival (counted as a participant once they
  // vote or propose); a failure here is retried by the first action that needs it. Moderators
  // are not citizens.
  if (first !== "moderation") ensureParticipant().catch(() => {});
  await show(first, { focus: false });
}

start();
