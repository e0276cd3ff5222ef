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
  let response = null;
  let data = null;
  try {
    response = await fetch("/api/search?" + api);
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (mine !== latest) return;
  if (!response || !data || !response.ok) {
    showError(response, data);
    return;
  }
  render(data, Number(params.get("offset") || 0));
}

// What went wrong, in Arabic; the server's own words (English) follow, isolated left-to-right.
const ERRORS = {
  400: "لم يُفهم البحث",
  404: "غير موجود",
  413: "الطلب أكبر مما يُقبل",
  429: "طلبات كثيرة في وقت قصير: انتظر قليلًا ثم أعد المحاولة",
  500: "خطأ في الخادم",
  503: "استغرق الطلب وقتًا أطول من المسموح: جرّب بحثًا أقصر أو أعد المحاولة بعد قليل",
};

function showError(response, data) {
  clear();
  const status = response ? response.status : 0;
  let text = ERRORS[status] || (response ? `خطأ (${status})` : "تعذّر الاتصال بالخادم");
  const retry = response && response.headers.get("Retry-After");
  if (status === 429 && retry) text += ` (بعد ${retry} ث)`;
  setStatus(text, true);
  const detail = data && data.error;
  if (detail) {
    const original = element("bdi", "detail", detail);
    original.dir = "ltr";
    $("status").append(": ", original);
  }
}

function clear() {
  $("results").replaceChildren();
  $("facets").replaceChildren();
  $("facets").hidden = $("suggestion").hidden = $("pager").hidden = $("partial").hidden = true;
  $("prev").disabled = $("next").disabled = true;
  $("prev").onclick = $("next").onclick = null;
  $("page").textContent = "";
  setStatus("");
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

// Folded copies (the default) page by stories: `groups` says how many there are; every copy (all=true) by
// documents.
function pageCount(data) {
  const items = typeof data.groups === "number" ? data.groups : data.total;
  return Math.ceil(Math.min(items, MAX_OFFSET + PAGE_SIZE) / PAGE_SIZE);
}

function render(data, offset) {
  const hits = data.hits || [];
  const shown = hits.length ? ` (${hits[0].rank}–${hits[hits.length - 1].rank})` : "";
  const stories = typeof data.groups === "number" && data.groups !== data.total ? ` في ${data.groups} خبرًا` : "";
  setStatus(`${data.total} نتيجة${stories}${shown} في ${Math.round(data.elapsed_ms)} م.ث`);
  if (!hits.length) setStatus(data.total ? "لا نتائج في هذه الصفحة" : "لا نتائج", false);
  $("partial").hidden = !data.partial;
  $("results").replaceChildren(...hits.map(renderHit));
  renderSuggestion(data.suggestion);
  renderFacets(data.facets);
  const pages = pageCount(data);
  const current = Math.floor(offset / PAGE_SIZE) + 1;
  $("pager").hidden = pages <= 1 && offset <= 0;
  $("page").textContent = `صفحة ${current} من ${Math.max(pages, current)}`;
  $("prev").disabled = offset <= 0;
  $("next").disabled = current >= pages || offset + PAGE_SIZE > MAX_OFFSET;
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

// A URL or an id as written, isolated left-to-right so that Arabic in it is not reordered with the text around.
function isolated(text) {
  const node = element("bdi", "ltr", text);
  node.dir = "ltr";
  return node;
}

// A URL as people read it: Arabic in its path decoded from %XX (the link itself keeps the encoded form).
function readable(url) {
  try {
    return decodeURI(url);
  } catch (error) {
    return url;
  }
}

// `duplicates`: the {id, source, date} of the near-copies folded into this hit. Each is listed by its id (its URL
// when it has one); opening the list fetches their titles and links (/api/documents/ID).
function renderDuplicates(duplicates) {
  if (!duplicates || !duplicates.length) return null;
  const items = duplicates.map((d) => {
    const item = element("li", "", element("span", "copy-title", isolated(d.id)), " ",
                         element("span", "meta", describe(d)));
    item.dataset.id = d.id;
    return item;
  });
  const count = duplicates.length;
  const label = count === 1 ? "نسخة أخرى من الخبر" : count === 2 ? "نسختان أخريان من الخبر" : `${count} نسخ أخرى من الخبر`;
  const box = element("details", "duplicates", element("summary", "", label), element("ul", "", ...items));
  box.addEventListener("toggle", () => { if (box.open) fillCopies(items); }, { once: true });
  return box;
}

async function fillCopies(items) {
  await Promise.all(items.map(async (item) => {
    let doc;
    try {
      const response = await fetch("/api/documents/" + encodeURIComponent(item.dataset.id).replace(/%2F/g, "/"));
      if (!response.ok) return;
      doc = await response.json();
    } catch (error) {
      return;
    }
    const url = safeUrl(doc.url) || safeUrl(doc.id);
    const title = element("span", "copy-title", doc.title || isolated(doc.id));
    let head = title;
    if (url) {
      head = element("a", "copy-title", ...title.childNodes);
      head.href = url;
      head.rel = "noopener noreferrer";
    }
    const parts = [head, " ", element("span", "meta", describe(doc))];
    if (url) parts.push(element("div", "url", isolated(readable(url))));
    item.replaceChildren(...parts);
  }));
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
// The screens on which the facets are folded below the hits (as style.css lays them out).
const NARROW = "(max-width: 40rem)";

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
  const aside = $("facets");
  let box = aside;
  if (window.matchMedia(NARROW).matches) {  // below the hits, folded: the hits come first on a phone
    box = element("details", "facets-fold", element("summary", "", "تصفية النتائج: المصادر والتواريخ"));
    aside.append(box);
  }
  for (const [name, rows] of Object.entries(facets)) {
    if (!rows.length) continue;
    const items = rows.map((row) => facetItem(name, row));
    box.append(element("h3", "", FACET_NAMES[name] || name), element("ul", "", ...items.slice(0, FACETS_SHOWN)));
    if (items.length > FACETS_SHOWN) {
      const more = element("summary", "", `و${items.length - FACETS_SHOWN} أخرى`);
      box.append(element("details", "", more, element("ul", "", ...items.slice(FACETS_SHOWN))));
    }
  }
  aside.hidden = !(box === aside ? aside.childElementCount : box.childElementCount > 1);
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
