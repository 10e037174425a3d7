// Package stats summarises repeated measurements: percentiles of one run's latencies,
// and the median and spread of a figure over several runs.
package stats
