package handler

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// personKind is how people are created and updated.
func (h *Handler) personKind() kind[domain.Person, *forcesv1.Person] {
	return kind[domain.Person, *forcesv1.Person]{coll: h.people.Collection, field: "person", idPrefix: "p", nameOf: domain.PersonName,
		rule: personName, setters: personPaths, validate: validatePerson, fromProto: personFromProto, check: h.checkPerson}
}

// CreatePerson adds a person to a force; a retry with the same request_id returns the first result.
func (h *Handler) CreatePerson(ctx context.Context, req *forcesv1.CreatePersonRequest) (*forcesv1.CreatePersonResponse, error) {
	d, err := h.personKind().create(ctx, h, req.GetParent(), req.GetPersonId(), req.GetPerson(), req)
	if err != nil {
		return nil, err
	}
	return &forcesv1.CreatePersonResponse{Person: personToProto(d)}, nil
}

// checkPerson checks the rules a person's final state must follow, for the fields in paths
// (nil: all): a known name or a role, and a unit of the same force. Call it holding h.refs.
func (h *Handler) checkPerson(ctx context.Context, name string, p *domain.Person, paths map[string]bool) error {
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("display_name") || has("role") {
		if err := p.CheckIdentified("person.role"); err != nil {
			return err
		}
	}
	if has("unit") {
		return domain.CheckReference(ctx, "person.unit", p.Unit, domain.ForceOf(name), h.units.Open)
	}
	return nil
}

// GetPerson returns one person.
func (h *Handler) GetPerson(ctx context.Context, req *forcesv1.GetPersonRequest) (*forcesv1.GetPersonResponse, error) {
	d, err := getRecord(ctx, personName, req.GetName(), h.people.Collection)
	if err != nil {
		return nil, err
	}
	return &forcesv1.GetPersonResponse{Person: personToProto(d)}, nil
}

// ListPeople lists the people of one force or of all, in the order asked (by name by
// default), a page at a time.
func (h *Handler) ListPeople(ctx context.Context, req *forcesv1.ListPeopleRequest) (*forcesv1.ListPeopleResponse, error) {
	docs, next, err := listRecords(ctx, h, req, req.GetFilter(), req.GetOrderBy(), forcesstore.PersonSchema, forcesstore.PersonSorts, h.people.List)
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.ListPeopleResponse{NextPageToken: next}
	for _, d := range docs {
		resp.People = append(resp.People, personToProto(d))
	}
	return resp, nil
}

// BatchGetPeople returns the named people, and the names that are not people (unknown or
// malformed), each once, in the order first named.
func (h *Handler) BatchGetPeople(ctx context.Context, req *forcesv1.BatchGetPeopleRequest) (*forcesv1.BatchGetPeopleResponse, error) {
	found, missing, err := batchRecords(ctx, req.GetNames(), personName.valid, h.people.BatchGet)
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.BatchGetPeopleResponse{MissingNames: missing}
	for _, d := range found {
		resp.People = append(resp.People, personToProto(d))
	}
	return resp, nil
}

// personPaths lists the update_mask paths UpdatePerson accepts.
var personPaths = map[string]func(dst *domain.Person, src domain.Person){
	"display_name": func(d *domain.Person, s domain.Person) { d.DisplayName = s.DisplayName },
	"rank":         func(d *domain.Person, s domain.Person) { d.Rank = s.Rank },
	"role":         func(d *domain.Person, s domain.Person) { d.Role = s.Role },
	"unit":         func(d *domain.Person, s domain.Person) { d.Unit = s.Unit },
}

// UpdatePerson changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdatePerson(ctx context.Context, req *forcesv1.UpdatePersonRequest) (*forcesv1.UpdatePersonResponse, error) {
	d, err := h.personKind().update(ctx, h, req.GetPerson(), req.GetUpdateMask().GetPaths(), req)
	if err != nil {
		return nil, err
	}
	return &forcesv1.UpdatePersonResponse{Person: personToProto(d)}, nil
}

// DeletePerson deletes a person who commands no unit.
func (h *Handler) DeletePerson(ctx context.Context, req *forcesv1.DeletePersonRequest) (*forcesv1.DeletePersonResponse, error) {
	err := deleteRecord(ctx, h, personName, req.GetName(), req.GetEtag(), req, func(ctx context.Context, r store.Removal) error {
		return h.people.RemoveFenced(ctx, r, h.units)
	})
	if err != nil {
		return nil, err
	}
	return &forcesv1.DeletePersonResponse{}, nil
}

// personFromProto converts the client-writable fields of a person.
func personFromProto(in *forcesv1.Person) domain.Person {
	return domain.Person{
		DisplayName: localized.FromProto(in.GetDisplayName()), Rank: in.GetRank(),
		Role: localized.FromProto(in.GetRole()), Unit: in.GetUnit(),
	}
}

func personToProto(d *forcesstore.PersonDoc) *forcesv1.Person {
	p := d.Body
	return &forcesv1.Person{
		Name: d.Name, DisplayName: optionalName(p.DisplayName), Rank: p.Rank, Role: optionalName(p.Role), Unit: p.Unit,
		Force: domain.ForceOf(d.Name), CreateTime: timestamppb.New(d.CreateTime), UpdateTime: timestamppb.New(d.UpdateTime),
		Etag: d.Etag,
	}
}

// optionalName leaves a name that was never given unset, as the API documents for a person
// known only by role (and a force's authority).
func optionalName(n localized.Name) *typev1.LocalizedName {
	if !domain.Known(n) && len(n.Aliases) == 0 {
		return nil
	}
	return n.ToProto()
}
