package stack

import (
	"encoding/json"
	"maps"
	"testing"
)

func TestListOrMap(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want listOrMap
	}{
		{`["A=1", "B=x=y", "C"]`, listOrMap{"A": "1", "B": "x=y", "C": ""}},
		{`{"A": "1", "B": 2, "C": null, "D": true}`, listOrMap{"A": "1", "B": "2", "C": "", "D": "true"}},
		{`{"mongo": {"condition": "service_healthy"}}`, listOrMap{"mongo": "map[condition:service_healthy]"}},
	} {
		var got listOrMap
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
			t.Fatalf("unmarshal %s: %v", tt.in, err)
		}
		if !maps.Equal(got, tt.want) {
			t.Errorf("unmarshal %s = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestComposeVolume(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want composeVolume
	}{
		{`"mongo-data:/data/db"`, composeVolume{Type: "volume", Source: "mongo-data", Target: "/data/db"}},
		{`"../otel/collector.yaml:/etc/otelcol/config.yaml:ro"`, composeVolume{Type: "bind", Source: "../otel/collector.yaml", Target: "/etc/otelcol/config.yaml", ReadOnly: true}},
		{`"./out:/out:rw,z"`, composeVolume{Type: "bind", Source: "./out", Target: "/out"}},
		{`"/cache"`, composeVolume{Type: "volume", Target: "/cache"}},
		{`{"type": "bind", "source": "./a", "target": "/a", "read_only": true}`, composeVolume{Type: "bind", Source: "./a", Target: "/a", ReadOnly: true}},
	} {
		var got composeVolume
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
			t.Fatalf("unmarshal %s: %v", tt.in, err)
		}
		if got != tt.want {
			t.Errorf("unmarshal %s = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestAddressHost(t *testing.T) {
	for _, tt := range []struct {
		name, value, host, problem string
	}{
		{"TANSIQ_FORCES_ADDR", "forces:7002", "forces", ""},
		{"TANSIQ_FORCES_ADDR", "dns:///forces:7002", "forces", ""},
		{"TANSIQ_FORCES_ADDR", "forces", "", "TANSIQ_FORCES_ADDR=forces is not host:port"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector:4317", "otel-collector", ""},
		{"MONGODB_URI", "mongodb://mongo:27017/?replicaSet=rs0", "mongo", ""},
		{"MONGODB_URI", "mongodb://a:27017,b:27017/?replicaSet=rs0", "", ""},
		{"MONGODB_URI", "mongodb://mongo:27017/", "", "MONGODB_URI names no replicaSet; the services need a replica set"},
		{"MONGODB_URI", "${MONGODB_URI}", "", ""},
		{"TANSIQ_JWT_ISSUER", "tansiq", "", ""},
	} {
		host, problem := addressHost(tt.name, tt.value)
		if host != tt.host || problem != tt.problem {
			t.Errorf("addressHost(%s, %s) = %q, %q; want %q, %q", tt.name, tt.value, host, problem, tt.host, tt.problem)
		}
	}
}

// TestComposeMergeKeys makes sure the real compose file's YAML anchors and merge keys (<<) are
// resolved, so the checks see the environment and dependencies each service really gets.
func TestComposeMergeKeys(t *testing.T) {
	var f composeFile
	if err := readYAML("../../../compose/compose.yaml", &f); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		service, env, dep string
	}{
		{"incident", "MONGODB_URI", "mongo"},
		{"meeting", "TANSIQ_FORCES_ADDR", "otel-collector"},
		{"gateway", "OTEL_EXPORTER_OTLP_ENDPOINT", "incident"},
	} {
		svc := f.Services[tt.service]
		if svc.Environment[tt.env] == "" {
			t.Errorf("service %s: environment has no %s", tt.service, tt.env)
		}
		if _, ok := svc.DependsOn[tt.dep]; !ok {
			t.Errorf("service %s: depends_on has no %s", tt.service, tt.dep)
		}
	}
}
