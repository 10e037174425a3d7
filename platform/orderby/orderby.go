// Package orderby reads the order_by of List methods (AIP-132). einride's ordering
// (go.einride.tech/aip/ordering) parses it; each List method names the orders it serves,
// since a cached list walks an order kept sorted in advance (platform/store's OrderBy) and
// cannot sort by an arbitrary field on demand. Ties are always broken on the resource name,
// so an order is total and paging under it is stable.
package orderby

import (
	"fmt"
	"slices"
	"strings"

	"go.einride.tech/aip/ordering"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Check parses order_by and returns it in canonical form ("field" or "field desc", joined by
// ", "), one of allowed, which lists the orders the method serves in that form, its default
// first; an empty order_by is the default. Anything else is a violation on "order_by".
func Check(v *apperr.Violations, orderBy string, allowed ...string) string {
	if strings.TrimSpace(orderBy) == "" {
		return allowed[0]
	}
	var o ordering.OrderBy
	if err := o.UnmarshalString(orderBy); err != nil {
		v.Add("order_by", "is not a list of fields, each optionally followed by asc or desc")
		return allowed[0]
	}
	if err := o.ValidateForPaths(fields(allowed)...); err != nil {
		v.Add("order_by", "%v; the fields are %s", err, strings.Join(fields(allowed), ", "))
		return allowed[0]
	}
	c := canonical(o)
	if !slices.Contains(allowed, c) {
		v.Add("order_by", "must be one of %q", allowed)
		return allowed[0]
	}
	return c
}

// Desc reports whether the first field of a canonical order is descending.
func Desc(order string) bool {
	first, _, _ := strings.Cut(order, ",")
	return strings.HasSuffix(first, " desc")
}

func canonical(o ordering.OrderBy) string {
	parts := make([]string, len(o.Fields))
	for i, f := range o.Fields {
		parts[i] = f.Path
		if f.Desc {
			parts[i] += " desc"
		}
	}
	return strings.Join(parts, ", ")
}

// fields lists the fields the allowed orders sort by, each once.
func fields(allowed []string) []string {
	var out []string
	for _, a := range allowed {
		var o ordering.OrderBy
		if err := o.UnmarshalString(a); err != nil {
			panic(fmt.Sprintf("orderby: allowed order %q: %v", a, err)) // the program's own list
		}
		for _, f := range o.Fields {
			if !slices.Contains(out, f.Path) {
				out = append(out, f.Path)
			}
		}
	}
	return out
}
