// Charts drawn from the snapshot's figures. Each is a <figure> whose picture is summed up for
// screen readers by its caption, with every figure in a table beside it ("Figures as a table").
import { h } from "./dom.js";
import { addStrings, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const ROW = 44; // px per row: a readable label above each mark on a phone

addStrings({
  "chart.table": ["Les chiffres sous forme de tableau", "Figures as a table"],
});

function svg(tag, attributes, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

function figure(caption, picture, table) {
  const id = `chart-${Math.random().toString(36).slice(2, 9)}`;
  picture.setAttribute("role", "img");
  picture.setAttribute("aria-labelledby", id);
  return h("figure", { class: "chart" }, h("figcaption", { id }, caption), picture, h("details", {}, h("summary", {}, t("chart.table")), table));
}

function table(columns, rows) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => (i === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, cell)))))),
  );
}

/** A proposal's text cut to what fits beside a chart mark (the whole text is in the list and the table). */
export const short = (text, max = 48) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);

/** Ticks of a share axis, as "0 %", "25 %"… under a chart. */
function shareAxis(y, x, format) {
  return [0, 0.25, 0.5, 0.75, 1].flatMap((v) => [
    svg("line", { x1: x(v), x2: x(v), y1: 0, y2: y, class: v === 0 ? "axis" : "grid" }),
    svg("text", { x: x(v), y: y + 16, "text-anchor": "middle" }, format(v)),
  ]);
}

/** Shares with their 95 % intervals, one row each in the list's order: the proposal's short text
 * above a dot on a whisker. rows: {id, label, value, low, high, kind}; columns and cells(row) make the table. */
export function intervalChart({ caption, rows, columns, cells, format }) {
  const x = (v) => `${(3 + 94 * v).toFixed(2)}%`; // 3 % margins keep the dots whole
  const plotted = rows.length * ROW;
  const picture = svg(
    "svg",
    { width: "100%", height: plotted + ROW, class: "intervals" },
    ...shareAxis(plotted, x, format),
    ...rows.map((r, i) => {
      const y = i * ROW + ROW - 10;
      return svg(
        "g",
        { class: `row ${r.kind ?? ""}`, "data-proposal-id": r.id },
        svg("title", {}, r.label),
        svg("text", { x: x(0), y: y - 12, class: "label" }, `${i + 1}. ${short(r.label)}`),
        svg("line", { x1: x(r.low), x2: x(r.high), y1: y, y2: y, class: "whisker" }),
        svg("circle", { cx: x(r.value), cy: y, r: 6 }),
      );
    }),
  );
  return figure(caption, picture, table(columns, rows.map(cells)));
}

/** Each row's whole split into parts (agree, neutral, disagree), side by side in one bar, with its
 * short label and each part's value written in it. rows: {id, label, parts: [{name, share}]}. */
export function splitChart({ caption, rows, names, columns, cells, format }) {
  const picture = h(
    "div",
    { class: "bars splits" },
    rows.map((r, i) =>
      h(
        "div",
        { class: "bar-row", "data-proposal-id": r.id },
        h("span", { class: "bar-label" }, `${i + 1}. ${short(r.label)}`),
        h("span", { class: "split wide" }, r.parts.map((part) => h("span", { class: part.name, style: `width: ${(part.share * 100).toFixed(1)}%` }, part.share >= 0.12 ? format(part.share) : ""))),
      ),
    ),
    h("p", { class: "legend" }, names.map(([key, name]) => h("span", { class: `swatch ${key}` }, name))),
  );
  return figure(caption, picture, table(columns, rows.map(cells)));
}

/** Side-by-side bars of shares in [0, 1], each with its value, over a 0–100 % axis.
 * rows: {label, values: [share or null, …]}, one value per series. */
export function barChart({ caption, series, rows, format }) {
  const picture = h(
    "div",
    { class: "bars" },
    rows.map((r) =>
      h(
        "div",
        { class: "bar-row" },
        h("span", { class: "bar-label" }, r.label),
        h(
          "span",
          { class: "bar-group" },
          r.values.map((v, i) => h("span", { class: "bar-line" }, h("span", { class: `bar series-${i}`, style: `width: ${((v ?? 0) * 80).toFixed(1)}%` }), h("span", { class: "bar-value" }, v === null ? "—" : format(v)))),
        ),
      ),
    ),
    h("div", { class: "bar-row axis-row", "aria-hidden": "true" }, h("span", { class: "bar-label" }), h("span", { class: "bar-axis" }, [0, 0.25, 0.5, 0.75, 1].map((v) => h("span", { style: `left: ${(v * 80).toFixed(1)}%` }, format(v))))),
    series.length > 1 ? h("p", { class: "legend" }, series.map((name, i) => h("span", { class: `swatch series-${i}` }, name))) : null,
  );
  return figure(caption, picture, table(["", ...series], rows.map((r) => [r.label, ...r.values.map((v) => (v === null ? "—" : format(v)))])));
}

/** Points on two axes, each a shape per kind (never colour alone). points: {id, x, y, kind, label};
 * `labelled` points get their short text beside them. */
export function scatterChart({ caption, points, axes, kinds, columns, cells, format, labelled = 0 }) {
  const W = 640, H = 360, left = 48, bottom = 40;
  const top = Math.max(0.5, ...points.map((p) => p.y));
  const x = (v) => left + (W - left - 12) * v;
  const y = (v) => H - bottom - (H - bottom - 12) * (v / top);
  const mark = (p) => {
    const cx = x(p.x), cy = y(p.y);
    const shapes = {
      circle: () => svg("circle", { cx, cy, r: 5 }),
      square: () => svg("rect", { x: cx - 4.5, y: cy - 4.5, width: 9, height: 9 }),
      triangle: () => svg("path", { d: `M${cx} ${cy - 6}L${cx + 6} ${cy + 5}H${cx - 6}Z` }),
      diamond: () => svg("path", { d: `M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z` }),
    };
    return shapes[kinds[p.kind]?.shape ?? "circle"]();
  };
  const picture = svg(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, width: "100%", class: "scatter" },
    svg("line", { x1: left, x2: W - 12, y1: H - bottom, y2: H - bottom, class: "axis" }),
    svg("line", { x1: left, x2: left, y1: 12, y2: H - bottom, class: "axis" }),
    ...[0, 0.25, 0.5, 0.75, 1].map((v) => svg("text", { x: x(v), y: H - bottom + 16, "text-anchor": "middle" }, format(v))),
    svg("text", { x: (left + W) / 2, y: H - 4, "text-anchor": "middle", class: "axis-title" }, axes[0]),
    svg("text", { x: 12, y: H / 2, transform: `rotate(-90 12 ${H / 2})`, "text-anchor": "middle", class: "axis-title" }, axes[1]),
    ...points.map((p, i) =>
      svg(
        "g",
        { class: `point ${p.kind}`, "data-proposal-id": p.id },
        svg("title", {}, p.label),
        mark(p),
        i < labelled ? svg("text", { x: x(p.x) + (p.x > 0.7 ? -8 : 8), y: y(p.y) - 6, "text-anchor": p.x > 0.7 ? "end" : "start", class: "label" }, short(p.label, 32)) : "",
      ),
    ),
  );
  const legend = h("p", { class: "legend" }, Object.entries(kinds).map(([kind, k]) => h("span", { class: `shape ${kind}` }, `${k.symbol} ${k.name}`)));
  return h("div", {}, legend, figure(caption, picture, table(columns, points.map(cells))));
}
