// Command incident serves tansiq.incident.v1.IncidentService: the record of attacks and
// other incidents, with a change stream the gateway follows.
package main

import (
	"context"

	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/services/incident/internal/handler"
	"github.com/tansiq/tansiq/services/incident/internal/seed"
	"github.com/tansiq/tansiq/services/incident/internal/store"
)

func main() {
	app.Main(app.Options{Name: "incident", DefaultListen: "127.0.0.1:7001"}, func(ctx context.Context, rt *app.Runtime) error {
		incidents, err := store.New(ctx, rt.DB.Database)
		if err != nil {
			return err
		}
		// The cache is loaded before the server listens: health is not SERVING before it.
		if err := incidents.Load(ctx); err != nil {
			return err
		}
		if rt.Seed {
			if err := seed.Load(ctx, incidents); err != nil {
				return err
			}
		}
		handler.New(incidents, pagetoken.New(rt.PageTokenSecret)).Register(rt.Server.GRPC)
		return nil
	})
}
