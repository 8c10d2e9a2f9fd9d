// The searchkit page: the URL's query string holds the whole state (shareable, and the back button restores it);
// every text from the index is inserted as text, never as HTML. Snippets arrive as HTML-escaped text with <mark>;
// they are parsed in an inert document and only their text and <mark>s are copied.
"use strict";

const FACETS = [
  ["outlet", "Outlet"], ["actor:person", "People"], ["actor:organization", "Organisations"],
  ["actor:place", "Places"], ["year", "Year"], ["month", "Month"],
];
const LISTS = ["outlet", "actor"]; // repeatable state
const SINGLE = ["q", "match", "from", "to", "sort", "per_article", "page", "article", "passage"];
const PAGE_SIZE = 10;
const ALL_MONTHS = 1000; // facet_limit for the charts: every month
const $ = (id) => document.getElementById(id);
let generation = 0; // answers to an older state are dropped

// -- state <-> URL -------------------------------------------------------------------------------------------
function readState(search) {
  const params = new URLSearchParams(search);
  const state = {};
  for (const name of SINGLE) state[name] = params.get(name) || "";
  for (const name of LISTS) state[name] = params.getAll(name);
  return state;
}

function query(state, names) {
  const params = new URLSearchParams();
  for (const name of names) {
    const value = state[name];
    for (const item of Array.isArray(value) ? value : [value]) if (item) params.append(name, item);
  }
  return params;
}

function searchState(state) {
  return { ...state, article: "", passage: "" };
}

function href(state) {
  const text = query(state, [...SINGLE, ...LISTS]).toString();
  return text ? `?${text}` : "/";
}

function go(state) {
  history.pushState(null, "", href(state));
  render(state);
}

// -- DOM helpers ---------------------------------------------------------------------------------------------
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

function link(state, ...children) {
  const target = href(state);
  return el("a", {
    href: target,
    onclick: (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      go(state);
    },
  }, ...children);
}

/** Snippet HTML (escaped text and <mark>) as nodes: only text and <mark> survive, whatever the string holds. */
function snippetNodes(html) {
  const body = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html").body;
  return Array.from(body.childNodes, (node) =>
    node.nodeName === "MARK" ? el("mark", {}, node.textContent) : document.createTextNode(node.textContent));
}

function safeUrl(url) {
  return /^https?:\/\//i.test(url || "") ? url : null;
}

