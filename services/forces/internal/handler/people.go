package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// CreatePerson adds a person to a force; a retry with the same request_id returns the first result.
func (h *Handler) CreatePerson(ctx context.Context, req *forcesv1.CreatePersonRequest) (*forcesv1.CreatePersonResponse, error) {
	var v apperr.Violations
	forceName.check(&v, "parent", req.GetParent(), false)
	validatePerson(&v, "person", req.GetPerson(), nil)
	validateID(&v, "person_id", req.GetPersonId(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	id := req.GetPersonId()
	if id == "" {
		id = "p" + store.NewID()
	}
	name := domain.PersonName(req.GetParent(), id)
	p := personFromProto(req.GetPerson())
	// The person belongs to the force they are created in: only its operators add them.
	if err := access.Change(ctx, name, req.GetParent()); err != nil {
		return nil, toStatus(err)
	}
	h.refs.Lock()
	defer h.refs.Unlock()
	if err := h.checkForce(ctx, req.GetParent()); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.people.CreateChecked(ctx, &forcesstore.PersonDoc{
		Name: name, Owner: req.GetParent(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: p,
	}, func(ctx context.Context) error { return h.checkPerson(ctx, name, &p, nil) })
	if err != nil {
		return nil, toStatus(err)
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
		return domain.CheckReference(ctx, "person.unit", p.Unit, domain.ForceOf(name), h.units.Exists)
	}
	return nil
}

// GetPerson returns one person.
func (h *Handler) GetPerson(ctx context.Context, req *forcesv1.GetPersonRequest) (*forcesv1.GetPersonResponse, error) {
	var v apperr.Violations
	personName.check(&v, "name", req.GetName(), false)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.people.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.GetPersonResponse{Person: personToProto(d)}, nil
}

// ListPeople lists the people of one force or of all, by name, a page at a time.
func (h *Handler) ListPeople(ctx context.Context, req *forcesv1.ListPeopleRequest) (*forcesv1.ListPeopleResponse, error) {
	var v apperr.Violations
	listParent.check(&v, "parent", req.GetParent(), false)
	conds, err := personSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := listQuery(req.GetParent(), req.GetFilter())
	var after nameCursor
	h.decodeToken(&v, query, req.GetPageToken(), &after)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	force, err := h.forceOfParent(ctx, req.GetParent())
	if err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.people.List(ctx, force, conds, after.Name, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	docs, next, err := namePage(h, query, docs, size)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &forcesv1.ListPeopleResponse{NextPageToken: next}
	for _, d := range readable(ctx, docs) {
		resp.People = append(resp.People, personToProto(d))
	}
	return resp, nil
}

// UpdatePerson changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdatePerson(ctx context.Context, req *forcesv1.UpdatePersonRequest) (*forcesv1.UpdatePersonResponse, error) {
	var v apperr.Violations
	personName.check(&v, "person.name", req.GetPerson().GetName(), false)
	paths := fieldmask.Check(&v, req.GetUpdateMask().GetPaths(), personPaths)
	if len(paths) > 0 {
		validatePerson(&v, "person", req.GetPerson(), paths)
	}
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	patch := personFromProto(req.GetPerson())
	h.refs.Lock()
	defer h.refs.Unlock()
	d, err := h.people.UpdateAuthorized(ctx, store.Change{
		Name: req.GetPerson().GetName(), Etag: req.GetPerson().GetEtag(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated",
	}, store.OwnerMayChange[domain.Person](ctx), func(d *forcesstore.PersonDoc) error {
		fieldmask.Apply(&d.Body, patch, paths, personPaths)
		return h.checkPerson(ctx, d.Name, &d.Body, paths)
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.UpdatePersonResponse{Person: personToProto(d)}, nil
}

// DeletePerson deletes a person who commands no unit.
func (h *Handler) DeletePerson(ctx context.Context, req *forcesv1.DeletePersonRequest) (*forcesv1.DeletePersonResponse, error) {
	var v apperr.Violations
	personName.check(&v, "name", req.GetName(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	// By name first, as DeleteUnit does, for retries of a deletion already done.
	if err := access.Change(ctx, req.GetName(), domain.ForceOf(req.GetName())); err != nil {
		return nil, toStatus(err)
	}
	h.refs.Lock()
	defer h.refs.Unlock()
	err := h.people.Remove(ctx, store.Removal{
		Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req),
	}, func(d *forcesstore.PersonDoc) error {
		commanded, err := h.units.ACommanded(ctx, d.Name)
		if err != nil {
			return err
		}
		return domain.CheckPersonRemovable(d.Name, commanded)
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.DeletePersonResponse{}, nil
}
