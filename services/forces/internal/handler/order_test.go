package handler_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

// listed is one record of a list page: its name and update_time.
type listed struct {
	name    string
	updated time.Time
}

// pageFunc lists one page in orderBy.
type pageFunc func(orderBy, token string, size int32) ([]listed, string, error)

// walkAll pages through a list in orderBy, size records a page.
func walkAll(list pageFunc, orderBy string, size int32) ([]listed, error) {
	var all []listed
	token := ""
	for range 50 {
		page, next, err := list(orderBy, token, size)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if token = next; token == "" {
			return all, nil
		}
	}
	return nil, fmt.Errorf("more than 50 pages")
}

// checkOrders pages through a list in every order it serves, at several page sizes, and
// checks each record comes once, in the order asked, ties broken on the name; first is the
// record that must lead "update_time desc" (the one changed last). A token of one order
// replayed under another, and an order_by the list does not serve, are refused on the field.
func checkOrders(t *testing.T, list pageFunc, first string) {
	t.Helper()
	byName, err := walkAll(list, "", 500)
	if err != nil || len(byName) < 2 {
		t.Fatalf("list: %v (%d records)", err, len(byName))
	}
	sorted := func(less func(a, b listed) int) []listed {
		s := slices.Clone(byName)
		slices.SortFunc(s, less)
		return s
	}
	byTime := func(a, b listed) int {
		if c := a.updated.Compare(b.updated); c != 0 {
			return c
		}
		return cmpName(a, b)
	}
	want := map[string][]listed{
		"":                 sorted(cmpName),
		"name":             sorted(cmpName),
		"update_time":      sorted(byTime),
		"update_time asc":  sorted(byTime),
		"update_time desc": sorted(func(a, b listed) int { return -byTime(a, b) }),
	}
	if want["update_time desc"][0].name != first {
		t.Fatalf("the record changed last, %s, does not lead update_time desc: %v", first, want["update_time desc"])
	}
	for orderBy, w := range want {
		for _, size := range []int32{1, 2, 500} {
			got, err := walkAll(list, orderBy, size)
			if err != nil || !slices.Equal(got, w) {
				t.Errorf("order_by %q, pages of %d: got %v (err %v), want %v", orderBy, size, got, err, w)
			}
		}
	}
	_, next, err := list("update_time desc", "", 1)
	if err != nil || next == "" {
		t.Fatalf("first page: %v", err)
	}
	_, _, err = list("name", next, 1)
	wantFailure(t, "a token replayed under another order", err, failure{codes.InvalidArgument, "", []string{"page_token"}})
	for _, bad := range []string{"echelon", "update_time sideways", "name, update_time", "update_time desc; drop"} {
		_, _, err = list(bad, "", 1)
		wantFailure(t, "order_by "+bad, err, failure{codes.InvalidArgument, "", []string{"order_by"}})
	}
}

func cmpName(a, b listed) int {
	switch {
	case a.name < b.name:
		return -1
	case a.name > b.name:
		return 1
	}
	return 0
}

func TestListUnitsOrderBy(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	// Two units change, the Iraqi one last: the Peshmerga's is not first in update_time desc.
	for _, name := range []string{makhmour, nineveh} {
		if _, err := c.UpdateUnit(ctx, &forcesv1.UpdateUnitRequest{Unit: &forcesv1.Unit{Name: name, SymbolCode: "SFGPUCI----D---"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"symbol_code"}}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // update times are kept to the millisecond
	}
	for _, parent := range []string{"forces/-", ia} {
		checkOrders(t, func(orderBy, token string, size int32) ([]listed, string, error) {
			resp, err := c.ListUnits(ctx, &forcesv1.ListUnitsRequest{Parent: parent, OrderBy: orderBy, PageToken: token, PageSize: size})
			var out []listed
			for _, u := range resp.GetUnits() {
				out = append(out, listed{u.GetName(), u.GetUpdateTime().AsTime()})
			}
			return out, resp.GetNextPageToken(), err
		}, nineveh)
	}
}

func TestListPeopleOrderBy(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	for _, name := range []string{ninCmdr, jamal} {
		if _, err := c.UpdatePerson(ctx, &forcesv1.UpdatePersonRequest{Person: &forcesv1.Person{Name: name, Rank: "Colonel"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"rank"}}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	for _, parent := range []string{"forces/-", pm} {
		checkOrders(t, func(orderBy, token string, size int32) ([]listed, string, error) {
			resp, err := c.ListPeople(ctx, &forcesv1.ListPeopleRequest{Parent: parent, OrderBy: orderBy, PageToken: token, PageSize: size})
			var out []listed
			for _, p := range resp.GetPeople() {
				out = append(out, listed{p.GetName(), p.GetUpdateTime().AsTime()})
			}
			return out, resp.GetNextPageToken(), err
		}, jamal)
	}
}
