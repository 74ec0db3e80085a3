"use strict";
// newswatch console front end: plain DOM, no framework. Text from the store is set with
// textContent; only the server's evidence HTML (escaped, with <mark>) is set as HTML.

const SEVERITIES = ["info", "low", "medium", "high", "critical"];
const state = { session: null, fresh: new Set(), listTimer: null, view: "alerts", world: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function ago(iso) {
  if (!iso) return "-";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s >= 86400) return Math.floor(s / 86400) + "d ago";
  if (s >= 3600) return Math.floor(s / 3600) + "h ago";
  if (s >= 60) return Math.floor(s / 60) + "m ago";
  return s + "s ago";
}

function when(iso) {
  return iso ? iso.replace("T", " ").replace("+00:00", " UTC") : "-";
}

function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message || "";
  box.hidden = !message;
}

async function api(path, options) {
  const opts = Object.assign({ headers: {}, credentials: "same-origin" }, options || {});
  if (opts.method && opts.method !== "GET") {
    opts.headers["Content-Type"] = "application/json";
    opts.headers["X-CSRF-Token"] = state.session ? state.session.csrf : "";
  }
  const response = await fetch(path, opts);
  if (response.status === 401) { location.href = "/login"; throw new Error("sign in"); }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function link(url, text) {
  return url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, text) : text;
}

function severityBadge(sev) { return el("span", { class: "sev sev-" + sev }, sev); }

// ---- alerts list -------------------------------------------------------------------------

function filterParams() {
  const form = document.getElementById("filters");
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(form).entries()) if (v) params.set(k, v.trim());
  return params;
}

async function loadAlerts() {
  const params = filterParams();
  const body = await api("/api/alerts?" + params.toString());
  const rows = body.alerts.map((a) => el("tr", {
    class: (state.fresh.has(a.id) ? "fresh " : "") + (a.silenced ? "silenced" : ""),
    "data-id": a.id, onclick: () => { location.hash = "#/alert/" + a.id; },
  },
    el("td", { title: when(a.updated_at) }, ago(a.updated_at)),
    el("td", {}, severityBadge(a.severity)),
    el("td", {}, a.state + (a.silenced ? " (silenced)" : "")),
    el("td", {}, a.rule_id),
    el("td", {}, a.primary_country || "-"),
    el("td", { class: "num" }, a.source_count),
    el("td", { class: "num" }, a.article_count),
    el("td", {}, el("a", { href: "#/alert/" + a.id }, a.title)),
  ));
  document.querySelector("#alerts tbody").replaceChildren(...rows);
  document.getElementById("count").textContent =
    body.total + " alert(s)" + (body.total > body.alerts.length ? ", newest " + body.alerts.length + " shown" : "");
  setTimeout(() => state.fresh.clear(), 4000);
}

function scheduleList() {
  clearTimeout(state.listTimer);
  state.listTimer = setTimeout(() => loadAlerts().catch((e) => showError(e.message)), 50);
}

async function loadFacets() {
  const body = await api("/api/facets");
  const select = document.querySelector("#filters select[name=rule]");
  const current = select.value;
  select.replaceChildren(el("option", { value: "" }, "any"),
    ...body.rules.map((r) => el("option", { value: r }, r)));
  select.value = current;
}

// ---- one alert ---------------------------------------------------------------------------

function actionBar(a) {
  const may = state.session && state.session.may_act;
  const comment = el("input", { name: "comment", placeholder: "comment", size: "30" });
  const run = (action) => async () => {
    try {
      await api("/api/alerts/" + a.id + "/" + action, { method: "POST",
        body: JSON.stringify({ comment: comment.value }) });
      showError("");
      await showAlert(a.id);
    } catch (e) { showError(e.message); }
  };
  const ack = el("button", { id: "ack", onclick: run("ack"),
    disabled: !may || a.state === "acknowledged" || a.state === "resolved" }, "Acknowledge");
  const res = el("button", { id: "resolve", onclick: run("resolve"),
    disabled: !may || a.state === "resolved" }, "Resolve");
  return el("div", { class: "actions" }, comment, ack, res,
    may ? null : el("span", { class: "muted" }, " read-only"));
}

function silenceForm(a) {
  const may = state.session && state.session.may_act;
  const boxes = [["rule", a.rule_id], ["country", a.primary_country], ["story", a.story_id]]
    .filter(([, v]) => v)
    .map(([f, v], i) => el("label", {}, el("input", { type: "checkbox", name: "matcher",
      value: f + "=" + v, checked: i === 0 }), " " + f + "=" + v));
  const duration = el("select", { name: "duration" },
    ...["1h", "2h", "6h", "24h", "7d"].map((d) => el("option", { value: d, selected: d === "2h" }, d)));
  const comment = el("input", { name: "silence-comment", placeholder: "why", size: "30" });
  const form = el("form", { id: "silence-form", class: "silence", onsubmit: async (ev) => {
    ev.preventDefault();
    const matchers = [...form.querySelectorAll("input[name=matcher]:checked")].map((b) => b.value);
    try {
      const body = await api("/api/silences", { method: "POST", body: JSON.stringify({
        matchers, duration: duration.value, comment: comment.value }) });
      showError("");
      document.getElementById("silence-result").textContent =
        "silence " + body.silence.id + " (" + body.silence.matchers + ") until " +
        when(body.silence.ends_at) + "; covers " + body.covered + " open alert(s)";
      await showAlert(a.id);
    } catch (e) { showError(e.message); }
  } }, el("strong", {}, "Silence "), ...boxes, " for ", duration, " ", comment,
    el("button", { type: "submit", disabled: !may }, "Silence"));
  return el("div", {}, form, el("p", { id: "silence-result", class: "muted" }));
}

