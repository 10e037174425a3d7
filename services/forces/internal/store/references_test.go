package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// link is one reference between two collections, written as the handler writes it: refer
// (through replica s) stores a record naming target, checking target inside its own
// compare-and-swap with exists (the target collection's Open, as checkPerson and
// checkUnit do); remove deletes target as DeleteUnit and DeletePerson do, after fence
// runs (nil: none) once the referrers' log is fenced; referrer names the record refer
// writes in a round.
type link struct {
	name string
	// setup stores round's target (and a referrer naming nothing, for an update).
	setup    func(t *testing.T, s *forcesstore.Store, round int) (target string)
	refer    func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error
	remove   func(ctx context.Context, s *forcesstore.Store, target string, fenced func()) error
	referrer func(round int) string
	// targets are the target collection's checks.
	targets func(s *forcesstore.Store) (open, exists domain.Exists)
	// names reads what a referrer names (ok false when it does not exist).
	names func(ctx context.Context, s *forcesstore.Store, referrer string) (string, bool, error)
}

// fencedReferrers and fencedUnits run after once their logs are fenced by a deletion.
type fencedReferrers struct {
	forcesstore.UnitReferrers
	after func()
}

func (f fencedReferrers) Fence(ctx context.Context) error {
	err := f.UnitReferrers.Fence(ctx)
	if f.after != nil {
		f.after()
	}
	return err
}

type fencedUnits struct {
	*forcesstore.Units
	after func()
}

func (f fencedUnits) Fence(ctx context.Context) error {
	err := f.Units.Fence(ctx)
	if f.after != nil {
		f.after()
	}
	return err
}

func unitTarget(t *testing.T, s *forcesstore.Store, round int) string {
	id := fmt.Sprintf("brigade-%d", round)
	addUnit(t, s, ia, id, domain.Unit{Echelon: "ECHELON_BRIGADE"}, nil)
	return domain.UnitName(ia, id)
}

func personTarget(t *testing.T, s *forcesstore.Store, round int) string {
	name := domain.PersonName(ia, fmt.Sprintf("commander-%d", round))
	if _, err := s.People.Create(context.Background(), &forcesstore.PersonDoc{Name: name, Owner: ia}); err != nil {
		t.Fatal(err)
	}
	return name
}

func removeUnit(ctx context.Context, s *forcesstore.Store, target string, fenced func()) error {
	return s.Units.RemoveFenced(ctx, store.Removal{Name: target}, fencedReferrers{s.UnitReferrers(), fenced})
}

func removePerson(ctx context.Context, s *forcesstore.Store, target string, fenced func()) error {
	return s.People.RemoveFenced(ctx, store.Removal{Name: target}, fencedUnits{s.Units, fenced})
}

func memberName(round int) string    { return domain.PersonName(ia, fmt.Sprintf("member-%d", round)) }
func commandedName(round int) string { return domain.UnitName(ia, fmt.Sprintf("commanded-%d", round)) }
func bindingName(round int) string   { return domain.TakBindingName(ia, fmt.Sprintf("radio-%d", round)) }

// areaName is the area drawn for round's unit (unitTarget's).
func areaName(round int) string {
	return domain.AreaName(domain.UnitName(ia, fmt.Sprintf("brigade-%d", round)), "sector")
}

// reference reads, as replica s sees it, what the record name of the collection coll
// gives names (ok false when the record does not exist).
func reference[T any](coll func(*forcesstore.Store) *store.Collection[T], field func(*T) string) func(ctx context.Context, s *forcesstore.Store, name string) (string, bool, error) {
	return func(ctx context.Context, s *forcesstore.Store, name string) (string, bool, error) {
		d, err := coll(s).Get(ctx, name)
		if apperr.IsKind(err, apperr.KindNotFound) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return field(&d.Body), true, nil
	}
}

// The references a referrer holds: a person's unit, a unit's commander, a binding's unit
// and an area's unit.
var (
	unitOf = reference(func(s *forcesstore.Store) *store.Collection[domain.Person] { return s.People.Collection },
		func(p *domain.Person) string { return p.Unit })
	commanderOf = reference(func(s *forcesstore.Store) *store.Collection[domain.Unit] { return s.Units.Collection },
		func(u *domain.Unit) string { return u.Commander })
	bindingUnit = reference(func(s *forcesstore.Store) *store.Collection[domain.TakBinding] { return s.TakBindings.Collection },
		func(b *domain.TakBinding) string { return b.Unit })
	areaUnit = reference(func(s *forcesstore.Store) *store.Collection[domain.Area] { return s.Areas.Collection },
		func(a *domain.Area) string { return a.Unit })
)

