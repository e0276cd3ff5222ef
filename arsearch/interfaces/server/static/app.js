// The search page: reads the form, calls /api/search, renders the JSON. Document text only ever reaches the page
// as text nodes (textContent / append of strings), never as HTML.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 10000;
const $ = (id) => document.getElementById(id);
function formFromUrl() {
  const params = new URLSearchParams(location.search);
  $("q").value = params.get("q") || "";
  $("since").value = params.get("since") || "";
  $("until").value = params.get("until") || "";
  $("source").value = params.getAll("source").join(", ");
  $("sort").value = params.get("sort") || "relevance";
  $("all").checked = params.get("all") === "true";
  return params;
}

function paramsFromForm(offset) {
  const params = new URLSearchParams();
  params.set("q", $("q").value.trim());
  for (const name of ["since", "until"]) if ($(name).value) params.set(name, $(name).value);
  for (const source of $("source").value.split(/[\s,،]+/).filter(Boolean)) params.append("source", source);
  if ($("sort").value !== "relevance") params.set("sort", $("sort").value);
  if ($("all").checked) params.set("all", "true");
  if (offset > 0) params.set("offset", String(offset));
  return params;
}

// Each search gets a number; an answer that arrives after a newer search was started is dropped.
let latest = 0;

async function run(params, remember) {
  const mine = ++latest;
  if (remember) history.pushState(null, "", "?" + params);
  clear();
  if (!params.get("q")) return;
  setStatus("جارٍ البحث…");
  const api = new URLSearchParams(params);
  api.set("limit", String(PAGE_SIZE));
  api.set("facets", "true");
  let data;
  try {
    const response = await fetch("/api/search?" + api);
    data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
  } catch (error) {
    if (mine === latest) setStatus(error.message, true);
    return;
  }
  if (mine === latest) render(data, Number(params.get("offset") || 0));
}

function clear() {
  $("results").replaceChildren();
  $("facets").replaceChildren();
  $("facets").hidden = $("suggestion").hidden = $("pager").hidden = true;
  setStatus("");
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function render(data, offset) {
  const hits = data.hits || [];
  const shown = hits.length ? ` (${hits[0].rank}–${hits[hits.length - 1].rank})` : "";
  setStatus(`${data.total} نتيجة${shown} في ${Math.round(data.elapsed_ms)} م.ث`);
  $("results").replaceChildren(...hits.map(renderHit));
  renderSuggestion(data.suggestion);
  renderFacets(data.facets);
  const pages = Math.ceil(Math.min(data.total, MAX_OFFSET + PAGE_SIZE) / PAGE_SIZE);
  $("pager").hidden = pages <= 1;
  $("page").textContent = `صفحة ${Math.floor(offset / PAGE_SIZE) + 1} من ${pages}`;
  $("prev").disabled = offset <= 0;
  $("next").disabled = offset + PAGE_SIZE >= data.total || offset + PAGE_SIZE > MAX_OFFSET;
  $("prev").onclick = () => run(paramsFromForm(Math.max(0, offset - PAGE_SIZE)), true);
  $("next").onclick = () => run(paramsFromForm(offset + PAGE_SIZE), true);
}

// `spans` are [start, end) offsets in code points (Python's str), so the text is cut as an array of code points.
function highlighted(text, spans) {
  const chars = Array.from(text || "");
  const fragment = document.createDocumentFragment();
  let pos = 0;
  for (const [start, end] of spans || []) {
    if (start < pos || end <= start) continue;
    if (start > pos) fragment.append(chars.slice(pos, start).join(""));
    const mark = document.createElement("mark");
    mark.textContent = chars.slice(start, end).join("");
    fragment.append(mark);
    pos = end;
  }
  if (pos < chars.length) fragment.append(chars.slice(pos).join(""));
  return fragment;
}

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (e) {
    return null;
  }
}

function describe(doc) {
  return [doc.source, doc.date ? doc.date.slice(0, 10) : ""].filter(Boolean).join(" · ");
}

