package handler_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/authtest"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/handler"
	"github.com/tansiq/tansiq/services/forces/internal/seed"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// authzEnv is the service, loaded with the seed, behind the production authenticator and
// audit trail.
type authzEnv struct {
	*authtest.Server
	c forcesv1.ForcesServiceClient
}

func newAuthzEnv(t *testing.T) *authzEnv {
	t.Helper()
	ctx := context.Background()
	db := storetest.DB(t)
	s := forcesstore.New(db)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	srv := authtest.Serve(t, "forces", db, func(g *grpc.Server) { handler.New(s, pagetoken.New(testToken)).Register(g) })
	return &authzEnv{Server: srv, c: forcesv1.NewForcesServiceClient(srv.Conn)}
}

func authzCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// etag reads back a record's etag with get, or authtest.Absent.
func etag[R interface{ GetEtag() string }](get func(ctx context.Context) (R, error)) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		r, err := get(ctx)
		if status.Code(err) == codes.NotFound {
			return authtest.Absent, nil
		}
		if err != nil {
			return "", err
		}
		return r.GetEtag(), nil
	}
}

func (e *authzEnv) unitEtag(name string) func(context.Context) (string, error) {
	return etag(func(ctx context.Context) (*forcesv1.Unit, error) {
		r, err := e.c.GetUnit(ctx, &forcesv1.GetUnitRequest{Name: name})
		return r.GetUnit(), err
	})
}

func (e *authzEnv) personEtag(name string) func(context.Context) (string, error) {
	return etag(func(ctx context.Context) (*forcesv1.Person, error) {
		r, err := e.c.GetPerson(ctx, &forcesv1.GetPersonRequest{Name: name})
		return r.GetPerson(), err
	})
}

// bindingState reads back a TAK binding: its creation time (a binding has no etag), or
// authtest.Absent.
func (e *authzEnv) bindingState(name string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		r, err := e.c.GetTakBinding(ctx, &forcesv1.GetTakBindingRequest{Name: name})
		if status.Code(err) == codes.NotFound {
			return authtest.Absent, nil
		}
		return r.GetTakBinding().GetCreateTime().AsTime().String(), err
	}
}

// TestPositionThroughABindingSpeaksForItsForce: a service (the CoT bridge) reports a
// unit's position only through a binding the unit's force made for that unit; a person
// cannot use a binding, and a service without one changes nothing.
func TestPositionThroughABindingSpeaksForItsForce(t *testing.T) {
	e := newAuthzEnv(t)
	owner := e.As(t, authzCtx(t), authtest.Operator(pm))
	bridge := e.As(t, authzCtx(t), authtest.Service())
	b, err := e.c.CreateTakBinding(owner, &forcesv1.CreateTakBindingRequest{Parent: pm, TakBindingId: "front-tablet",
		TakBinding: &forcesv1.TakBinding{Unit: makhmour, CertificateName: "tak-front"}})
	if err != nil {
		t.Fatal(err)
	}
	name := b.GetTakBinding().GetName()
	for _, tc := range []struct {
		what    string
		ctx     context.Context
		unit    string
		binding string
		want    codes.Code
	}{
		{"a service without a binding", bridge, makhmour, "", codes.PermissionDenied},
		{"a person through a binding", owner, makhmour, name, codes.PermissionDenied},
		{"a binding of another unit", bridge, brigade, name, codes.PermissionDenied},
		{"a binding that does not exist", bridge, makhmour, pm + "/takBindings/no-such-tablet", codes.NotFound},
		{"the service through the unit's binding", bridge, makhmour, name, codes.OK},
	} {
		_, err := e.c.ReportUnitPosition(tc.ctx, &forcesv1.ReportUnitPositionRequest{
			Name: tc.unit, TakBinding: tc.binding, Position: at(1, "from the tablet")})
		if status.Code(err) != tc.want {
			t.Errorf("%s: %v, want %v", tc.what, err, tc.want)
		}
	}
	u, err := e.c.GetUnit(owner, &forcesv1.GetUnitRequest{Name: makhmour})
	if err != nil {
		t.Fatal(err)
	}
	if r := u.GetUnit().GetLastPosition().GetReporter(); r != name {
		t.Errorf("reporter = %q, want the binding %s", r, name)
	}

	// Bindings are checked: a device must be named, and the unit must be the force's.
	for _, bad := range []*forcesv1.TakBinding{{Unit: makhmour}, {Unit: brigade, CertificateName: "x"}} {
		_, err := e.c.CreateTakBinding(owner, &forcesv1.CreateTakBindingRequest{Parent: pm, TakBinding: bad})
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("binding %v: %v, want INVALID_ARGUMENT", bad, err)
		}
	}
}