// links are the references between collections: a person's unit and a unit's commander,
// each written by a create and by an update, and a TAK binding's unit and an area's, each
// written by a create (neither changes its unit).
var links = []link{
	{
		name:  "person created in the unit",
		setup: unitTarget,
		refer: func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error {
			_, err := s.People.CreateChecked(ctx, &forcesstore.PersonDoc{Name: memberName(round), Owner: ia, Body: domain.Person{Unit: target}},
				func(ctx context.Context) error { return domain.CheckReference(ctx, "person.unit", target, ia, exists) })
			return err
		},
		remove: removeUnit, referrer: memberName, names: unitOf, targets: unitsOf,
	},
	{
		name: "person moved into the unit",
		setup: func(t *testing.T, s *forcesstore.Store, round int) string {
			if _, err := s.People.Create(context.Background(), &forcesstore.PersonDoc{Name: memberName(round), Owner: ia}); err != nil {
				t.Fatal(err)
			}
			return unitTarget(t, s, round)
		},
		refer: func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error {
			_, err := s.People.Update(ctx, store.Change{Name: memberName(round), Verb: "updated"}, func(d *forcesstore.PersonDoc) error {
				d.Body.Unit = target
				return domain.CheckReference(ctx, "person.unit", target, ia, exists)
			})
			return err
		},
		remove: removeUnit, referrer: memberName, names: unitOf, targets: unitsOf,
	},
	{
		name:  "unit created under the commander",
		setup: personTarget,
		refer: func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error {
			_, err := s.Units.CreateChecked(ctx, &forcesstore.UnitDoc{Name: commandedName(round), Owner: ia, Body: domain.Unit{Commander: target}},
				func(ctx context.Context) error {
					return domain.CheckReference(ctx, "unit.commander", target, ia, exists)
				})
			return err
		},
		remove: removePerson, referrer: commandedName, names: commanderOf, targets: peopleOf,
	},
	{
		name: "unit given the commander",
		setup: func(t *testing.T, s *forcesstore.Store, round int) string {
			addUnit(t, s, ia, fmt.Sprintf("commanded-%d", round), domain.Unit{Echelon: "ECHELON_BRIGADE"}, nil)
			return personTarget(t, s, round)
		},
		refer: func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error {
			_, err := s.Units.Update(ctx, store.Change{Name: commandedName(round), Verb: "updated"}, func(d *forcesstore.UnitDoc) error {
				d.Body.Commander = target
				return domain.CheckReference(ctx, "unit.commander", target, ia, exists)
			})
			return err
		},
		remove: removePerson, referrer: commandedName, names: commanderOf, targets: peopleOf,
	},
	{
		name:  "TAK device bound to the unit",
		setup: unitTarget,
		refer: func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error {
			_, err := s.TakBindings.CreateChecked(ctx, &forcesstore.TakBindingDoc{Name: bindingName(round), Owner: ia,
				Body: domain.TakBinding{Unit: target, DeviceUID: fmt.Sprintf("ANDROID-%d", round)}},
				func(ctx context.Context) error {
					return domain.CheckReference(ctx, "tak_binding.unit", target, ia, exists)
				})
			return err
		},
		remove: removeUnit, referrer: bindingName, names: bindingUnit, targets: unitsOf,
	},
	{
		name:  "area drawn for the unit",
		setup: unitTarget,
		refer: func(ctx context.Context, s *forcesstore.Store, round int, target string, exists domain.Exists) error {
			_, err := s.Areas.CreateChecked(ctx, &forcesstore.AreaDoc{Name: areaName(round), Owner: ia, Body: domain.Area{Unit: target}},
				func(ctx context.Context) error { // as CreateArea checks its parent
					ok, err := exists(ctx, target)
					if err == nil && !ok {
						err = apperr.NotFound(target)
					}
					return err
				})
			return err
		},
		remove: removeUnit, referrer: areaName, names: areaUnit, targets: unitsOf,
	},
}

// unitsOf and peopleOf are a target collection's checks as replica s asks them: Open,
// as a write naming the target checks it, and Exists.
func unitsOf(s *forcesstore.Store) (open, exists domain.Exists) { return s.Units.Open, s.Units.Exists }
func peopleOf(s *forcesstore.Store) (open, exists domain.Exists) {
	return s.People.Open, s.People.Exists
}

// held is a reference check that, after its first answer, signals checked and waits for
// release: a write that found its target and then waited before it committed, as a slow
// replica may.
type held struct {
	exists  domain.Exists
	checked chan struct{}
	release chan struct{}
	once    sync.Once
}

func hold(exists domain.Exists) *held {
	return &held{exists: exists, checked: make(chan struct{}), release: make(chan struct{})}
}

func (h *held) check(ctx context.Context, name string) (bool, error) {
	ok, err := h.exists(ctx, name)
	h.once.Do(func() { close(h.checked); <-h.release })
	return ok, err
}

// dangling fails t if, as replica s reads the store, l's referrer of round names target
// while target is gone.
func dangling(t *testing.T, s *forcesstore.Store, l link, round int, target string) {
	t.Helper()
	ctx := context.Background()
	caughtUp(t, s)
	ref := l.referrer(round)
	named, ok, err := l.names(ctx, s, ref)
	if err != nil {
		t.Fatal(err)
	}
	if !ok || named != target {
		return
	}
	_, exists := l.targets(s)
	if there, err := exists(ctx, target); err != nil || !there {
		t.Errorf("round %d: %s names %s, which is deleted (%v)", round, ref, target, err)
	}
}