function renderHit(hit) {
  const title = element("h2", "", hit.title || hit.id);
  const url = safeUrl(hit.url);
  if (url) {
    const link = element("a", "", ...title.childNodes);
    link.href = url;
    link.rel = "noopener noreferrer";
    title.replaceChildren(link);
  }
  const item = element("li", "hit", title, element("div", "meta", describe(hit) || hit.id),
                       element("p", "snippet", highlighted(hit.snippet, hit.highlights)));
  const duplicates = renderDuplicates(hit.duplicates);
  if (duplicates) item.append(duplicates);
  return item;
}

// `duplicates`: the {id, source, date} of the near-copies folded into this hit.
function renderDuplicates(duplicates) {
  if (!duplicates || !duplicates.length) return null;
  const list = element("ul", "", ...duplicates.map((d) => element("li", "", d.id, " — ", describe(d))));
  return element("details", "duplicates", element("summary", "", `${duplicates.length} نسخ مشابهة من الخبر`), list);
}

// `suggestion`: {query, total}, a corrected query to offer instead of the one typed, or null.
function renderSuggestion(suggestion) {
  if (!suggestion) return;
  const text = suggestion.query;
  const link = $("suggestion").querySelector("a");
  link.textContent = text;
  link.onclick = (event) => {
    event.preventDefault();
    $("q").value = text;
    run(paramsFromForm(0), true);
  };
  $("suggestion").hidden = false;
}

const FACET_NAMES = { source: "المصادر", month: "الأشهر", day: "الأيام" };
const FACETS_SHOWN = 10;

// What clicking a facet value does: a source becomes the source filter, a month or a day the date filters.
function facetFilter(name, value) {
  if (value === null || value === undefined) return null;
  if (name === "source") return () => { $("source").value = String(value); };
  const month = /^(\d{4})-(\d{2})$/.exec(value);
  if (name === "month" && month) {
    const last = new Date(Number(month[1]), Number(month[2]), 0).getDate();
    return () => { $("since").value = `${value}-01`; $("until").value = `${value}-${String(last).padStart(2, "0")}`; };
  }
  if (name === "day" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return () => { $("since").value = $("until").value = value; };
  return null;
}

function facetItem(name, { value, count }) {
  const missing = name === "source" ? "بلا مصدر" : "بلا تاريخ";
  const label = `${value === null || value === undefined ? missing : value} (${count})`;
  const apply = facetFilter(name, value);
  if (!apply) return element("li", "", label);
  const button = element("button", "", label);
  button.type = "button";
  button.onclick = () => {
    apply();
    run(paramsFromForm(0), true);
  };
  return element("li", "", button);
}

// `facets`: {name: [{value, count}, ...]} (value null: documents without one), as SearchResults.facets gives
// them. The first FACETS_SHOWN values of each are listed, the rest folded.
function renderFacets(facets) {
  if (!facets) return;
  const box = $("facets");
  for (const [name, rows] of Object.entries(facets)) {
    if (!rows.length) continue;
    const items = rows.map((row) => facetItem(name, row));
    box.append(element("h3", "", FACET_NAMES[name] || name), element("ul", "", ...items.slice(0, FACETS_SHOWN)));
    if (items.length > FACETS_SHOWN) {
      const more = element("summary", "", `و${items.length - FACETS_SHOWN} أخرى`);
      box.append(element("details", "", more, element("ul", "", ...items.slice(FACETS_SHOWN))));
    }
  }
  box.hidden = !box.childElementCount;
}

function start() {
  const initial = formFromUrl();
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    run(paramsFromForm(0), true);
  });
  for (const id of ["since", "until", "sort", "all"]) $(id).addEventListener("change", () => {
    if ($("q").value.trim()) run(paramsFromForm(0), true);
  });
  window.addEventListener("popstate", () => run(formFromUrl(), false));
  run(initial, false);
}

start();
