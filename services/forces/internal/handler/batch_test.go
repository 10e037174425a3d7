package handler_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

func TestBatchGetUnits(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	missing := ia + "/units/no-such-unit"
	resp, err := c.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: []string{
		makhmour, missing, nineveh, "not a name", makhmour, sirwan, missing}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range resp.GetUnits() {
		got = append(got, u.GetName()+"@"+u.GetForce())
	}
	if want := fmt.Sprint([]string{makhmour + "@" + pm, nineveh + "@" + ia}); fmt.Sprint(got) != want {
		t.Errorf("units = %v, want %v (each once, in the order first named, with its force)", got, want)
	}
	if want := fmt.Sprint([]string{missing, "not a name", sirwan}); fmt.Sprint(resp.GetMissingNames()) != want {
		t.Errorf("missing = %v, want %v", resp.GetMissingNames(), want)
	}
	if resp.GetUnits()[0].GetLastPosition() == nil {
		t.Error("the Makhmour front's seeded last position was not returned")
	}

	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf("%s/units/unit-%03d", ia, i)
	}
	_, err = c.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: many})
	wantFailure(t, "201 names", err, failure{codes.InvalidArgument, "", []string{"names"}})
	_, err = c.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{})
	wantFailure(t, "no names", err, failure{codes.InvalidArgument, "", []string{"names"}})
	full, err := c.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: many[:200]})
	if err != nil || len(full.GetMissingNames()) != 200 {
		t.Fatalf("200 unknown names: %d missing (err %v), want all 200", len(full.GetMissingNames()), err)
	}
}

func TestBatchGetPeople(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	resp, err := c.BatchGetPeople(ctx, &forcesv1.BatchGetPeopleRequest{Names: []string{shammari, jamal, pm + "/people/nobody-known", makhmour, ninCmdr}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range resp.GetPeople() {
		got = append(got, p.GetName()+"@"+p.GetForce())
	}
	want := fmt.Sprint([]string{shammari + "@" + ia, jamal + "@" + pm, ninCmdr + "@" + ia})
	if fmt.Sprint(got) != want || fmt.Sprint(resp.GetMissingNames()) != fmt.Sprint([]string{pm + "/people/nobody-known", makhmour}) {
		t.Fatalf("people = %v, missing %v; want %v and the unknown person and the unit", got, resp.GetMissingNames(), want)
	}
}
