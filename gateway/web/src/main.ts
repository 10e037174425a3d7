// The common operational picture: sign-in, the map and its time window, the coverage
// gaps, the details of a zone, incident or deployment with their decisions and history,
// and the work on them, kept live by WatchOperationalPicture.
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { Unit } from "../../../clients/typescript/gen/tansiq/forces/v1/unit_pb.js";
import { DeploymentSchema, DeploymentState, type Deployment } from "../../../clients/typescript/gen/tansiq/gateway/v1/deployment_pb.js";
import { PictureChangeType, type ZonePicture } from "../../../clients/typescript/gen/tansiq/gateway/v1/picture_pb.js";
import { ThreatLevel, type Zone } from "../../../clients/typescript/gen/tansiq/gateway/v1/zone_pb.js";
import { CasualtySide, IncidentKind, IncidentSchema, IncidentState, type Incident } from "../../../clients/typescript/gen/tansiq/incident/v1/incident_pb.js";
import { GeoPrecision } from "../../../clients/typescript/gen/tansiq/type/v1/lat_lng_pb.js";
import * as api from "./api";
import { $, fill, h } from "./dom";
import { currentLang, fmtTime, initialLang, languages, localized, setLang, t, utcTitle, type Lang } from "./i18n";
import { OperationalMap, slug } from "./map";
import * as session from "./session";
import { custom, dayInput, lastDay, preset, startOfDay, type TimeWindow } from "./window";
import "./app.css";

type Selection =
  | { kind: "none" }
  | { kind: "zone"; zone: string }
  | { kind: "incident"; name: string }
  | { kind: "deployment"; name: string }
  | { kind: "propose"; zone: string }
  | { kind: "new-incident"; lat: number; lng: number };

const state = {
  window: preset("last30"),
  pictures: new Map<string, ZonePicture>(),
  zones: [] as Zone[],
  units: [] as Unit[],
  forces: [] as string[],
  selection: { kind: "none" } as Selection,
  recording: false,
  watch: null as AbortController | null,
  resumeToken: "",
};

let map: OperationalMap;

// time shows an instant in Baghdad time, with UTC on hover.
function time(ts: Timestamp | undefined): HTMLElement | string {
  if (!ts) return "";
  const d = timestampDate(ts);
  return h("time", { datetime: d.toISOString(), title: utcTitle(d) }, fmtTime(d));
}

function zoneName(zone: string): string {
  const z = state.zones.find((x) => x.name === zone);
  return localized(z?.displayName ?? state.pictures.get(zone)?.zoneDisplayName) || zone;
}

function forceName(force: string): string {
  return t("force." + slug(force));
}

function unitName(unit: string): string {
  const u = state.units.find((x) => x.name === unit);
  return u ? localized(u.displayName) : unit;
}

function canAct(): boolean {
  const p = session.person();
  return !!p && (p.role === "operator" || p.role === "commander");
}

// --- the shell ---------------------------------------------------------------------

function shell(): void {
  const app = $("#app");
  app.replaceChildren(
    h("main", { class: "layout" }, h("div", { id: "map", dir: "ltr" }), h("aside", { id: "panel", "aria-live": "polite" })),
    h("div", { id: "toast", role: "status" }));
  rebuildHeader();
  map = new OperationalMap($("#map"), {
    zone: (zone) => select({ kind: "zone", zone }),
    incident: (name) => select({ kind: "incident", name }),
    deployment: (d) => select({ kind: "deployment", name: d.name }),
    click: (lat, lng) => {
      if (!state.recording) return;
      toggleRecording();
      select({ kind: "new-incident", lat, lng });
    },
  });
}

function whoAmI(): HTMLElement {
  const p = session.person();
  if (!p) return h("span", { id: "who" });
  return h("span", { id: "who", title: p.subject },
    h("span", { class: "who-name" }, p.name), " · ", forceName(p.force), " · ", t("role." + p.role),
    h("button", { type: "button", id: "signout", onclick: () => signOut() }, t("signin.out")));
}

