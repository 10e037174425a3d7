// Package geo holds the gateway's zone geometry: polygons and multipolygons in WGS84
// degrees, their GeoJSON (RFC 7946) text form, their validation, point-in-zone tests,
// and an R-tree index that answers "which zones contain this point" fast with
// thousands of zones.
//
// It knows nothing of gRPC, protobuf or storage: handlers map their messages to and
// from these types. Geometry is treated as planar in degrees, which is exact enough
// for zones a few hundred kilometres across away from the poles and the antimeridian
// (Tansiq's region is Iraq). GeoJSON and containment are paulmach/orb's (the index
// runs orb's own ray test over edges it files by longitude, so it answers as orb
// does); the R-tree is tidwall/rtree's.
package geo
