package server

import (
	"testing"
	"time"

	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// callsignForces resolves a client's force from its callsign (the bridge's resolver
// needs a binding; here the rule under test is what the server does with the answer).
type callsignForces map[string]string

func (m callsignForces) ForceOf(p Peer) string { return m[p.Callsign] }

// withheld publishes a unit position only force may see; the others get its delete.
func withheld(t *testing.T, h *hub.Hub, uid, force string) {
	t.Helper()
	now := time.Now().UTC()
	e := &cot.Event{Version: "2.0", UID: uid, Type: "a-f-G-U-C", How: "h-e",
		Time: cot.Time{Time: now}, Start: cot.Time{Time: now}, Stale: cot.Time{Time: now.Add(time.Minute)},
		Point: cot.Point{Lat: 35.9, Lon: 43.5, HAE: cot.Unknown, CE: 50, LE: cot.Unknown}}
	f, err := hub.NewFrame(e, false)
	if err != nil {
		t.Fatal(err)
	}
	del := controlEvent(uid+".delete", "t-x-d-d")
	del.Detail.Links = []cot.Link{{UID: uid, Type: "a-f-G-U-C", Relation: "none"}}
	if f.Withheld, err = hub.NewFrame(del, true); err != nil {
		t.Fatal(err)
	}
	f.Force = force
	h.Publish(f)
}

// received reads what arrived until marker, and reports whether uid was among it.
func (p *peer) received(t *testing.T, uid, marker string) bool {
	t.Helper()
	seen := false
	timeout := time.After(10 * time.Second)
	for {
		select {
		case got, ok := <-p.uids:
			if !ok {
				t.Fatalf("connection closed before %s arrived", marker)
			}
			seen = seen || got == uid
			if got == marker {
				return seen
			}
		case <-timeout:
			t.Fatalf("%s did not arrive", marker)
		}
	}
}

func TestWithheldPositionsReachOnlyTheirForcesClients(t *testing.T) {
	const (
		pm   = "forces/peshmerga"
		ia   = "forces/iraqi-army"
		unit = "tansiq.forces.peshmerga.units.makhmour-front"
	)
	h := hub.New(100)
	_, addr := testServer(t, h, Config{Forces: callsignForces{"Front": pm, "Brigade": ia}})
	withheld(t, h, unit, pm)
	marker(t, h, "shared-1", "")

	// Of no known force yet: the shared picture only, whoever connects.
	own, other, unknown := connect(t, addr), connect(t, addr), connect(t, addr)
	for name, p := range map[string]*peer{"own": own, "other": other, "unknown": unknown} {
		if p.received(t, unit, "shared-1") {
			t.Errorf("%s client got the withheld position before it was known to be of %s", name, pm)
		}
	}

	// Once its position names it (bound by callsign), the client of the unit's force gets
	// the picture again with the position; the other force's does not.
	own.send(t, xmlEvent("a-f-G-U-C", "ANDROID-own", `<detail><contact callsign="Front"/></detail>`))
	other.send(t, xmlEvent("a-f-G-U-C", "ANDROID-other", `<detail><contact callsign="Brigade"/></detail>`))
	own.await(t, unit)
	eventually(t, "the other client resolved", func() bool { return len(other.uids) > 0 })
	marker(t, h, "shared-2", "")
	if other.received(t, unit, "shared-2") {
		t.Errorf("the other force's client got the withheld position")
	}

	// A change of the position reaches its force's client only; the others get its delete.
	withheld(t, h, unit, pm)
	marker(t, h, "shared-3", "")
	if !own.received(t, unit, "shared-3") {
		t.Error("the unit's force's client did not get the moved position")
	}
	for name, p := range map[string]*peer{"other": other, "unknown": unknown} {
		if p.received(t, unit, "shared-3") {
			t.Errorf("%s client got the withheld position's change", name)
		}
	}
	withheldOnlyDelete := func(p *peer) bool { return p.received(t, unit+".delete", "shared-4") }
	withheld(t, h, unit, pm)
	marker(t, h, "shared-4", "")
	if !withheldOnlyDelete(unknown) {
		t.Error("a client of no force did not get the withheld position's delete")
	}
}
