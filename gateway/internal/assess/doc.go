// Package assess rates the zones from what happened in them: which zones had incidents
// that no active joint deployment covered (coverage gaps), ranked so that the worst come
// first, and how threatened a zone is by its recent incidents (threat level, after the
// UN security levels 1-6).
//
// Everything here is a pure function of the incidents, zones and deployments it is
// given, with no gRPC, protobuf or storage types: the gateway gathers them and maps
// the results to its API (gateway/internal/coverage).
package assess
