package assess

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkGaps computes the gaps of 1,000 zones from 100,000 incidents over 60 days
// (one in ten in two zones) and 1,000 deployments of mixed states, over the last 30
// days.
func BenchmarkGaps(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	now := at(2021, 12, 31, 0)
	const nZones, nIncidents, nDeployments = 1000, 100_000, 1000
	zs := make([]string, nZones)
	for i := range zs {
		zs[i] = fmt.Sprintf("zones/z%04d", i)
	}
	randomTime := func(days int) time.Time {
		return now.Add(-time.Duration(rng.Int64N(int64(days) * int64(24*time.Hour))))
	}
	incs := make([]Incident, nIncidents)
	for i := range incs {
		ids := []string{zs[rng.IntN(nZones)]}
		if rng.IntN(10) == 0 {
			ids = append(ids, zs[rng.IntN(nZones)])
		}
		incs[i] = Incident{Name: fmt.Sprintf("incidents/i%06d", i), ZoneIDs: ids, OccurTime: randomTime(60), Casualties: rng.IntN(6)}
	}
	states := []DeploymentState{DeploymentProposed, DeploymentActive, DeploymentActive, DeploymentEnded, DeploymentCancelled}
	deps := make([]Deployment, nDeployments)
	for i := range deps {
		start := randomTime(60)
		d := Deployment{
			Name: fmt.Sprintf("deployments/d%04d", i), ZoneID: zs[rng.IntN(nZones)], State: states[rng.IntN(len(states))],
			Start: start, End: start.Add(time.Duration(3+rng.IntN(18)) * 24 * time.Hour),
		}
		if d.State == DeploymentEnded {
			d.EndedAt = start.Add(time.Duration(rng.IntN(10)) * 24 * time.Hour)
		}
		deps[i] = d
	}
	w := Recent(now)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Gaps(w, zs, incs, deps))
	}
	if n == 0 {
		b.Fatal("no gaps: the benchmark measures nothing")
	}
}

// Recent returns the DefaultWindowLength up to now, [now-30d, now).
func Recent(now time.Time) Window {
	return Window{From: now.Add(-DefaultWindowLength), To: now}
}