function windowControl(): HTMLElement {
  const w = state.window;
  const from = h("input", { type: "date", id: "from", value: dayInput(w.start), "aria-label": t("window.from") });
  const to = h("input", { type: "date", id: "to", value: lastDay(w), "aria-label": t("window.to") });
  const range = h("span", { class: "range", hidden: w.preset !== "custom" }, from, "–", to,
    h("button", { type: "button", id: "apply", onclick: () => {
      const c = custom(from.value, to.value);
      if (!c) return toast(t("window.invalid"));
      setWindow(c);
    } }, t("window.apply")));
  const choose = h("select", { id: "preset", "aria-label": t("window.label"), onchange: (e) => {
    const v = (e.target as HTMLSelectElement).value as TimeWindow["preset"];
    if (v === "custom") {
      range.hidden = false;
      return;
    }
    setWindow(preset(v));
  } }, (["last7", "last30", "custom"] as const).map((p) => h("option", { value: p, selected: p === w.preset }, t("window." + p))));
  return h("div", { class: "window" }, h("span", { class: "window-label" }, t("window.label")), choose, range,
    h("span", { id: "window-shown", class: "window-shown" }, time(timestampFromDate(w.start)), " → ", time(timestampFromDate(w.end))));
}

function switchLang(l: Lang): void {
  setLang(l);
  rebuildHeader();
  map.relabel(new Map(state.zones.map((z) => [z.name, localized(z.displayName)])));
  map.showPictures(state.pictures);
  render();
}

function rebuildHeader(): void {
  const old = document.querySelector("header.bar");
  const app = $("#app");
  const bar = h("header", { class: "bar" },
    h("h1", {}, t("app.title")),
    windowControl(),
    h("button", { id: "record", type: "button", class: state.recording ? "on" : "", "aria-pressed": String(state.recording), onclick: toggleRecording, hidden: !canAct() }, t("incident.record")),
    h("label", { class: "lang" }, h("span", { class: "sr" }, t("lang.choose")),
      h("select", { id: "lang", onchange: (e) => switchLang((e.target as HTMLSelectElement).value as Lang) },
        languages.map((l) => h("option", { value: l, selected: l === currentLang() }, t("lang." + l))))),
    whoAmI());
  if (old) old.replaceWith(bar);
  else app.prepend(bar);
  document.title = t("app.title");
}

function toggleRecording(): void {
  state.recording = !state.recording;
  const b = document.querySelector("#record");
  b?.classList.toggle("on", state.recording);
  b?.setAttribute("aria-pressed", String(state.recording));
  $("#map").classList.toggle("recording", state.recording);
  if (state.recording) toast(t("incident.clickMap"));
}

let toastTimer = 0;
function toast(text: string): void {
  const el = $("#toast");
  el.textContent = text;
  el.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el.classList.remove("show"), 4000);
}

function refusalBox(err: unknown): HTMLElement {
  const r = api.refusal(err);
  return h("div", { class: "refusal", role: "alert" },
    h("strong", {}, r.title),
    r.message ? h("p", { class: "refusal-message", lang: "en", dir: "ltr" }, r.message) : null,
    r.fields.length ? h("ul", {}, r.fields.map((f) => h("li", {}, h("span", { class: "field" }, f.field), ": ", h("span", { lang: "en", dir: "ltr" }, f.description)))) : null);
}

// failed shows an error where the work was done, and sends the person back to sign-in
// when the token is no longer accepted.
function failed(where: HTMLElement, err: unknown): void {
  if (api.isCanceled(err)) return;
  if (api.isUnauthenticated(err)) {
    signOut(t("signin.expired"));
    return;
  }
  where.querySelector(".refusal")?.remove();
  where.prepend(refusalBox(err));
}

// --- sign-in -------------------------------------------------------------------------

async function showSignIn(message = ""): Promise<void> {
  const tokenField = h("textarea", { id: "token", rows: "4", spellcheck: "false", autocomplete: "off", dir: "ltr", "aria-label": t("signin.token") });
  const err = h("p", { class: "signin-error", role: "alert" }, message);
  const dev = h("div", { class: "dev-signin" });
  const box = h("div", { id: "signin", class: "overlay", role: "dialog", "aria-modal": "true", "aria-labelledby": "signin-title" },
    h("div", { class: "signin-box" },
      h("h2", { id: "signin-title" }, t("signin.title")),
      h("label", { for: "token" }, t("signin.token")),
      tokenField,
      h("button", { type: "button", id: "signin-submit", onclick: () => {
        try {
          session.signIn(tokenField.value);
          start();
        } catch {
          err.textContent = t("signin.malformed");
        }
      } }, t("signin.submit")),
      err, dev));
  document.querySelector("#signin")?.remove();
  document.body.append(box);
  const ids = await api.devIdentities();
  if (ids.length) {
    dev.append(h("h3", {}, t("signin.dev")), h("p", { class: "hint" }, t("signin.devHint")),
      ...ids.map((id) => h("button", { type: "button", class: "dev-identity", "data-subject": id.subject, "data-force": id.force, onclick: () => {
        session.signIn(id.token);
        start();
      } }, h("strong", {}, forceName(id.force)), " · ", t("role." + id.role), h("small", { dir: "ltr" }, id.displayName))));
  }
}

