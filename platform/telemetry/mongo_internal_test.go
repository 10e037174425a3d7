package telemetry

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.opentelemetry.io/otel/attribute"
)

func TestCommandCollection(t *testing.T) {
	doc := func(d bson.D) bson.Raw {
		b, err := bson.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		command string
		doc     bson.Raw
		want    string
	}{
		{"find", "find", doc(bson.D{{Key: "find", Value: "incidents"}, {Key: "filter", Value: bson.D{}}}), "incidents"},
		{"createIndexes", "createIndexes", doc(bson.D{{Key: "createIndexes", Value: "audit"}}), "audit"},
		{"aggregate on the database", "aggregate", doc(bson.D{{Key: "aggregate", Value: 1}}), ""},
		{"ping", "ping", doc(bson.D{{Key: "ping", Value: 1}}), ""},
		{"first element is another command", "find", doc(bson.D{{Key: "lsid", Value: "x"}}), ""},
		{"redacted (empty) command", "saslStart", bson.Raw{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commandCollection(tt.command, tt.doc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestServerAttrs(t *testing.T) {
	tests := []struct {
		id   string
		want []attribute.KeyValue
	}{
		{"127.0.0.1:27017[-3]", []attribute.KeyValue{attribute.String("server.address", "127.0.0.1"), attribute.Int("server.port", 27017)}},
		{"[::1]:7017[-12]", []attribute.KeyValue{attribute.String("server.address", "::1"), attribute.Int("server.port", 7017)}},
		{"mongo.example", []attribute.KeyValue{attribute.String("server.address", "mongo.example")}},
		{"", nil},
	}
	for _, tt := range tests {
		got := serverAttrs(tt.id)
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %v, want %v", tt.id, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: got %v, want %v", tt.id, got, tt.want)
			}
		}
	}
}