function articleView(art) {
  const title = el("h4", {});
  title.innerHTML = art.title_html;  // server-escaped, evidence in <mark>
  const text = el("p", { class: "text" });
  text.innerHTML = art.text_html;
  const tags = Object.entries(art.tags).filter(([, v]) => v.length)
    .map(([k, v]) => el("span", { class: "tag" }, k + ": " + v.join(", ")));
  return el("article", { class: "kept" }, title,
    el("p", { class: "muted" }, art.source || "", " · ", when(art.published_at), " · ",
      link(art.url, "open article")),
    text, el("p", { class: "tags" }, ...tags));
}

async function showAlert(id) {
  const body = await api("/api/alerts/" + encodeURIComponent(id));
  const a = body.alert;
  const s = body.story;
  const view = document.getElementById("view-alert");
  view.replaceChildren(
    el("p", {}, el("a", { href: "#/alerts" }, "← alerts")),
    el("h2", {}, severityBadge(a.severity), " ", a.title),
    el("dl", { class: "facts" },
      el("dt", {}, "State"), el("dd", { id: "alert-state" }, a.state + (a.silenced ? " (silenced)" : "")
        + (a.acknowledged_by ? " · acknowledged by " + a.acknowledged_by : "")
        + (a.resolved_by ? " · resolved by " + a.resolved_by : "")),
      el("dt", {}, "Rule"), el("dd", {}, a.rule_id + ": " + a.rule_name),
      el("dt", {}, "Why"), el("dd", {}, a.summary || "-"),
      el("dt", {}, "Where"), el("dd", {}, [a.primary_country, ...a.countries.filter((c) => c !== a.primary_country)].filter(Boolean).join(", ") || "-",
        a.admin1.length ? " · " + a.admin1.join(", ") : ""),
      el("dt", {}, "Who / what"), el("dd", {}, (a.actors.join(", ") || "-") + " · " + (a.event_types.join(", ") || "-")),
      el("dt", {}, "Seen"), el("dd", {}, when(a.first_seen_at) + " → " + when(a.last_seen_at) + " · " +
        a.article_count + " article(s), " + a.source_count + " source(s)"),
      el("dt", {}, "Id"), el("dd", { class: "mono" }, a.id + " v" + a.version)),
    actionBar(a),
    silenceForm(a),
    body.others.length ? el("p", { id: "other-rules" }, "Other rules on this story: ",
      ...body.others.map((o, i) => [i ? ", " : "", el("a", { href: "#/alert/" + o.id }, o.rule_id),
        " (" + o.severity + ", " + o.state + ")"])) : null,
    el("h3", {}, "Story"),
    s ? el("div", {},
      el("p", {}, s.title, el("span", { class: "muted" }, " · " + s.article_count + " article(s) from " +
        s.source_count + " source(s): " + s.sources.join(", "))),
      el("table", { class: "story" }, el("thead", {}, el("tr", {}, el("th", {}, "Published"),
        el("th", {}, "Source"), el("th", {}, "Title"))),
        el("tbody", {}, ...s.articles.map((x) => el("tr", {}, el("td", {}, when(x.published_at)),
          el("td", {}, x.source), el("td", {}, link(x.url, x.title))))))) :
      el("p", { class: "muted" }, "the story has expired from the index"),
    el("h3", {}, "Evidence"),
    body.articles.length ? el("div", {}, ...body.articles.map(articleView)) :
      el("p", { class: "muted" }, "no kept articles"),
    el("h3", {}, "History"),
    el("table", { class: "history" }, el("tbody", {}, ...body.history.map((h) => el("tr", {},
      el("td", {}, "v" + h.version), el("td", {}, when(h.at)), el("td", {}, h.change),
      el("td", {}, h.by || ""), el("td", {}, h.comment || ""))))),
  );
}

// ---- map ---------------------------------------------------------------------------------

