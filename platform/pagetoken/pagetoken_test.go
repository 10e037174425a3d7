package pagetoken

import (
	"testing"
	"time"
)

type pos struct {
	Time time.Time `json:"t"`
	Name string    `json:"n"`
}

func TestRoundTripAndTampering(t *testing.T) {
	c := New("secret")
	want := pos{Time: time.Date(2021, 12, 2, 22, 0, 0, 0, time.UTC), Name: "incidents/khidr-jija"}
	tok, err := c.Encode(`kind = X`, want)
	if err != nil {
		t.Fatal(err)
	}
	var got pos
	if err := c.Decode(`kind = X`, tok, &got); err != nil || got != want {
		t.Fatalf("Decode = %v, %v; want %v", got, err, want)
	}
	flipped := []byte(tok)
	flipped[len(flipped)/2] ^= 1
	cases := map[string]struct {
		codec *Codec
		query string
		token string
	}{
		"other filter":  {c, `kind = Y`, tok},
		"tampered":      {c, `kind = X`, string(flipped)},
		"other secret":  {New("other"), `kind = X`, tok},
		"not base64":    {c, `kind = X`, "!!!"},
		"too short":     {c, `kind = X`, "YWJj"},
		"empty payload": {c, `kind = X`, ""},
	}
	for name, tc := range cases {
		if err := tc.codec.Decode(tc.query, tc.token, &got); err != ErrInvalid {
			t.Errorf("%s: Decode error = %v, want ErrInvalid", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	c := New("secret")
	tok, _ := c.Encode("", pos{Name: "x"})
	f.Add(tok)
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		var p pos
		_ = c.Decode("", s, &p)
	})
}
