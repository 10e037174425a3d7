// Package takpackage writes a TAK data package (the zip ATAK, WinTAK and iTAK import from
// a file, for teams without a live link to the bridge): the zones as KML polygons, with
// their names and threat level, and the manifest that tells the device what it holds.
package takpackage

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// KMLEntry is the zip entry holding the zones.
const KMLEntry = "zones.kml"

// ManifestEntry is the zip entry of the manifest, where TAK clients look for it.
const ManifestEntry = "MANIFEST/manifest.xml"

// Write writes a data package of zones to w, named name, made at now.
func Write(w io.Writer, name string, zones []*gatewayv1.Zone, now time.Time) error {
	zw := zip.NewWriter(w)
	kml, err := zw.CreateHeader(&zip.FileHeader{Name: KMLEntry, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	if err := writeKML(kml, name, zones); err != nil {
		return err
	}
	mf, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestEntry, Method: zip.Deflate, Modified: now})
	if err != nil {
		return err
	}
	m := manifest{Version: "2",
		Parameters: []parameter{{Name: "uid", Value: "tansiq-" + name + "-" + now.UTC().Format("20060102T150405Z")}, {Name: "name", Value: name}},
		Contents:   []content{{Ignore: "false", ZipEntry: KMLEntry}}}
	if _, err := io.WriteString(mf, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(mf)
	enc.Indent("", "  ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	return zw.Close()
}

type manifest struct {
	XMLName    xml.Name    `xml:"MissionPackageManifest"`
	Version    string      `xml:"version,attr"`
	Parameters []parameter `xml:"Configuration>Parameter"`
	Contents   []content   `xml:"Contents>Content"`
}

type parameter struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type content struct {
	Ignore   string `xml:"ignore,attr"`
	ZipEntry string `xml:"zipEntry,attr"`
}

type kmlDoc struct {
	XMLName xml.Name `xml:"http://www.opengis.net/kml/2.2 kml"`
	Name    string   `xml:"Document>name"`
	Styles  []style  `xml:"Document>Style"`
	Marks   []mark   `xml:"Document>Placemark"`
}

type style struct {
	ID        string `xml:"id,attr"`
	LineColor string `xml:"LineStyle>color"`
	LineWidth int    `xml:"LineStyle>width"`
	PolyColor string `xml:"PolyStyle>color"`
}

type mark struct {
	ID          string    `xml:"id,attr"`
	Name        string    `xml:"name"`
	Description string    `xml:"description"`
	StyleURL    string    `xml:"styleUrl"`
	Polygons    []polygon `xml:"MultiGeometry>Polygon"`
}

type polygon struct {
	Outer string   `xml:"outerBoundaryIs>LinearRing>coordinates"`
	Inner []string `xml:"innerBoundaryIs>LinearRing>coordinates"`
}

// threatStyles colour zones by threat level, as KML writes colours: aabbggrr.
var threatStyles = []style{
	{ID: "unassessed", LineColor: "ffffffff", LineWidth: 3, PolyColor: "40ffffff"},
	{ID: "low", LineColor: "ff00ff00", LineWidth: 3, PolyColor: "4000ff00"},
	{ID: "moderate", LineColor: "ff00ffff", LineWidth: 3, PolyColor: "4000ffff"},
	{ID: "substantial", LineColor: "ff008dff", LineWidth: 3, PolyColor: "40008dff"},
	{ID: "high", LineColor: "ff0000ff", LineWidth: 3, PolyColor: "400000ff"},
}

func threatStyle(t gatewayv1.ThreatLevel) string {
	switch {
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_HIGH:
		return "high"
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_SUBSTANTIAL:
		return "substantial"
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_MODERATE:
		return "moderate"
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_MINIMAL:
		return "low"
	}
	return "unassessed"
}

func writeKML(w io.Writer, name string, zones []*gatewayv1.Zone) error {
	doc := kmlDoc{Name: name, Styles: threatStyles}
	for _, z := range zones {
		var polys []*typev1.Polygon
		switch g := z.GetGeometry().(type) {
		case *gatewayv1.Zone_Polygon:
			polys = []*typev1.Polygon{g.Polygon}
		case *gatewayv1.Zone_MultiPolygon:
			polys = g.MultiPolygon.GetPolygons()
		}
		m := mark{ID: z.GetName(), Name: z.GetDisplayName().GetEnglish(), StyleURL: "#" + threatStyle(z.GetThreatLevel()),
			Description: description(z)}
		for _, p := range polys {
			kp := polygon{Outer: coordinates(p.GetExterior())}
			for _, h := range p.GetHoles() {
				kp.Inner = append(kp.Inner, coordinates(h))
			}
			m.Polygons = append(m.Polygons, kp)
		}
		doc.Marks = append(doc.Marks, m)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	return enc.Encode(doc)
}

// description is a zone's other names, threat and governorates.
func description(z *gatewayv1.Zone) string {
	n := z.GetDisplayName()
	parts := []string{}
	for _, s := range []string{n.GetArabic(), n.GetSorani()} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	threat := strings.TrimPrefix(z.GetThreatLevel().String(), "THREAT_LEVEL_")
	parts = append(parts, fmt.Sprintf("Threat: %s. %s", threat, z.GetThreatReason()))
	if g := z.GetGovernorates(); len(g) > 0 {
		parts = append(parts, "Governorates: "+strings.Join(g, ", "))
	}
	return strings.Join(parts, "\n")
}

// coordinates is a ring as KML writes it: "lon,lat" tuples separated by spaces.
func coordinates(r *typev1.LinearRing) string {
	var b strings.Builder
	for i, p := range r.GetPoints() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(p.GetLongitude(), 'f', 6, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p.GetLatitude(), 'f', 6, 64))
	}
	return b.String()
}