async function showMap() {
  if (!state.world) state.world = await (await fetch("/static/world.json")).json();
  const params = new URLSearchParams();
  const chosen = document.querySelector("#filters select[name=state]").value;
  if (chosen) params.set("state", chosen);
  const found = await api("/api/map?" + params.toString());
  const counts = found.countries;
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + state.world.width + " " + (state.world.height - 75));
  svg.setAttribute("id", "world");
  for (const [code, c] of Object.entries(state.world.countries)) {
    if (code === "AQ") continue;  // Antarctica: no news desk there, and it eats the page
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", c.d);
    const hit = counts[code];
    path.setAttribute("class", "country" + (hit ? " sev-" + hit.max : ""));
    path.setAttribute("data-code", code);
    const title = document.createElementNS(NS, "title");
    title.textContent = c.name + (hit ? ": " + hit.total + " alert(s), highest " + hit.max : "");
    path.append(title);
    if (hit) path.addEventListener("click", () => {
      document.querySelector("#filters input[name=admin1]").value = "";
      document.querySelector("#filters input[name=country]").value = code;
      location.hash = "#/alerts";
    });
    svg.append(path);
  }
  for (const [code, d] of Object.entries(found.divisions)) {
    const point = state.world.divisions[code];
    if (!point) continue;
    const circle = document.createElementNS(NS, "circle");
    circle.setAttribute("cx", point[0]);
    circle.setAttribute("cy", point[1]);
    circle.setAttribute("r", String(Math.min(12, 3 + 2 * Math.sqrt(d.total))));
    circle.setAttribute("class", "division sev-" + d.max);
    circle.setAttribute("data-code", code);
    const title = document.createElementNS(NS, "title");
    title.textContent = point[2] + " (" + code + "): " + d.total + " alert(s), highest " + d.max;
    circle.append(title);
    circle.addEventListener("click", () => {
      document.querySelector("#filters input[name=country]").value = "";
      document.querySelector("#filters input[name=admin1]").value = code;
      location.hash = "#/alerts";
    });
    svg.append(circle);
  }
  document.getElementById("map").replaceChildren(svg);
  document.getElementById("legend").replaceChildren(...SEVERITIES.slice().reverse().map((s) =>
    el("li", {}, el("span", { class: "swatch sev-" + s }), " " + s)));
}

// ---- feeds and silences ------------------------------------------------------------------

async function showFeeds() {
  const body = await api("/api/feeds");
  document.getElementById("feeds-note").textContent = [body.note, ...(body.errors || [])]
    .filter(Boolean).join(" · ");
  document.querySelector("#feeds tbody").replaceChildren(...body.feeds.map((f) => el("tr", {},
    el("td", {}, link(f.url, f.name)),
    el("td", {}, el("span", { class: "health h-" + f.health }, f.health + (f.stale ? " (stale)" : ""))),
    el("td", { title: f.last_success || "" }, ago(f.last_success)),
    el("td", {}, f.last_status ?? "-"),
    el("td", { class: "num" }, f.items_last_24h),
    el("td", { class: "num" }, f.items_published),
    el("td", { class: "num" }, f.errors),
    el("td", {}, f.last_error || ""))));
}

async function showSilences() {
  const body = await api("/api/silences");
  const may = state.session && state.session.may_act;
  document.querySelector("#silences tbody").replaceChildren(...body.silences.map((s) => el("tr", {
    class: s.active ? "" : "muted" },
    el("td", { class: "mono" }, s.id), el("td", {}, s.matchers), el("td", {}, when(s.ends_at)),
    el("td", {}, s.by), el("td", {}, s.comment),
    el("td", {}, s.active && may ? el("button", { onclick: async () => {
      try { await api("/api/silences/" + s.id + "/end", { method: "POST", body: "{}" }); await showSilences(); }
      catch (e) { showError(e.message); }
    } }, "end") : (s.active ? "in force" : "ended")))));
}

// ---- routing and live updates ------------------------------------------------------------

async function route() {
  const hash = location.hash || "#/alerts";
  const [, view, id] = hash.split("/");
  state.view = view;
  for (const section of document.querySelectorAll(".view")) section.hidden = true;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === view);
  showError("");
  try {
    if (view === "alert" && id) { document.getElementById("view-alert").hidden = false; await showAlert(decodeURIComponent(id)); }
    else if (view === "map") { document.getElementById("view-map").hidden = false; await showMap(); }
    else if (view === "feeds") { document.getElementById("view-feeds").hidden = false; await showFeeds(); }
    else if (view === "silences") { document.getElementById("view-silences").hidden = false; await showSilences(); }
    else { state.view = "alerts"; document.getElementById("view-alerts").hidden = false; await loadAlerts(); }
  } catch (e) { showError(e.message); }
}

function connectLive() {
  const badge = document.getElementById("live");
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => { badge.className = "live on"; });
  source.addEventListener("error", () => { badge.className = "live off"; });
  source.addEventListener("alerts", (ev) => {
    const changed = JSON.parse(ev.data);
    for (const a of changed) state.fresh.add(a.id);
    window.newswatchLastEvent = { at: Date.now(), ids: changed.map((a) => a.id) };
    if (state.view === "alerts") scheduleList();
    else if (state.view === "map") showMap().catch((e) => showError(e.message));
  });
}

async function start() {
  state.session = await api("/api/session");
  document.getElementById("who").textContent = state.session.user + " (" + state.session.role + ")";
  document.getElementById("logout").hidden = !state.session.auth;
  const form = document.getElementById("filters");
  form.addEventListener("change", scheduleList);
  form.addEventListener("input", scheduleList);
  form.addEventListener("reset", () => setTimeout(scheduleList, 0));
  window.addEventListener("hashchange", route);
  await loadFacets().catch(() => {});
  await route();
  connectLive();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", () => { start().catch((e) => showError(e.message)); });