// TestEveryMutationIsHeldToItsOwner tries every mutating RPC, on records of each force,
// as every caller who must be refused and then as the owner's operator.
func TestEveryMutationIsHeldToItsOwner(t *testing.T) {
	const svc = "/tansiq.forces.v1.ForcesService/"
	// A seeded unit and person of each force, and the unit new units go under.
	seeded := map[string]struct{ unit, person string }{
		ia: {brigade, shammari},
		pm: {makhmour, jamal},
	}
	mask := func(p string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: []string{p}} }
	for _, owner := range []string{ia, pm} {
		t.Run(owner, func(t *testing.T) {
			e := newAuthzEnv(t)
			unit, person := seeded[owner].unit, seeded[owner].person
			asOwner := e.As(t, authzCtx(t), authtest.Operator(owner))
			spareUnit, err := e.c.CreateUnit(asOwner, &forcesv1.CreateUnitRequest{Parent: owner, UnitId: "spare-battalion", Unit: battalion(unit)})
			if err != nil {
				t.Fatal(err)
			}
			sparePerson, err := e.c.CreatePerson(asOwner, &forcesv1.CreatePersonRequest{Parent: owner, PersonId: "spare-officer",
				Person: &forcesv1.Person{Role: en("Liaison officer"), Unit: unit}})
			if err != nil {
				t.Fatal(err)
			}
			tests := []authtest.Mutation{
				{Method: svc + "CreateUnit", Owner: owner, State: e.unitEtag(owner + "/units/new-battalion"),
					Call: func(ctx context.Context) error {
						_, err := e.c.CreateUnit(ctx, &forcesv1.CreateUnitRequest{Parent: owner, UnitId: "new-battalion",
							Unit: battalion(unit), RequestId: "create-unit"})
						return err
					}},
				{Method: svc + "UpdateUnit", Owner: owner, State: e.unitEtag(unit),
					Call: func(ctx context.Context) error {
						_, err := e.c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
							Unit:       &forcesv1.Unit{Name: unit, Readiness: forcesv1.Readiness_READINESS_DEGRADED, ReadinessReason: "half the vehicles down"},
							UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness", "readiness_reason"}}})
						return err
					}},
				{Method: svc + "DeleteUnit", Owner: owner, State: e.unitEtag(spareUnit.GetUnit().GetName()),
					Call: func(ctx context.Context) error {
						_, err := e.c.DeleteUnit(ctx, &forcesv1.DeleteUnitRequest{Name: spareUnit.GetUnit().GetName(), RequestId: "delete-unit"})
						return err
					}},
				{Method: svc + "ReportUnitPosition", Owner: owner, State: e.unitEtag(unit),
					Call: func(ctx context.Context) error {
						_, err := e.c.ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: unit, Position: at(1, "moved up"), RequestId: "report-1"})
						return err
					}},
				{Method: svc + "CreatePerson", Owner: owner, State: e.personEtag(owner + "/people/new-officer"),
					Call: func(ctx context.Context) error {
						_, err := e.c.CreatePerson(ctx, &forcesv1.CreatePersonRequest{Parent: owner, PersonId: "new-officer",
							Person: &forcesv1.Person{Role: en("Operations officer"), Unit: unit}})
						return err
					}},
				{Method: svc + "UpdatePerson", Owner: owner, State: e.personEtag(person),
					Call: func(ctx context.Context) error {
						_, err := e.c.UpdatePerson(ctx, &forcesv1.UpdatePersonRequest{
							Person: &forcesv1.Person{Name: person, Rank: "Lieutenant General"}, UpdateMask: mask("rank")})
						return err
					}},
				{Method: svc + "DeletePerson", Owner: owner, State: e.personEtag(sparePerson.GetPerson().GetName()),
					Call: func(ctx context.Context) error {
						_, err := e.c.DeletePerson(ctx, &forcesv1.DeletePersonRequest{Name: sparePerson.GetPerson().GetName()})
						return err
					}},
			}
			spareBinding, err := e.c.CreateTakBinding(asOwner, &forcesv1.CreateTakBindingRequest{Parent: owner, TakBindingId: "spare-tablet",
				TakBinding: &forcesv1.TakBinding{Unit: unit, CertificateName: "spare-tablet"}})
			if err != nil {
				t.Fatal(err)
			}
			tests = append(tests,
				authtest.Mutation{Method: svc + "CreateTakBinding", Owner: owner, State: e.bindingState(owner + "/takBindings/new-tablet"),
					Call: func(ctx context.Context) error {
						_, err := e.c.CreateTakBinding(ctx, &forcesv1.CreateTakBindingRequest{Parent: owner, TakBindingId: "new-tablet",
							TakBinding: &forcesv1.TakBinding{Unit: unit, CertificateName: "new-tablet"}, RequestId: "bind-1"})
						return err
					}},
				authtest.Mutation{Method: svc + "DeleteTakBinding", Owner: owner, State: e.bindingState(spareBinding.GetTakBinding().GetName()),
					Call: func(ctx context.Context) error {
						_, err := e.c.DeleteTakBinding(ctx, &forcesv1.DeleteTakBindingRequest{Name: spareBinding.GetTakBinding().GetName()})
						return err
					}})
			for _, m := range tests {
				t.Run(m.Method[len(svc):], func(t *testing.T) { e.CheckMutation(t, m) })
			}
		})
	}
}