function signOut(message = ""): void {
  state.watch?.abort();
  session.signOut();
  state.pictures.clear();
  rebuildHeader();
  render();
  void showSignIn(typeof message === "string" ? message : "");
}

function start(): void {
  document.querySelector("#signin")?.remove();
  rebuildHeader();
  void loadReference();
  watch();
}

// --- data ------------------------------------------------------------------------------

async function loadReference(): Promise<void> {
  try {
    const zones: Zone[] = [];
    let pageToken = "";
    do {
      const res = await api.zones.listZones({ pageSize: 200, pageToken });
      zones.push(...res.zones);
      pageToken = res.nextPageToken;
    } while (pageToken);
    state.zones = zones;
    map.setZones(zones);
    map.showPictures(state.pictures);
    const f = await api.forces.listForces({ pageSize: 50 });
    state.forces = f.forces.map((x) => x.name);
    const units: Unit[] = [];
    for (const force of state.forces) {
      let tok = "";
      do {
        const res = await api.forces.listUnits({ parent: force, pageSize: 500, pageToken: tok });
        units.push(...res.units);
        tok = res.nextPageToken;
      } while (tok);
    }
    state.units = units;
    map.showUnits(units);
    render();
  } catch (e) {
    failed($("#panel"), e);
  }
}

function setWindow(w: TimeWindow): void {
  state.window = w;
  rebuildHeader();
  state.pictures.clear();
  state.resumeToken = "";
  watch();
}

// watch follows the operational picture of every zone in the window: a snapshot of each
// zone first, then each change as it is stored. It resumes after a dropped connection.
function watch(): void {
  state.watch?.abort();
  const ctl = new AbortController();
  state.watch = ctl;
  const w = state.window;
  void (async () => {
    for (let attempt = 0; !ctl.signal.aborted; attempt++) {
      try {
        const stream = api.coverage.watchOperationalPicture(
          { zone: "zones/-", resumeToken: state.resumeToken, startTime: timestampFromDate(w.start), endTime: timestampFromDate(w.end) },
          { signal: ctl.signal });
        for await (const res of stream) {
          attempt = 0;
          const c = res.change;
          state.resumeToken = res.resumeToken;
          if (!c) continue;
          if (c.type === PictureChangeType.REMOVED) state.pictures.delete(c.zone);
          else if (c.picture) state.pictures.set(c.zone, c.picture);
          changed.add(c.zone);
          scheduleRender();
        }
      } catch (e) {
        if (ctl.signal.aborted) return;
        if (api.isUnauthenticated(e)) return signOut(t("signin.expired"));
        if (api.isOutOfRange(e)) state.resumeToken = ""; // too old to resume: start afresh
        $("#panel").classList.add("offline");
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
    }
  })();
}

// The zones whose pictures changed since the last frame drawn.
const changed = new Set<string>();
let renderQueued = false;
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    $("#panel").classList.remove("offline");
    map.showPictures(state.pictures);
    render(true);
    changed.clear();
  });
}

// shownZone is the zone whose picture the open details show, if any.
function shownZone(s: Selection): string | undefined {
  if (s.kind === "zone") return s.zone;
  if (s.kind === "deployment") return findDeployment(s.name)?.zone;
  return undefined;
}

// --- the panel -----------------------------------------------------------------------

function select(s: Selection): void {
  if (s.kind !== "zone") map.showVacuum(null);
  state.selection = s;
  render();
}

