// Package incidentfile reads incidents to import from a CSV or GeoJSON file and turns each
// record into a CreateIncident request body, reporting every bad value by its column.
//
// A CSV file has a header row naming its columns, in any order; a GeoJSON file is a
// FeatureCollection of Point features whose properties are named like the CSV columns (a
// list may be a JSON array, a number a JSON number) and whose geometry gives the place.
// Unknown columns are refused, so a misspelt one is not silently dropped. ColumnsHelp
// lists the columns.
package incidentfile
