package incidentfile

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Row is one record of an import file.
type Row struct {
	// Number is the record's line in a CSV file (the header is line 1), or its position
	// among a GeoJSON file's features, from 1.
	Number int
	// Unit names what Number counts: "line" or "feature".
	Unit string
	// Values holds the record's cells by column; absent columns are empty.
	Values map[string]string
	// Problem, when set, is why the record could not even be read (a wrong number of CSV
	// cells, a GeoJSON feature that is not a point).
	Problem string
}

// Label names the row for a person: "line 7", "feature 3".
func (r Row) Label() string { return r.Unit + " " + strconv.Itoa(r.Number) }

// Read reads the rows of a .csv, .geojson or .json file.
func Read(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return ReadCSV(f)
	case ".geojson", ".json":
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, err
		}
		return ReadGeoJSON(data)
	default:
		return nil, fmt.Errorf("%s: want a .csv or .geojson file", path)
	}
}

// ReadCSV reads a CSV file with a header row. A header with an unknown or repeated column,
// or without a required one, is an error for the whole file; a record with the wrong
// number of cells is a row with a Problem.
func ReadCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per record, so one bad line does not stop the import
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: want a header row naming the columns")
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = normalizeColumn(h)
	}
	if err := checkHeader(names, false); err != nil {
		return nil, err
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err // a broken quote: the rest of the file cannot be trusted
		}
		line, _ := cr.FieldPos(0)
		row := Row{Number: line, Unit: "line", Values: map[string]string{}}
		if len(rec) != len(names) {
			row.Problem = fmt.Sprintf("has %d cells, the header %d", len(rec), len(names))
		} else {
			for i, v := range rec {
				row.Values[names[i]] = strings.TrimSpace(v)
			}
		}
		rows = append(rows, row)
	}
}

// ReadGeoJSON reads a FeatureCollection of Point features (RFC 7946: longitude first).
func ReadGeoJSON(data []byte) ([]Row, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("not a GeoJSON FeatureCollection: %w", err)
	}
	seen := map[string]bool{}
	rows := make([]Row, 0, len(fc.Features))
	for i, f := range fc.Features {
		row := Row{Number: i + 1, Unit: "feature", Values: map[string]string{}}
		for k, v := range f.Properties {
			col := normalizeColumn(k)
			seen[col] = true
			if s, err := propertyString(v); err != nil {
				row.Problem = fmt.Sprintf("property %q: %v", k, err)
			} else {
				row.Values[col] = s
			}
		}
		if p, ok := f.Geometry.(orb.Point); ok {
			row.Values["longitude"] = strconv.FormatFloat(p.Lon(), 'f', -1, 64)
			row.Values["latitude"] = strconv.FormatFloat(p.Lat(), 'f', -1, 64)
		} else if row.Problem == "" {
			row.Problem = "geometry must be a Point"
		}
		rows = append(rows, row)
	}
	names := make([]string, 0, len(seen))
	for c := range seen {
		names = append(names, c)
	}
	sort.Strings(names)
	if err := checkHeader(names, true); err != nil {
		return nil, err
	}
	return rows, nil
}

// checkHeader refuses unknown and repeated columns and, for CSV, missing required ones
// (GeoJSON features may each leave out what they lack; the row check catches that).
func checkHeader(names []string, geo bool) error {
	seen := map[string]bool{}
	var unknown []string
	for _, n := range names {
		if _, ok := columns[n]; !ok {
			unknown = append(unknown, strconv.Quote(n))
		}
		if seen[n] && !geo {
			return fmt.Errorf("column %q appears twice", n)
		}
		seen[n] = true
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown column(s) %s (see `tansiq import --help` for the columns)", strings.Join(unknown, ", "))
	}
	if geo {
		return nil
	}
	var missing []string
	for c, required := range columns {
		if required && !seen[c] {
			missing = append(missing, c)
		}
	}
	if !seen["mgrs"] && (!seen["latitude"] || !seen["longitude"]) {
		missing = append(missing, "latitude", "longitude") // or mgrs in their stead
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("missing required column(s) %s", strings.Join(missing, ", "))
	}
	return nil
}

// propertyString flattens a GeoJSON property to a cell: lists are joined with ";".
func propertyString(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return strings.TrimSpace(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case json.Number:
		return v.String(), nil
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			s, err := propertyString(e)
			if err != nil {
				return "", err
			}
			if strings.Contains(s, ";") {
				return "", errors.New("a list element may not contain \";\"")
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ";"), nil
	default:
		return "", errors.New("want a string, a number or a list of them")
	}
}