// render draws the gaps and the selected details. A live update leaves an open form alone.
function render(live = false): void {
  const panel = document.querySelector<HTMLElement>("#panel");
  if (!panel) return;
  const gaps = gapList();
  const old = panel.querySelector(".gaps");
  if (old) old.replaceWith(gaps);
  else panel.prepend(gaps);
  const s = state.selection;
  // A live update redraws the details only when their zone changed, and never an open form.
  if (live && (s.kind === "propose" || s.kind === "new-incident" || s.kind === "incident")) return;
  const zone = shownZone(s);
  if (live && panel.querySelector(".details") && (zone === undefined || !changed.has(zone))) return;
  const details = h("section", { class: "details" });
  panel.querySelector(".details")?.remove();
  panel.append(details);
  switch (s.kind) {
    case "zone":
      details.append(zoneDetails(s.zone));
      break;
    case "incident":
      void incidentDetails(details, s.name);
      break;
    case "deployment":
      details.append(deploymentDetails(s.name));
      break;
    case "propose":
      details.append(proposeForm(s.zone));
      break;
    case "new-incident":
      details.append(incidentForm(s.lat, s.lng));
      break;
    default:
      details.append(h("p", { class: "hint" }, session.person() ? t("panel.hint") : ""));
  }
}

function gapList(): HTMLElement {
  const gaps = [...state.pictures.values()].filter((p) => p.coverageGap).sort((a, b) => b.coverageGap!.score - a.coverageGap!.score);
  return h("section", { class: "gaps" },
    h("h2", {}, t("gaps.title")),
    state.pictures.size === 0 ? h("p", { class: "hint" }, session.person() ? t("gaps.loading") : "") :
      gaps.length === 0 ? h("p", { class: "hint", id: "no-gaps" }, t("gaps.none")) :
        h("ul", {}, gaps.map((p) => {
          const g = p.coverageGap!;
          return h("li", {}, h("button", { type: "button", class: "gap-item", "data-zone": p.zone, onclick: () => select({ kind: "zone", zone: p.zone }) },
            h("span", { class: "gap-name" }, zoneName(p.zone)),
            h("span", { class: "threat threat--" + ThreatLevel[p.threatLevel] }, t("threat." + ThreatLevel[p.threatLevel])),
            h("span", { class: "gap-count" }, t("gap.incidents", { count: g.incidentCount }), " · ", t("gap.casualties", { count: g.casualties }))));
        })));
}

function zoneDetails(zone: string): HTMLElement {
  const p = state.pictures.get(zone);
  const gap = p?.coverageGap;
  const el = h("article", { class: "zone-details", "data-zone": zone, "data-gap": String(!!gap) },
    h("h2", {}, zoneName(zone)),
    p ? h("p", {}, h("span", { class: "threat threat--" + ThreatLevel[p.threatLevel] }, t("threat." + ThreatLevel[p.threatLevel])), " ", h("span", { lang: "en", dir: "ltr", class: "reason" }, p.threatReason)) : null,
    gap ? h("div", { class: "gap-box" },
      h("strong", {}, t("gap.title")),
      h("p", {}, t("gap.incidents", { count: gap.incidentCount }), " · ", t("gap.casualties", { count: gap.casualties })),
      gap.lastIncident ? h("p", {}, t("gap.last"), " ", h("button", { type: "button", class: "link", onclick: () => select({ kind: "incident", name: gap.lastIncident }) }, gap.lastIncidentTitle), " · ", time(gap.lastIncidentTime)) : null,
      canAct() ? h("button", { type: "button", class: "propose primary", onclick: () => select({ kind: "propose", zone }) }, t("deployment.propose")) : null)
      : h("p", { class: "covered" }, p ? t("gap.none") : t("gaps.loading")));
  if (p) {
    el.append(
      section(t("deployment.proposed"), p.proposedDeployments.map(deploymentCard)),
      section(t("deployment.active"), p.activeDeployments.map(deploymentCard)),
      section(t("incident.recent"), p.recentIncidents.map((i) => h("li", {}, h("button", { type: "button", class: "link incident-item", "data-name": i.name, onclick: () => select({ kind: "incident", name: i.name }) }, i.title), " · ", time(i.occurTime), " · ", t("incident.casualties", { count: i.casualties })))),
      section(t("actions.title"), p.openActionItems.map((a) => h("li", {}, a.title, a.dueTime ? [" · ", t("actions.due"), " ", time(a.dueTime)] : null))));
  }
  el.append(vacuum(zone), history(zone));
  return el;
}