// TestCreateForceIsForItsOwnOperators: a force's record is its own, so only its operators
// create it; neither seed force can create it for them.
func TestCreateForceIsForItsOwnOperators(t *testing.T) {
	e := newAuthzEnv(t)
	const police = "forces/federal-police"
	e.CheckMutation(t, authtest.Mutation{
		Method: "/tansiq.forces.v1.ForcesService/CreateForce", Owner: police,
		// A force has no etag: its creation time tells one record from another.
		State: func(ctx context.Context) (string, error) {
			r, err := e.c.GetForce(ctx, &forcesv1.GetForceRequest{Name: police})
			if status.Code(err) == codes.NotFound {
				return authtest.Absent, nil
			}
			return r.GetForce().GetCreateTime().AsTime().String(), err
		},
		Call: func(ctx context.Context) error {
			_, err := e.c.CreateForce(ctx, &forcesv1.CreateForceRequest{ForceId: "federal-police", RequestId: "create-police",
				Force: &forcesv1.Force{DisplayName: en("Federal Police")}})
			return err
		},
	})
}

// TestRefusedBeforeEtagAndRules: a caller who may not change a record is told so whatever
// etag it sends and whatever rule the change would break; the owner, with the same
// request, gets the answer the etag or rule calls for.
func TestRefusedBeforeEtagAndRules(t *testing.T) {
	e := newAuthzEnv(t)
	owner := e.As(t, authzCtx(t), authtest.Operator(ia))
	other := e.As(t, authzCtx(t), authtest.Operator(pm))
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		wantOwner codes.Code
	}{
		{"stale etag on update", func(ctx context.Context) error {
			_, err := e.c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
				Unit: &forcesv1.Unit{Name: brigade, Etag: "stale", Readiness: forcesv1.Readiness_READINESS_READY}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"readiness"}}})
			return err
		}, codes.Aborted},
		{"stale etag on delete", func(ctx context.Context) error {
			_, err := e.c.DeleteUnit(ctx, &forcesv1.DeleteUnitRequest{Name: brigade, Etag: "stale"})
			return err
		}, codes.Aborted},
		{"unit with sub-units", func(ctx context.Context) error {
			_, err := e.c.DeleteUnit(ctx, &forcesv1.DeleteUnitRequest{Name: joc})
			return err
		}, codes.FailedPrecondition},
		{"cycle", func(ctx context.Context) error {
			_, err := e.c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{
				Unit: &forcesv1.Unit{Name: joc, ParentUnit: nineveh}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent_unit"}}})
			return err
		}, codes.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status.Code(tt.call(other)); got != codes.PermissionDenied {
				t.Errorf("other force: got %v, want PermissionDenied", got)
			}
			if got := status.Code(tt.call(owner)); got != tt.wantOwner {
				t.Errorf("owner: got %v, want %v", got, tt.wantOwner)
			}
		})
	}
}

