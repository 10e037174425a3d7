package handler_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func TestSeedPeopleKnownByRoleOnly(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	resp, err := c.ListPeople(ctx, &forcesv1.ListPeopleRequest{Parent: ia, Filter: `unit = "` + westNin + `"`})
	if err != nil || len(resp.GetPeople()) != 1 {
		t.Fatalf("people of West Nineveh Operations: %v (err %v)", resp.GetPeople(), err)
	}
	p := resp.GetPeople()[0]
	if p.GetName() != westCmdr || p.GetDisplayName() != nil || p.GetRole().GetEnglish() != "West Nineveh Operations Commander" || p.GetForce() != ia {
		t.Fatalf("West Nineveh commander = %v, want a role, no name, force %s", p, ia)
	}
}

func TestPeopleCRUD(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	liaison := &forcesv1.Person{Role: en("Liaison officer to the Nineveh Operations Command"), Unit: makhmour, Rank: "Colonel"}
	created, err := c.CreatePerson(ctx, &forcesv1.CreatePersonRequest{Parent: pm, PersonId: "makhmour-liaison", Person: liaison, RequestId: "p-1"})
	if err != nil {
		t.Fatal(err)
	}
	p := created.GetPerson()
	if p.GetName() != pm+"/people/makhmour-liaison" || p.GetForce() != pm || p.GetDisplayName() != nil {
		t.Fatalf("created %v", p)
	}
	again, err := c.CreatePerson(ctx, &forcesv1.CreatePersonRequest{Parent: pm, PersonId: "makhmour-liaison", Person: liaison, RequestId: "p-1"})
	if err != nil || again.GetPerson().GetEtag() != p.GetEtag() {
		t.Fatalf("retry = %v, %v; want the first result", again.GetPerson(), err)
	}

	named, err := c.UpdatePerson(ctx, &forcesv1.UpdatePersonRequest{
		Person:     &forcesv1.Person{Name: p.GetName(), Etag: p.GetEtag(), DisplayName: &typev1.LocalizedName{English: "Karwan Ahmed", Sorani: "کاروان ئەحمەد"}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
	if err != nil || named.GetPerson().GetDisplayName().GetEnglish() != "Karwan Ahmed" || named.GetPerson().GetRank() != "Colonel" {
		t.Fatalf("named = %v, %v", named.GetPerson(), err)
	}
	_, err = c.UpdatePerson(ctx, &forcesv1.UpdatePersonRequest{
		Person: &forcesv1.Person{Name: p.GetName(), Etag: p.GetEtag(), Rank: "Brigadier"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"rank"}}})
	wantFailure(t, "stale etag", err, failure{codes.Aborted, "ETAG_MISMATCH", nil})

	tests := []struct {
		name string
		call func() error
		want failure
	}{
		{"neither name nor role", func() error {
			_, err := c.CreatePerson(ctx, &forcesv1.CreatePersonRequest{Parent: pm, Person: &forcesv1.Person{Rank: "Major"}})
			return err
		}, failure{codes.InvalidArgument, "PERSON_UNIDENTIFIED", []string{"person.role"}}},
		{"unit of the other force", func() error {
			_, err := c.CreatePerson(ctx, &forcesv1.CreatePersonRequest{Parent: pm, Person: &forcesv1.Person{Role: en("Liaison"), Unit: nineveh}})
			return err
		}, failure{codes.InvalidArgument, "CROSS_FORCE_REFERENCE", []string{"person.unit"}}},
		{"malformed fields", func() error {
			_, err := c.CreatePerson(ctx, &forcesv1.CreatePersonRequest{Parent: pm, PersonId: "ab", Person: &forcesv1.Person{
				Role: &typev1.LocalizedName{English: "Liaison", Aliases: []string{""}}, Unit: "makhmour-front"}})
			return err
		}, failure{codes.InvalidArgument, "INVALID_ARGUMENT", []string{"person_id", "person.role.aliases[0]", "person.unit"}}},
		{"clear the role of a person with no name", func() error {
			_, err := c.UpdatePerson(ctx, &forcesv1.UpdatePersonRequest{Person: &forcesv1.Person{Name: ninCmdr},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"role"}}})
			return err
		}, failure{codes.InvalidArgument, "PERSON_UNIDENTIFIED", []string{"person.role"}}},
		{"move to a missing unit", func() error {
			_, err := c.UpdatePerson(ctx, &forcesv1.UpdatePersonRequest{Person: &forcesv1.Person{Name: shammari, Unit: ia + "/units/no-such-unit"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"unit"}}})
			return err
		}, failure{codes.InvalidArgument, "REFERENCE_NOT_FOUND", []string{"person.unit"}}},
		{"delete a commander", func() error {
			_, err := c.DeletePerson(ctx, &forcesv1.DeletePersonRequest{Name: sirwan})
			return err
		}, failure{codes.FailedPrecondition, "PERSON_COMMANDS_UNIT", nil}},
	}
	for _, tt := range tests {
		wantFailure(t, tt.name, tt.call(), tt.want)
	}

	if _, err := c.DeletePerson(ctx, &forcesv1.DeletePersonRequest{Name: p.GetName(), RequestId: "del-p"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePerson(ctx, &forcesv1.DeletePersonRequest{Name: p.GetName(), RequestId: "del-p"}); err != nil {
		t.Fatalf("retry of the delete: %v, want success again", err)
	}
	_, err = c.GetPerson(ctx, &forcesv1.GetPersonRequest{Name: p.GetName()})
	wantFailure(t, "get a deleted person", err, failure{code: codes.NotFound})
}
