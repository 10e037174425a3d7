package command

import (
	"archive/zip"
	"path/filepath"
	"strings"
	"testing"

	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func TestExportTakPackageWritesEveryZone(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	ring := &typev1.LinearRing{Points: []*typev1.LatLng{{Latitude: 35, Longitude: 43}, {Latitude: 35, Longitude: 44}, {Latitude: 36, Longitude: 44}, {Latitude: 35, Longitude: 43}}}
	for _, n := range []string{"makhmour", "kirkuk"} {
		f.zones = append(f.zones, &gatewayv1.Zone{Name: "zones/" + n, DisplayName: &typev1.LocalizedName{English: n},
			Geometry: &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: ring}}})
	}
	out := filepath.Join(t.TempDir(), "zones.zip")
	code, stdout, stderr := run(t, "--addr", addr, "export", "tak-package", "--out", out)
	if code != 0 || !strings.Contains(stdout, "wrote 2 zones") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "zones.kml,MANIFEST/manifest.xml" {
		t.Errorf("package holds %v, want the KML and the manifest", names)
	}

	// Without --out nothing is written and the usage is explained.
	if code, _, stderr := run(t, "--addr", addr, "export", "tak-package"); code == 0 || !strings.Contains(stderr, "--out") {
		t.Errorf("without --out: exit %d, stderr %q", code, stderr)
	}
}
