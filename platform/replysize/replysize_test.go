package replysize

import "testing"

func TestPageStopsAtBudget(t *testing.T) {
	var p Page
	if !p.FitsBytes(Budget + 1) {
		t.Fatal("the first item must always fit")
	}
	if p.FitsBytes(1) {
		t.Fatal("a page past the budget took another item")
	}
	var q Page
	for i := 0; i < 3; i++ {
		if !q.FitsBytes(Budget / 3) {
			t.Fatalf("item %d of three thirds refused", i)
		}
	}
	if q.FitsBytes(Budget%3 + 1) {
		t.Fatal("took an item past the budget")
	}
}