// TestRetryOfAnotherForcesRequestIsRefused: replaying, with its request_id, a change or a
// deletion another force made is refused rather than answered as a retry.
func TestRetryOfAnotherForcesRequestIsRefused(t *testing.T) {
	e := newAuthzEnv(t)
	army := e.As(t, authzCtx(t), authtest.Operator(ia))
	if _, err := e.c.CreateUnit(army, &forcesv1.CreateUnitRequest{Parent: ia, UnitId: "short-lived", Unit: battalion(brigade)}); err != nil {
		t.Fatal(err)
	}
	report := &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: at(2, "at the river"), RequestId: "army-report"}
	remove := &forcesv1.DeleteUnitRequest{Name: ia + "/units/short-lived", RequestId: "army-delete"}
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"ReportUnitPosition", func(ctx context.Context) error { _, err := e.c.ReportUnitPosition(ctx, report); return err }},
		{"DeleteUnit", func(ctx context.Context) error { _, err := e.c.DeleteUnit(ctx, remove); return err }},
	}
	callers := []struct {
		caller auth.Identity
		want   codes.Code
	}{
		{authtest.Operator(pm), codes.PermissionDenied},
		{authtest.Viewer(ia), codes.PermissionDenied},
		{authtest.Operator(ia), codes.OK},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(army); err != nil {
				t.Fatal(err)
			}
			for _, tt := range callers {
				if got := status.Code(c.call(e.As(t, authzCtx(t), tt.caller))); got != tt.want {
					t.Errorf("retry as %s: got %v, want %v", tt.caller.Subject, got, tt.want)
				}
			}
		})
	}
}

// TestEveryoneAuthenticatedReads: both forces see each other's units and people, viewers
// included; a caller without a token sees nothing.
func TestEveryoneAuthenticatedReads(t *testing.T) {
	e := newAuthzEnv(t)
	tests := []struct {
		caller string
		ctx    context.Context
		want   codes.Code
	}{
		{"operator of the other force", e.As(t, authzCtx(t), authtest.Operator(pm)), codes.OK},
		{"viewer of the other force", e.As(t, authzCtx(t), authtest.Viewer(pm)), codes.OK},
		{"service", e.As(t, authzCtx(t), authtest.Service()), codes.OK},
		{"no token", authzCtx(t), codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.caller, func(t *testing.T) {
			_, getErr := e.c.GetUnit(tt.ctx, &forcesv1.GetUnitRequest{Name: brigade})
			units, listErr := e.c.ListUnits(tt.ctx, &forcesv1.ListUnitsRequest{Parent: ia})
			batch, batchErr := e.c.BatchGetPeople(tt.ctx, &forcesv1.BatchGetPeopleRequest{Names: []string{shammari, jamal}})
			for _, err := range []error{getErr, listErr, batchErr} {
				if status.Code(err) != tt.want {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
			}
			if tt.want == codes.OK && (len(units.GetUnits()) == 0 || len(batch.GetPeople()) != 2) {
				t.Errorf("ListUnits gave %d units, BatchGetPeople %d people; want some and 2", len(units.GetUnits()), len(batch.GetPeople()))
			}
		})
	}
}
