// Package coverage serves tansiq.gateway.v1.CoverageService: the coverage gaps (zones
// whose incidents no acknowledged joint deployment covered), the operational picture of
// each zone (threat, incidents, deployments, open action items, gap), a live stream of
// its changes fed from the stored picture-change feed, and a GeoJSON export for GIS
// tools. It reads only the gateway's own data (zones, placed incidents, deployments)
// and, for action items, the meeting service, whose absence it survives.
package coverage
