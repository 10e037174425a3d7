// Command meeting serves tansiq.meeting.v1.MeetingService: coordination meetings between
// the forces, the decisions both sides acknowledge, and the action items that follow. It
// checks attendees and units with the forces service.
package main

import (
	"context"
	"flag"

	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/services/meeting/internal/forces"
	"github.com/tansiq/tansiq/services/meeting/internal/handler"
	"github.com/tansiq/tansiq/services/meeting/internal/seed"
	"github.com/tansiq/tansiq/services/meeting/internal/store"
)

func main() {
	var forcesAddr *string
	app.Main(app.Options{
		Name: "meeting", DefaultListen: "127.0.0.1:7003",
		Flags: func(fs *flag.FlagSet) {
			forcesAddr = config.String(fs, "forces-addr", "TANSIQ_FORCES_ADDR", "127.0.0.1:7002", "forces service address; empty answers UNAVAILABLE wherever people or units must be checked")
		},
	}, func(ctx context.Context, rt *app.Runtime) error {
		s := store.New(rt.DB.Database)
		// The caches are loaded before the server listens: health is not SERVING before it.
		if err := s.Load(ctx); err != nil {
			return err
		}
		if rt.Seed {
			if err := seed.Load(ctx, s); err != nil {
				return err
			}
		}
		var dir handler.Directory = forces.Absent{}
		if *forcesAddr != "" {
			// rt.Dial is platform/dial.New with this process's client TLS and the caller's
			// token forwarded, so the forces service authorizes the original caller.
			conn, err := rt.Dial(*forcesAddr, forces.Retryable...)
			if err != nil {
				return err
			}
			dir = forces.New(conn)
		}
		handler.New(s, dir, pagetoken.New(rt.PageTokenSecret)).Register(rt.Server.GRPC)
		return nil
	})
}
