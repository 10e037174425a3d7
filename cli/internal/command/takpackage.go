package command

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/cli/internal/takpackage"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

func init() {
	register("export tak-package", leaf{
		usage:   "export tak-package --out FILE.zip",
		summary: "write the zones as a TAK data package (KML and a manifest) for devices without a live link",
		details: "ATAK, WinTAK and iTAK import the file (Import > Local SD, or open it): each zone is a polygon\n" +
			"coloured by threat, named in English, with its Arabic and Sorani names, threat and governorates.",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			out := fs.String("out", "", "the zip file to write")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return problem.Usagef("unexpected argument %q", args[0])
				}
				if *out == "" {
					return problem.Usagef("--out is required")
				}
				return exportTakPackage(e, *out)
			}
		},
	})
}

func exportTakPackage(e *env, out string) error {
	conn, err := e.g.dial(gatewayv1.ZoneService_ServiceDesc)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := gatewayv1.NewZoneServiceClient(conn)
	var zones []*gatewayv1.Zone
	req := &gatewayv1.ListZonesRequest{PageSize: 100}
	for {
		resp, err := client.ListZones(e.ctx, req)
		if err != nil {
			return err
		}
		zones = append(zones, resp.GetZones()...)
		if resp.GetNextPageToken() == "" {
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	// Written beside the target and renamed, so a failed export leaves no half a package.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".tak-package-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := takpackage.Write(tmp, "tansiq-zones", zones, time.Now()); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d zones to %s\n", len(zones), out)
	return nil
}