// vacuum shows where in the zone neither force nor a joint deployment was responsible in
// the window, on the map and in figures. A gateway without the vacuum shows none.
function vacuum(zone: string): HTMLElement {
  const el = h("section", { class: "vacuum-section" });
  const w = state.window;
  void api.coverage.getSecurityVacuum({ zone, startTime: timestampFromDate(w.start), endTime: timestampFromDate(w.end) }).then(
    (r) => {
      const v = r.vacuum;
      if (!v || state.selection.kind !== "zone" || state.selection.zone !== zone) return;
      map.showVacuum(v.geojson || null);
      el.append(h("h3", {}, t("vacuum.title")),
        h("p", { class: "vacuum-area" }, t("vacuum.area", { vacuum: Math.round(v.vacuumAreaKm2), zone: Math.round(v.zoneAreaKm2) })),
        h("p", {}, t("vacuum.incidents", { count: v.vacuumIncidents.length })));
    },
    () => map.showVacuum(null));
  return el;
}

function section(title: string, items: HTMLElement[]): HTMLElement {
  return h("section", {}, h("h3", {}, title), items.length ? h("ul", { class: "cards" }, items) : h("p", { class: "hint" }, t("list.empty")));
}

function deploymentCard(d: Deployment): HTMLElement {
  const me = session.person();
  const acked = new Set(d.acknowledgements.map((a) => a.force));
  const box = h("li", { class: "deployment", "data-name": d.name, "data-state": DeploymentState[d.state] });
  const canAck = canAct() && me && d.state === DeploymentState.PROPOSED && d.forces.includes(me.force) && !acked.has(me.force);
  const canCancel = canAct() && me && d.state === DeploymentState.PROPOSED && d.proposingForce === me.force;
  fill(box,
    h("button", { type: "button", class: "link", onclick: () => select({ kind: "deployment", name: d.name }) }, d.title || t("deployment.untitled")),
    h("p", {}, t("deployment.state." + DeploymentState[d.state]), " · ", time(d.startTime), d.endTime ? [" → ", time(d.endTime)] : null),
    h("p", { class: "units" }, d.units.map(unitName).join(currentLang() === "en" ? ", " : "، ")),
    h("ul", { class: "acks" }, d.forces.map((f) => h("li", { class: acked.has(f) ? "ack ack--yes" : "ack ack--no", "data-force": f },
      acked.has(f) ? "✔ " : "… ", forceName(f), " ", acked.has(f) ? t("deployment.acknowledged") : t("deployment.awaiting")))),
    canAck ? h("button", { type: "button", class: "ack-button primary", onclick: () => act(box, () => api.deployments.acknowledgeDeployment({ name: d.name, etag: d.etag, requestId: crypto.randomUUID() }), t("deployment.acknowledgedToast")) }, t("deployment.acknowledge")) : null,
    canCancel ? h("button", { type: "button", class: "cancel-button", onclick: () => act(box, () => api.deployments.cancelDeployment({ name: d.name, etag: d.etag, reason: t("deployment.cancelReason"), requestId: crypto.randomUUID() }), t("deployment.cancelledToast")) }, t("deployment.cancel")) : null);
  return box;
}

// act does one piece of work with the person's own token; the picture's stream brings
// its effect, and a refusal shows where the work was asked for.
async function act(where: HTMLElement, call: () => Promise<unknown>, done: string): Promise<void> {
  where.querySelectorAll("button").forEach((b) => (b.disabled = true));
  try {
    await call();
    toast(done);
  } catch (e) {
    failed(where, e);
  } finally {
    where.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }
}

function findDeployment(name: string): Deployment | undefined {
  for (const p of state.pictures.values()) {
    const d = [...p.activeDeployments, ...p.proposedDeployments].find((x) => x.name === name);
    if (d) return d;
  }
  return undefined;
}

function deploymentDetails(name: string): HTMLElement {
  const d = findDeployment(name);
  const el = h("article", { class: "deployment-details", "data-name": name });
  if (!d) {
    void api.deployments.getDeployment({ name }).then((r) => r.deployment && el.replaceChildren(...deploymentBody(r.deployment)), (e) => failed(el, e));
    return el;
  }
  el.append(...deploymentBody(d));
  return el;
}

