package main

import "testing"

func TestQuickRequested(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"-quick"}, true},
		{[]string{"-runs", "3", "--quick"}, true},
		{[]string{"-runs", "3"}, false},
		{[]string{"--", "-quick"}, false},
	} {
		if got := quickRequested(tt.args); got != tt.want {
			t.Errorf("quickRequested(%q) = %v", tt.args, got)
		}
	}
	if got := joinInts([]int{1000, 10000}); got != "1000,10000" {
		t.Errorf("joinInts = %q", got)
	}
	if xs, err := intList(joinInts([]int{1, 64})); err != nil || len(xs) != 2 || xs[1] != 64 {
		t.Errorf("intList(joinInts) = %v, %v", xs, err)
	}
}
