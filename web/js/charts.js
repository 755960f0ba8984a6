// Charts drawn from the snapshot's figures. Each is a <figure> whose picture is summed up for
// screen readers by its caption, with every figure in a table beside it ("Figures as a table").
import { h } from "./dom.js";
import { addStrings, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const ROW = 28; // px per row: big enough for a readable label on a phone

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

/** Estimates with their 95 % intervals, one row each: a dot on a whisker. rows: {id, label, value, low, high, kind};
 * columns and cells(row) make the table. */
export function intervalChart({ caption, rows, columns, cells, format }) {
  const lo = Math.min(0, ...rows.map((r) => r.low));
  const hi = Math.max(1, ...rows.map((r) => r.high));
  const x = (v) => `${(4 + (92 * (v - lo)) / (hi - lo)).toFixed(2)}%`; // 4 % margins keep the dots whole
  const height = rows.length * ROW + ROW;
  const ticks = [];
  for (let v = Math.ceil(lo * 2) / 2; v <= hi; v += 0.5) ticks.push(v);
  const picture = svg(
    "svg",
    { width: "100%", height, class: "intervals" },
    ...ticks.map((v) => svg("line", { x1: x(v), x2: x(v), y1: 0, y2: height - ROW, class: v === 0 ? "axis" : "grid" })),
    ...ticks.map((v) => svg("text", { x: x(v), y: height - 8, "text-anchor": "middle" }, format(v))),
    ...rows.map((r, i) => {
      const y = i * ROW + ROW / 2;
      return svg(
        "g",
        { class: `row ${r.kind ?? ""}`, "data-proposal-id": r.id },
        svg("title", {}, r.label),
        svg("line", { x1: x(r.low), x2: x(r.high), y1: y, y2: y, class: "whisker" }),
        svg("circle", { cx: x(r.value), cy: y, r: 6 }),
        svg("text", { x: x(r.low), y: y - 8, class: "rank" }, String(i + 1)),
      );
    }),
  );
  return figure(caption, picture, table(columns, rows.map(cells)));
}

/** Side-by-side bars of shares in [0, 1]. rows: {label, values: [share or null, …]}, one value per series. */
export function barChart({ caption, series, rows, format }) {
  const picture = h(
    "div",
    { class: "bars" },
    rows.map((r) =>
      h(
        "div",
        { class: "bar-row" },
        h("span", { class: "bar-label" }, r.label),
        h("span", { class: "bar-group" }, r.values.map((v, i) => h("span", { class: `bar series-${i}`, style: `width: ${((v ?? 0) * 100).toFixed(1)}%` }))),
      ),
    ),
    h("p", { class: "legend" }, series.map((name, i) => h("span", { class: `swatch series-${i}` }, name))),
  );
  return figure(caption, picture, table(["", ...series], rows.map((r) => [r.label, ...r.values.map((v) => (v === null ? "—" : format(v)))])));
}