function deploymentBody(d: Deployment): HTMLElement[] {
  const mandate = h("div", { class: "mandate" });
  if (d.mandate) {
    mandate.append(h("h3", {}, t("deployment.mandate")));
    void api.meetings.getDecision({ name: d.mandate }).then(
      (r) => mandate.append(h("p", {}, r.decision?.text ?? d.mandate)),
      (e) => failed(mandate, e));
  }
  return [
    h("h2", {}, d.title || t("deployment.untitled")),
    h("p", {}, h("button", { type: "button", class: "link", onclick: () => select({ kind: "zone", zone: d.zone }) }, zoneName(d.zone)), " · ", t("deployment.lead"), " ", forceName(d.leadForce)),
    h("ul", { class: "cards" }, deploymentCard(d)),
    mandate,
    d.notes ? h("p", {}, d.notes) : h("span"),
    history(d.name),
  ];
}

async function incidentDetails(el: HTMLElement, name: string): Promise<void> {
  el.append(h("p", { class: "hint" }, t("gaps.loading")));
  try {
    const res = await api.incidents.getIncident({ name });
    const i = res.incident!;
    el.replaceChildren(incidentBody(i));
  } catch (e) {
    el.replaceChildren();
    failed(el, e);
  }
}

function incidentBody(i: Incident): HTMLElement {
  const me = session.person();
  const mine = canAct() && me?.force === i.reportingForce;
  const el = h("article", { class: "incident-details", "data-name": i.name, "data-state": IncidentState[i.state] });
  const again = () => select({ kind: "incident", name: i.name });
  fill(el,
    h("h2", {}, i.title),
    h("p", {}, t("incident.kind." + IncidentKind[i.kind]), " · ", t("incident.state." + IncidentState[i.state])),
    h("p", {}, time(i.occurTime), " · ", localized(i.place?.name) || i.district),
    h("p", {}, t("incident.killed", { count: i.casualties?.totalKilled ?? 0 }), " · ", t("incident.wounded", { count: i.casualties?.totalWounded ?? 0 })),
    h("p", {}, t("incident.reportedBy"), " ", forceName(i.reportingForce)),
    i.description ? h("p", { class: "description" }, i.description) : null,
    mine && i.state === IncidentState.REPORTED ? h("button", { type: "button", class: "confirm-button primary", onclick: () => act(el, () => api.incidents.confirmIncident({ name: i.name, etag: i.etag, requestId: crypto.randomUUID() }).then(again), t("incident.confirmedToast")) }, t("incident.confirm")) : null,
    mine && i.state !== IncidentState.CLOSED ? h("button", { type: "button", class: "close-button", onclick: () => act(el, () => api.incidents.closeIncident({ name: i.name, etag: i.etag, reason: t("incident.closeReason"), requestId: crypto.randomUUID() }).then(again), t("incident.closedToast")) }, t("incident.close")) : null,
    history(i.name));
  return el;
}

// history lists who changed the record, oldest first, from the gateway's audit trail.
function history(resource: string): HTMLElement {
  const list = h("ol", { class: "history" });
  const el = h("section", { class: "history-section" }, h("h3", {}, t("history.title")), list);
  void api.audit.listAuditRecords({ filter: `resource = "${resource}" AND decision = AUDIT_DECISION_ALLOWED`, orderBy: "event_time", pageSize: 50 }).then(
    (r) => list.replaceChildren(...(r.auditRecords.length ? r.auditRecords.map((a) => h("li", {}, time(a.eventTime), " · ", h("span", { dir: "ltr" }, a.method.split("/").pop() ?? a.method), " · ", h("span", { dir: "ltr" }, a.actor))) : [h("li", { class: "hint" }, t("list.empty"))])),
    (e) => failed(el, e));
  return el;
}

// --- forms ---------------------------------------------------------------------------

