// Command forces serves tansiq.forces.v1.ForcesService: the forces, their units and people,
// and where the units are.
package main

import (
	"context"

	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/services/forces/internal/handler"
	"github.com/tansiq/tansiq/services/forces/internal/seed"
	"github.com/tansiq/tansiq/services/forces/internal/store"
)

func main() {
	app.Main(app.Options{Name: "forces", DefaultListen: "127.0.0.1:7002"}, func(ctx context.Context, rt *app.Runtime) error {
		s := store.New(rt.DB.Database)
		// The caches are loaded before the server listens: health is not SERVING before.
		if err := s.Load(ctx); err != nil {
			return err
		}
		if rt.Seed {
			if err := seed.Load(ctx, s); err != nil {
				return err
			}
		}
		handler.New(s, pagetoken.New(rt.PageTokenSecret)).Register(rt.Server.GRPC)
		return nil
	})
}
