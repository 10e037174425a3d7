package config

import (
	"flag"
	"testing"
	"time"
)

func TestPrecedence(t *testing.T) {
	t.Setenv("TANSIQ_TEST_LISTEN", "127.0.0.1:9")
	t.Setenv("TANSIQ_TEST_TIMEOUT", "3s")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	listen := String(fs, "listen", "TANSIQ_TEST_LISTEN", "127.0.0.1:7001", "address")
	timeout := Duration(fs, "timeout", "TANSIQ_TEST_TIMEOUT", time.Second, "timeout")
	other := Int(fs, "n", "TANSIQ_TEST_UNSET", 5, "n")
	if err := fs.Parse([]string{"-timeout=4s"}); err != nil {
		t.Fatal(err)
	}
	if got, want := *listen, "127.0.0.1:9"; got != want {
		t.Errorf("env default: got %q, want %q", got, want)
	}
	if got, want := *timeout, 4*time.Second; got != want {
		t.Errorf("flag wins: got %v, want %v", got, want)
	}
	if got, want := *other, 5; got != want {
		t.Errorf("built-in default: got %v, want %v", got, want)
	}
}