async function api(path, params) {
  const response = await fetch(params ? `${path}?${params}` : path, { headers: { Accept: "application/json" } });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

// -- rendering -----------------------------------------------------------------------------------------------
async function render(state) {
  const mine = ++generation;
  fillForm(state);
  $("error").hidden = true;
  const reading = Boolean(state.article);
  $("results-view").hidden = reading;
  $("article-view").hidden = !reading;
  try {
    if (reading) await renderArticle(state, mine);
    else await renderSearch(state, mine);
  } catch (error) {
    if (mine !== generation) return;
    $("error").textContent = error.message;
    $("error").hidden = false;
    if (reading) { $("results-view").hidden = false; $("article-view").hidden = true; }
  }
}

function fillForm(state) {
  $("q").value = state.q;
  $("match").checked = state.match === "any";
  $("from").value = state.from;
  $("to").value = state.to;
  $("sort").value = state.sort || "relevance";
  $("per_article").value = ["1", "3"].includes(state.per_article) ? state.per_article : "";
  document.title = state.q ? `${state.q} – searchkit` : "searchkit";
}

function filters(state) {
  return query(state, ["q", "match", "from", "to", "outlet", "actor"]);
}

async function renderSearch(state, mine) {
  const params = query(state, ["q", "match", "from", "to", "outlet", "actor", "sort", "per_article", "page"]);
  params.set("limit", PAGE_SIZE);
  for (const [name] of FACETS) params.append("facet", name);
  const months = filters(state);
  months.set("facet", "month");
  months.set("facet_limit", ALL_MONTHS);
  months.set("limit", 1);
  $("status").textContent = "Searching…";
  const [results, timeline, ...actorCharts] = await Promise.all([
    api("/api/search", params),
    api("/api/search", months),
    ...state.actor.map((name) => api("/api/search", new URLSearchParams(
      { q: "", actor: name, facet: "month", facet_limit: ALL_MONTHS, limit: 1 }))),
  ]);
  if (mine !== generation) return;
  showStatus(state, results);
  showHits(state, results);
  showPager(state, results);
  showFacets(state, results.facets);
  showChart($("timeline"), $("timeline-chart"), timeline.facets.month, "Matches by month");
  $("actor-charts").replaceChildren(...state.actor.map((name, i) => {
    const chart = el("div", { class: "chart" });
    const figure = el("figure", {}, el("figcaption"), chart);
    showChart(figure, chart, actorCharts[i].facets.month, `Mentions of ${name} by month (all passages)`);
    return figure;
  }));
}

function showStatus(state, results) {
  const first = (results.page - 1) * results.limit + 1;
  const count = shownCount(results);
  const shown = count ? `${first}–${first + count - 1} of ` : "";
  const what = results.query ? ` for “${results.query}”` : "";
  const notices = (results.notices || []).map((notice) => ` ${notice}.`).join("");
  $("status").textContent =
    `${shown}${results.total} ${results.unit || "passages"}${what} (${Math.round(results.took_ms)} ms).${notices}`;
  const suggestion = $("suggestion");
  suggestion.hidden = !results.suggestion;
  if (results.suggestion) {
    suggestion.replaceChildren("Did you mean ",
      link({ ...searchState(state), q: results.suggestion, page: "" }, results.suggestion), "?");
  }
}

/** How many ranks the page shows: hits, or articles when the results are grouped by article. */
function shownCount(results) {
  return new Set(results.hits.map((hit) => hit.rank)).size;
}

function showHits(state, results) {
  const list = $("hits");
  list.start = (results.page - 1) * results.limit + 1;
  const groups = [];
  for (const hit of results.hits) {
    const group = results.unit === "articles" && groups.find((g) => g[0].article_id === hit.article_id);
    if (group) group.push(hit);
    else groups.push([hit]);
  }
  list.replaceChildren(...groups.map((group) => hitItem(state, group)));
}

function hitItem(state, group) {
  const first = group[0];
  const article = { ...searchState(state), article: first.article_id, passage: String(first.position) };
  const details = [first.outlet || "outlet unknown", first.date || "date unknown"];
  if (first.authors && first.authors.length) details.push(`by ${first.authors.join(", ")}`);
  return el("li", { class: "hit" },
    el("h3", {}, link(article, first.title || "(untitled)")),
    el("p", { class: "meta" }, details.join(" · ")),
    group.map((hit) => el("blockquote", { class: "snippet" },
      group.length > 1 ? link({ ...article, passage: String(hit.position) }, `¶${hit.position} `) : null,
      ...snippetNodes(hit.snippet))),
    actorLine(state, first.actors));
}

function actorLine(state, actors) {
  if (!actors || !actors.length) return null;
  return el("p", { class: "actors" }, "Actors: ",
    actors.map((actor) => toggleButton(state, "actor", actor.name, actor.name, `${actor.name} (${actor.kind})`)));
}

/** A button that adds a value to a filter, or removes it when it is already there. */
function toggleButton(state, name, value, label, title, count) {
  const active = state[name].includes(value);
  const values = active ? state[name].filter((v) => v !== value) : [...state[name], value];
  return el("button", {
    type: "button", class: "chip", "aria-pressed": String(active), title: title || null,
    onclick: () => go({ ...searchState(state), [name]: values, page: "" }),
  }, label, count === undefined ? null : el("span", { class: "count" }, String(count)));
}

function periodButton(state, value, count) {
  const active = state.from === value && state.to === value;
  return el("button", {
    type: "button", class: "chip", "aria-pressed": String(active),
    onclick: () => go({ ...searchState(state), from: active ? "" : value, to: active ? "" : value, page: "" }),
  }, value, el("span", { class: "count" }, String(count)));
}

function showFacets(state, facets) {
  const sections = [];
  for (const [name, title] of FACETS) {
    const values = [...(facets[name] || [])];
    if (name === "year" || name === "month") values.sort((a, b) => a.value.localeCompare(b.value));
    if (!values.length) continue;
    const field = name.split(":")[0];
    const items = values.map((v) => el("li", {},
      field === "outlet" || field === "actor"
        ? toggleButton(state, field, v.value, v.value, null, v.count) : periodButton(state, v.value, v.count)));
    sections.push(el("section", { "aria-label": title }, el("h3", {}, title), el("ul", {}, items)));
  }
  const active = [...state.outlet.map((v) => ["outlet", v]), ...state.actor.map((v) => ["actor", v])];
  if (active.length || state.from || state.to) {
    const chips = active.map(([name, value]) => el("li", {}, toggleButton(state, name, value, `${value} ✕`,
      `Remove the filter ${value}`)));
    if (state.from || state.to) {
      chips.push(el("li", {}, el("button", {
        type: "button", class: "chip", "aria-pressed": "true", title: "Remove the date range",
        onclick: () => go({ ...searchState(state), from: "", to: "", page: "" }),
      }, `${state.from || "…"} to ${state.to || "…"} ✕`)));
    }
    sections.unshift(el("section", { "aria-label": "Active filters" }, el("h3", {}, "Active filters"),
      el("ul", {}, chips)));
  }
  $("facet-list").replaceChildren(...sections);
}

function showPager(state, results) {
  const page = results.page;
  const pages = Math.max(1, Math.ceil(results.total / results.limit));
  $("pager").hidden = results.total <= results.limit && page === 1;
  $("page-of").textContent = `Page ${page} of ${pages}`;
  $("prev").disabled = page <= 1;
  $("next").disabled = shownCount(results) < results.limit || page >= pages;
  $("prev").onclick = () => go({ ...state, page: page > 2 ? String(page - 1) : "" });
  $("next").onclick = () => go({ ...state, page: String(page + 1) });
}

// -- charts: passages by month, one bar a month from the first to the last, drawn as SVG ---------------------
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

function monthRange(values) {
  const months = values.map((v) => v.value).sort();
  if (!months.length) return [];
  const [y0, m0] = months[0].split("-").map(Number);
  const [y1, m1] = months[months.length - 1].split("-").map(Number);
  const range = [];
  for (let y = y0, m = m0; y < y1 || (y === y1 && m <= m1); m === 12 ? (y++, m = 1) : m++) {
    range.push(`${y}-${String(m).padStart(2, "0")}`);
  }
  return range;
}

/** Bars of passages by month in `holder`, captioned in `figure` with `title` and the busiest month. */
function showChart(figure, holder, values, title) {
  const counts = new Map((values || []).map((v) => [v.value, v.count]));
  const months = monthRange(values || []);
  figure.hidden = !months.length;
  if (!months.length) return holder.replaceChildren();
  const peak = Math.max(...counts.values());
  const width = 600, height = 60, bar = width / months.length;
  const best = months.reduce((a, b) => ((counts.get(b) || 0) > (counts.get(a) || 0) ? b : a));
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height + 14}`, role: "img",
    "aria-label": `${title}, ${months[0]} to ${months[months.length - 1]}`,
  });
  figure.querySelector("figcaption").textContent = `${title}: most in ${best} (${peak})`;
  months.forEach((month, i) => {
    const count = counts.get(month) || 0;
    const tall = count ? Math.max(1, (count / peak) * height) : 0;
    chart.append(svg("rect", { x: i * bar + 0.5, y: height - tall, width: Math.max(bar - 1, 0.5), height: tall,
      class: "bar" }, svg("title", {}, `${month}: ${count}`)));
    if (month.endsWith("-01") || i === 0) {
      const label = svg("text", { x: i * bar, y: height + 12, class: "tick" });
      label.textContent = month.slice(0, 4);
      chart.append(label);
    }
  });
  holder.replaceChildren(chart);
}

// -- one article ---------------------------------------------------------------------------------------------
async function renderArticle(state, mine) {
  const article = await api(`/api/articles/${encodeURIComponent(state.article)}`);
  if (mine !== generation) return;
  const view = $("article-view");
  const facts = [["Outlet", article.outlet], ["Date", article.date], ["Authors", (article.authors || []).join(", ")],
    ["Dateline", article.place], ["Source", article.source]];
  const url = safeUrl(article.url);
  const title = el("h2", { id: "article-title", tabindex: "-1" }, article.title || "(untitled)");
  view.replaceChildren(
    el("p", {}, link(searchState(state), "← Back to the results")),
    title,
    el("dl", { class: "facts" }, facts.filter(([, v]) => v).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
      article.url ? [el("dt", {}, "URL"), el("dd", {}, url ? el("a", { href: url, rel: "noopener noreferrer" }, url)
        : article.url)] : null),
    el("section", { "aria-label": "Passages" }, article.passages.map((p) => el("div", {
      class: String(p.position) === state.passage ? "passage current" : "passage", id: `passage-${p.position}`,
    }, el("p", {}, p.text), p.actors.length ? el("p", { class: "actors" },
      `Actors: ${p.actors.map((a) => `${a.name} (${a.kind})`).join(", ")}`) : null))),
    article.captions.length ? el("section", { "aria-label": "Captions" }, el("h3", {}, "Captions"),
      el("ul", {}, article.captions.map((c) => el("li", {}, c)))) : null,
  );
  document.title = `${article.title || article.article_id} – searchkit`;
  const current = view.querySelector(".current");
  title.focus();
  if (current) current.scrollIntoView({ block: "center" });
}

// -- wiring --------------------------------------------------------------------------------------------------
function formState() {
  return {
    ...readState(""), q: $("q").value.trim(), match: $("match").checked ? "any" : "",
    from: $("from").value.trim(), to: $("to").value.trim(),
    sort: $("sort").value === "date" ? "date" : "", per_article: $("per_article").value,
    outlet: readState(location.search).outlet, actor: readState(location.search).actor,
  };
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    go(formState());
  });
  for (const id of ["match", "sort", "per_article"]) $(id).addEventListener("change", () => go(formState()));
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      $("q").focus();
    }
  });
  window.addEventListener("popstate", () => render(readState(location.search)));
  render(readState(location.search));
});