// eachLink runs test for each link between collections, on two replicas of one store.
func eachLink(t *testing.T, test func(t *testing.T, l link, a, b *forcesstore.Store)) {
	for _, l := range links {
		t.Run(l.name, func(t *testing.T) {
			rs := replicas(t, storetest.DB(t), 2)
			test(t, l, rs[0], rs[1])
		})
	}
}

// heldReference deletes a target through replica A with remove, which starts (refer) a
// write naming it through replica B that is held once it has checked the target (checked
// is closed then), and fails t unless the deletion succeeded and the write was refused,
// leaving no record naming a deleted one.
func heldReference(t *testing.T, l link, a, b *forcesstore.Store, remove func(target string, refer func(), checked <-chan struct{}) error) {
	ctx := context.Background()
	openOnB, _ := l.targets(b)
	target := l.setup(t, a, 0)
	gate := hold(openOnB)
	referred := make(chan error, 1)
	refer := func() { go func() { referred <- l.refer(ctx, b, 0, target, gate.check) }() }
	err := remove(target, refer, gate.checked)
	close(gate.release)
	if err != nil {
		t.Fatalf("deleting %s while a write naming it is held: %v", target, err)
	}
	if err := <-referred; err == nil {
		t.Errorf("%s names %s, deleted meanwhile through another replica", l.referrer(0), target)
	}
	dangling(t, a, l, 0, target)
	dangling(t, b, l, 0, target)
}

// A write naming a unit or person (a person's unit, a unit's commander; by a create and by
// an update) checks it through replica B and is held before it commits while replica A
// deletes it: A's deletion succeeds (nothing names the target yet), and its fence of the
// referrers' log makes B decide again and find the target gone.
func TestReferenceHeldWhileAnotherReplicaDeletes(t *testing.T) {
	eachLink(t, func(t *testing.T, l link, a, b *forcesstore.Store) {
		heldReference(t, l, a, b, func(target string, refer func(), checked <-chan struct{}) error {
			refer()
			select {
			case <-checked:
			case <-time.After(30 * time.Second):
				return errors.New("the write did not check its target inside its compare-and-swap")
			}
			return l.remove(context.Background(), a, target, nil)
		})
	})
}

// A write naming a unit or person checks it through replica B after replica A's deletion
// has fenced the referrers' log but before it removes the target, and is held while A
// removes it: B found the target marked closing and is refused (it would otherwise
// commit after A's last look at the referrers).
func TestReferenceAfterTheFenceFindsTheTargetClosing(t *testing.T) {
	eachLink(t, func(t *testing.T, l link, a, b *forcesstore.Store) {
		heldReference(t, l, a, b, func(target string, refer func(), checked <-chan struct{}) error {
			fenced := false
			err := l.remove(context.Background(), a, target, func() {
				fenced = true
				caughtUp(t, b) // B decides after the fence, not on a cache from before it
				refer()
				<-checked
			})
			if err == nil && !fenced {
				err = errors.New("it did not fence the log of the records naming it")
			}
			return err
		})
	})
}

// A write naming a unit or person through replica B and its deletion through replica A,
// at once, round after round (B started at a random moment of A's deletion): exactly one
// of the two is refused, and no record names a deleted one.
func TestReferenceAndDeletionRaceAcrossReplicas(t *testing.T) {
	eachLink(t, func(t *testing.T, l link, a, b *forcesstore.Store) {
		ctx := context.Background()
		openOnB, _ := l.targets(b)
		const rounds = 20
		won := map[string]int{}
		for round := range rounds {
			target := l.setup(t, a, round)
			var wg sync.WaitGroup
			var referErr, removeErr error
			delay := time.Duration(rand.IntN(4000)) * time.Microsecond
			wg.Go(func() { removeErr = l.remove(ctx, a, target, nil) })
			wg.Go(func() {
				time.Sleep(delay)
				referErr = l.refer(ctx, b, round, target, openOnB)
			})
			wg.Wait()
			switch {
			case apperr.IsKind(referErr, apperr.KindUnavailable) || apperr.IsKind(removeErr, apperr.KindUnavailable):
				won["store unavailable"]++ // a loaded machine: nothing to judge but what was left
			case referErr == nil && apperr.IsKind(removeErr, apperr.KindFailedPrecondition):
				won["reference"]++
			case removeErr == nil && referErr != nil:
				won["deletion"]++
			default:
				t.Errorf("round %d: write naming %s: %v; its deletion: %v; want exactly one refused", round, target, referErr, removeErr)
			}
			dangling(t, a, l, round, target)
			dangling(t, b, l, round, target)
		}
		t.Logf("%d rounds raced: %v", rounds, won)
	})
}

// caughtUp reads replica s's logs of the records that refer to one another forward.
func caughtUp(t *testing.T, s *forcesstore.Store) {
	t.Helper()
	for _, c := range []interface {
		CurrentSeq(context.Context) (int64, error)
	}{s.Units, s.People, s.TakBindings, s.Areas} {
		if _, err := c.CurrentSeq(context.Background()); err != nil {
			t.Error(err)
		}
	}
}
