// The map: an offline basemap (Natural Earth borders shipped with the app, no tiles),
// the zones coloured by threat and outlined when they are a coverage gap, incidents as
// clustered markers sized by casualties, joint deployments with both forces'
// acknowledgements, and the units' last positions.
import L from "leaflet";
import "leaflet.markercluster";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";
import "leaflet.markercluster/dist/MarkerCluster.Default.css";
import type { Unit } from "../../../clients/typescript/gen/tansiq/forces/v1/unit_pb.js";
import { DeploymentState, type Deployment } from "../../../clients/typescript/gen/tansiq/gateway/v1/deployment_pb.js";
import type { IncidentSummary, ZonePicture } from "../../../clients/typescript/gen/tansiq/gateway/v1/picture_pb.js";
import { ThreatLevel, type Zone } from "../../../clients/typescript/gen/tansiq/gateway/v1/zone_pb.js";
import { fmtNumber, localized, t } from "./i18n";

export interface MapEvents {
  zone(name: string): void;
  incident(name: string): void;
  deployment(d: Deployment): void;
  click(lat: number, lng: number): void;
}

const threatColour: Record<number, string> = {
  [ThreatLevel.UNSPECIFIED]: "#9aa5b1",
  [ThreatLevel.MINIMAL]: "#9ccc65",
  [ThreatLevel.LOW]: "#d4e157",
  [ThreatLevel.MODERATE]: "#ffca28",
  [ThreatLevel.SUBSTANTIAL]: "#ffa726",
  [ThreatLevel.HIGH]: "#f4511e",
  [ThreatLevel.EXTREME]: "#b71c1c",
};

const forceColour = (force: string) => (force.includes("peshmerga") ? "#c62828" : "#1565c0");

// slug is a zone's id for CSS classes and tests: "zones/makhmour" gives "makhmour".
export const slug = (name: string) => name.slice(name.indexOf("/") + 1);

export class OperationalMap {
  readonly map: L.Map;
  private zoneLayers = new Map<string, L.GeoJSON>();
  private labels = new Map<string, L.Tooltip>();
  private incidents: L.MarkerClusterGroup;
  private deployments = L.layerGroup();
  private units = L.layerGroup();
  private zonesGroup = L.featureGroup();

