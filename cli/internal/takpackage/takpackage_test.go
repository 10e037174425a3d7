package takpackage

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func TestPackageHoldsTheZonesAsKMLAndAManifest(t *testing.T) {
	ring := &typev1.LinearRing{Points: []*typev1.LatLng{
		{Latitude: 35.6, Longitude: 43.4}, {Latitude: 35.6, Longitude: 43.8}, {Latitude: 36.0, Longitude: 43.8}, {Latitude: 35.6, Longitude: 43.4}}}
	zone := &gatewayv1.Zone{Name: "zones/makhmour",
		DisplayName: &typev1.LocalizedName{English: "Makhmour", Arabic: "مخمور", Sorani: "مەخموور"},
		Geometry:    &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: ring}},
		ThreatLevel: gatewayv1.ThreatLevel_THREAT_LEVEL_HIGH, ThreatReason: "2 attacks, 18 casualties", Governorates: []string{"Erbil", "Nineveh"}}
	var buf bytes.Buffer
	if err := Write(&buf, "tansiq-zones", []*gatewayv1.Zone{zone}, time.Date(2021, 12, 5, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		_ = rc.Close()
	}

	// The manifest, read as a TAK client reads it, lists the KML.
	var m struct {
		Version  string `xml:"version,attr"`
		Contents []struct {
			ZipEntry string `xml:"zipEntry,attr"`
		} `xml:"Contents>Content"`
	}
	if err := xml.Unmarshal(files["MANIFEST/manifest.xml"], &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.Version != "2" || len(m.Contents) != 1 || m.Contents[0].ZipEntry != "zones.kml" {
		t.Errorf("manifest = %+v, want version 2 listing zones.kml", m)
	}

	var k struct {
		Marks []struct {
			Name        string   `xml:"name"`
			Description string   `xml:"description"`
			Outer       []string `xml:"MultiGeometry>Polygon>outerBoundaryIs>LinearRing>coordinates"`
		} `xml:"Document>Placemark"`
	}
	if err := xml.Unmarshal(files["zones.kml"], &k); err != nil {
		t.Fatalf("zones.kml: %v", err)
	}
	if len(k.Marks) != 1 || k.Marks[0].Name != "Makhmour" || len(k.Marks[0].Outer) != 1 {
		t.Fatalf("placemarks = %+v, want Makhmour with one polygon", k.Marks)
	}
	pm := k.Marks[0]
	if got := strings.Fields(pm.Outer[0]); len(got) != 4 || got[0] != "43.400000,35.600000" || got[0] != got[3] {
		t.Errorf("coordinates = %q, want the closed ring, longitude first", pm.Outer[0])
	}
	for _, want := range []string{"مخمور", "HIGH", "18 casualties", "Erbil"} {
		if !strings.Contains(pm.Description, want) {
			t.Errorf("description %q lacks %q", pm.Description, want)
		}
	}
}
