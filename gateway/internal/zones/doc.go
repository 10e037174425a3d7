// Package zones serves tansiq.gateway.v1.ZoneService: the zones of shared security
// interest, stored in the gateway's database and mirrored in memory (a Catalog with an
// R-tree index) so that look-ups by name, by text and by point are answered without a
// store round trip. Every write goes to the store first, then to the catalog, then to
// the placement of incidents (which re-places those the change affects) and the
// operational-picture feed.
package zones