function proposeForm(zone: string): HTMLElement {
  const me = session.person();
  const w = state.window;
  const title = h("input", { type: "text", id: "deployment-title", value: t("deployment.defaultTitle", { zone: zoneName(zone) }) });
  const from = h("input", { type: "date", id: "deployment-start", value: dayInput(w.start) });
  const to = h("input", { type: "date", id: "deployment-end", value: lastDay(w) });
  const lead = h("select", { id: "deployment-lead" }, state.forces.map((f) => h("option", { value: f, selected: f === me?.force }, forceName(f))));
  const groups = state.forces.map((f) => h("fieldset", { class: "units-pick", "data-force": f },
    h("legend", {}, forceName(f)),
    state.units.filter((u) => u.force === f).map((u) => h("label", {}, h("input", { type: "checkbox", name: "unit", value: u.name }), " ", localized(u.displayName)))));
  const form = h("form", { class: "propose-form", "data-zone": zone }) as HTMLFormElement;
  form.append(
    h("h2", {}, t("deployment.propose"), " · ", zoneName(zone)),
    h("label", {}, t("deployment.titleField"), title),
    h("label", {}, t("deployment.lead"), lead),
    h("div", { class: "row" }, h("label", {}, t("window.from"), from), h("label", {}, t("window.to"), to)),
    h("p", { class: "hint" }, t("deployment.pickUnits")),
    ...groups,
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary", id: "propose-submit" }, t("deployment.submit")),
      h("button", { type: "button", onclick: () => select({ kind: "zone", zone }) }, t("form.cancel"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const start = startOfDay(from.value);
    const last = startOfDay(to.value);
    const units = [...form.querySelectorAll<HTMLInputElement>("input[name=unit]:checked")].map((i) => i.value);
    const deployment = create(DeploymentSchema, {
      title: title.value, zone, units, leadForce: lead.value,
      startTime: start ? timestampFromDate(start) : undefined,
      endTime: last ? timestampFromDate(new Date(last.getTime() + 24 * 3600 * 1000)) : undefined,
    });
    void act(form, async () => {
      await api.deployments.proposeDeployment({ deployment, requestId: crypto.randomUUID() });
      select({ kind: "zone", zone });
    }, t("deployment.proposedToast"));
  });
  return form;
}

function incidentForm(lat: number, lng: number): HTMLElement {
  const me = session.person();
  const title = h("input", { type: "text", id: "incident-title" });
  const kind = h("select", { id: "incident-kind" }, Object.values(IncidentKind).filter((k): k is number => typeof k === "number" && k !== 0)
    .map((k) => h("option", { value: String(k) }, t("incident.kind." + IncidentKind[k]))));
  const when = h("input", { type: "datetime-local", id: "incident-time", value: new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 16) });
  const killed = h("input", { type: "number", min: "0", id: "incident-killed", value: "0" });
  const wounded = h("input", { type: "number", min: "0", id: "incident-wounded", value: "0" });
  const form = h("form", { class: "incident-form" }) as HTMLFormElement;
  form.append(
    h("h2", {}, t("incident.record")),
    h("p", { class: "hint", dir: "ltr" }, `${lat.toFixed(4)}, ${lng.toFixed(4)}`),
    h("label", {}, t("incident.titleField"), title),
    h("label", {}, t("incident.kindField"), kind),
    h("label", {}, t("incident.timeField"), when),
    h("div", { class: "row" }, h("label", {}, t("incident.killedField"), killed), h("label", {}, t("incident.woundedField"), wounded)),
    h("div", { class: "row" },
      h("button", { type: "submit", class: "primary", id: "incident-submit" }, t("incident.submit")),
      h("button", { type: "button", onclick: () => select({ kind: "none" }) }, t("form.cancel"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    // The time typed is Baghdad time (UTC+3 all year).
    const at = when.value ? new Date(Date.parse(when.value + ":00Z") - 3 * 3600 * 1000) : undefined;
    const incident = create(IncidentSchema, {
      title: title.value, kind: Number(kind.value), reportingForce: me?.force ?? "",
      occurTime: at && !isNaN(at.getTime()) ? timestampFromDate(at) : undefined,
      place: { point: { latitude: lat, longitude: lng }, precision: GeoPrecision.EXACT },
      casualties: { counts: [{ sides: [CasualtySide.UNKNOWN], killed: Number(killed.value) || 0, wounded: Number(wounded.value) || 0 }] },
    });
    void act(form, async () => {
      const res = await api.incidents.createIncident({ incident, requestId: crypto.randomUUID() });
      select({ kind: "incident", name: res.incident!.name });
    }, t("incident.recordedToast"));
  });
  return form;
}

// --- start -----------------------------------------------------------------------------

setLang(initialLang());
document.title = t("app.title");
shell();
render();
if (session.person()) start();
else void showSignIn();