  constructor(el: HTMLElement, private events: MapEvents) {
    this.map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 4, maxZoom: 14 }).setView([35.5, 44], 7);
    this.map.attributionControl.setPrefix(false).addAttribution("Natural Earth");
    this.incidents = L.markerClusterGroup({ maxClusterRadius: 40, chunkedLoading: true, showCoverageOnHover: false });
    this.zonesGroup.addTo(this.map);
    this.incidents.addTo(this.map);
    this.deployments.addTo(this.map);
    this.units.addTo(this.map);
    this.map.on("click", (e: L.LeafletMouseEvent) => events.click(e.latlng.lat, e.latlng.lng));
    void this.loadBorders();
  }

  private async loadBorders(): Promise<void> {
    const res = await fetch("borders.json");
    const borders = await res.json();
    L.geoJSON(borders, { interactive: false, style: { color: "#7b8794", weight: 1, fill: true, fillColor: "#f5f1e8", fillOpacity: 1 } })
      .addTo(this.map)
      .bringToBack();
  }

  // setZones draws the zones' areas once; pictures colour them.
  setZones(list: Zone[]): void {
    for (const z of list) {
      if (this.zoneLayers.has(z.name) || !z.geojson) continue;
      const layer = L.geoJSON(JSON.parse(z.geojson), {
        style: { className: "zone zone--" + slug(z.name), color: "#52606d", weight: 1.5, fillColor: threatColour[0], fillOpacity: 0.35 },
      });
      layer.on("click", (e) => {
        L.DomEvent.stopPropagation(e);
        this.events.zone(z.name);
      });
      layer.addTo(this.zonesGroup);
      const label = L.tooltip({ permanent: true, direction: "center", className: "zone-label zone-label--" + slug(z.name) })
        .setLatLng(layer.getBounds().getCenter())
        .setContent(localized(z.displayName));
      label.addTo(this.map);
      this.zoneLayers.set(z.name, layer);
      this.labels.set(z.name, label);
    }
    if (this.zonesGroup.getLayers().length) this.map.fitBounds(this.zonesGroup.getBounds(), { padding: [20, 20] });
  }

  relabel(names: Map<string, string>): void {
    for (const [zone, label] of this.labels) label.setContent(names.get(zone) ?? "");
  }

  center(zone: string): L.LatLng | undefined {
    return this.zoneLayers.get(zone)?.getBounds().getCenter();
  }

  // showPictures colours each zone by its threat, outlines its gap, and redraws the
  // incidents and deployments the pictures hold.
  showPictures(pictures: Map<string, ZonePicture>): void {
    const incidents: L.Layer[] = [];
    this.deployments.clearLayers();
    for (const [zone, p] of pictures) {
      const layer = this.zoneLayers.get(zone);
      const gap = !!p.coverageGap;
      layer?.setStyle({ fillColor: threatColour[p.threatLevel], color: gap ? "#b71c1c" : "#52606d", weight: gap ? 4 : 1.5, dashArray: gap ? "8 6" : undefined });
      layer?.eachLayer((l) => (l as L.Path).getElement()?.classList.toggle("zone-gap", gap));
      const label = this.labels.get(zone);
      if (label) {
        const el = label.getElement();
        el?.classList.toggle("zone-label--gap", gap);
        el?.setAttribute("title", gap ? t("gap.incidents", { count: p.coverageGap!.incidentCount }) : "");
      }
      for (const i of p.recentIncidents) incidents.push(this.incidentMarker(i));
      for (const d of [...p.activeDeployments, ...p.proposedDeployments]) this.deploymentMarker(d, zone);
    }
    this.incidents.clearLayers();
    this.incidents.addLayers(incidents);
  }

  private incidentMarker(i: IncidentSummary): L.Layer {
    const pt = i.place?.point;
    const m = L.circleMarker([pt?.latitude ?? 0, pt?.longitude ?? 0], {
      radius: 5 + Math.min(20, 2 * Math.sqrt(i.casualties)),
      color: "#3e2723", weight: 1, fillColor: i.covered ? "#8d6e63" : "#d50000", fillOpacity: 0.8, className: "incident",
    });
    m.bindTooltip(`${i.title} · ${t("incident.casualties", { count: fmtNumber(i.casualties) })}`);
    m.on("click", (e) => {
      L.DomEvent.stopPropagation(e);
      this.events.incident(i.name);
    });
    return m;
  }

  private deploymentMarker(d: Deployment, zone: string): void {
    const pt = d.commandPost?.point;
    const at = pt ? L.latLng(pt.latitude, pt.longitude) : this.center(zone);
    if (!at) return;
    const acked = d.acknowledgements.length;
    const active = d.state === DeploymentState.ACTIVE;
    const icon = L.divIcon({
      className: "deployment-marker" + (active ? " deployment-marker--active" : " deployment-marker--proposed"),
      html: `<span>${active ? "✔" : "…"} ${fmtNumber(acked)}/${fmtNumber(d.forces.length || 2)}</span>`,
      iconSize: [56, 24],
    });
    const m = L.marker(at, { icon, title: d.title || d.name });
    m.on("click", (e) => {
      L.DomEvent.stopPropagation(e);
      this.events.deployment(d);
    });
    m.addTo(this.deployments);
  }

  private vacuum: L.GeoJSON | null = null;

  // showVacuum draws the part of a zone that no force's area covers, or clears it.
  showVacuum(geojson: string | null): void {
    this.vacuum?.remove();
    this.vacuum = null;
    if (!geojson) return;
    this.vacuum = L.geoJSON(JSON.parse(geojson), {
      interactive: false, style: { className: "vacuum", color: "#6a1b9a", weight: 2, dashArray: "2 4", fillColor: "#6a1b9a", fillOpacity: 0.3 },
    }).addTo(this.map);
  }

  showUnits(list: Unit[]): void {
    this.units.clearLayers();
    for (const u of list) {
      const pt = u.lastPosition?.place?.point ?? u.homeBase?.point;
      if (!pt) continue;
      L.circleMarker([pt.latitude, pt.longitude], { radius: 6, color: forceColour(u.force), weight: 2, fillColor: "#fff", fillOpacity: 1, className: "unit" })
        .bindTooltip(localized(u.displayName))
        .addTo(this.units);
    }
  }
}
