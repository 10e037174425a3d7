// Command cotbridge puts Tansiq's joint picture on TAK devices (ATAK, WinTAK, iTAK): it
// serves streaming Cursor-on-Target over TCP (8087) and TLS with client certificates
// (8089), as a TAK server does, reading everything through the gateway's API with its
// own service identity. Its gRPC port serves health for probes.
package main

import (
	"context"
	"flag"

	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/services/cotbridge/internal/bridge"
)

func main() {
	var s *bridge.Settings
	app.Main(app.Options{
		Name: "cotbridge", DefaultListen: "127.0.0.1:7087",
		Flags: func(fs *flag.FlagSet) { s = bridge.Flags(fs) },
	}, func(ctx context.Context, rt *app.Runtime) error {
		return bridge.Start(ctx, rt, s)
	})
}
