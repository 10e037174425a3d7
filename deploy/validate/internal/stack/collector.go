package stack

import (
	"fmt"
	"sort"
	"strings"
)

// collectorConfig is the part of an OpenTelemetry Collector configuration the checks read.
type collectorConfig struct {
	Receivers  map[string]any `json:"receivers"`
	Processors map[string]any `json:"processors"`
	Exporters  map[string]any `json:"exporters"`
	Connectors map[string]any `json:"connectors"`
	Extensions map[string]any `json:"extensions"`
	Service    struct {
		Extensions []string                     `json:"extensions"`
		Pipelines  map[string]collectorPipeline `json:"pipelines"`
	} `json:"service"`
}

type collectorPipeline struct {
	Receivers  []string `json:"receivers"`
	Processors []string `json:"processors"`
	Exporters  []string `json:"exporters"`
}

// CheckCollector reads the collector configuration at path and returns its problems: a
// pipeline or service extension naming a component that is not defined (the collector refuses
// to start), a pipeline without receivers or exporters, no traces pipeline, and a pipeline that
// does not take OTLP over gRPC in or send to both the debug and a file exporter.
func CheckCollector(path string) ([]string, error) {
	var c collectorConfig
	if err := readYAML(path, &c); err != nil {
		return nil, err
	}
	var ps []string
	for _, ext := range c.Service.Extensions {
		if _, ok := c.Extensions[ext]; !ok {
			ps = append(ps, "service extension "+ext+" is not defined")
		}
	}
	if _, ok := c.Service.Pipelines["traces"]; !ok {
		ps = append(ps, "no traces pipeline")
	}
	names := make([]string, 0, len(c.Service.Pipelines))
	for n := range c.Service.Pipelines {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, p := range c.checkPipeline(c.Service.Pipelines[name]) {
			ps = append(ps, "pipeline "+name+": "+p)
		}
	}
	return ps, nil
}

func (c *collectorConfig) checkPipeline(p collectorPipeline) []string {
	var ps []string
	if len(p.Receivers) == 0 {
		ps = append(ps, "no receivers")
	}
	if len(p.Exporters) == 0 {
		ps = append(ps, "no exporters")
	}
	for _, r := range p.Receivers {
		if !defined(r, c.Receivers, c.Connectors) {
			ps = append(ps, "receiver "+r+" is not defined")
		}
	}
	for _, pr := range p.Processors {
		if !defined(pr, c.Processors) {
			ps = append(ps, "processor "+pr+" is not defined")
		}
	}
	for _, e := range p.Exporters {
		if !defined(e, c.Exporters, c.Connectors) {
			ps = append(ps, "exporter "+e+" is not defined")
		}
	}
	grpcIn := false
	for _, r := range p.Receivers {
		if componentType(r) == "otlp" {
			settings, _ := c.Receivers[r].(map[string]any)
			protocols, _ := settings["protocols"].(map[string]any)
			_, grpcIn = protocols["grpc"]
		}
		if grpcIn {
			break
		}
	}
	if !grpcIn {
		ps = append(ps, "no OTLP receiver with the grpc protocol")
	}
	for _, want := range []string{"debug", "file"} {
		found := false
		for _, e := range p.Exporters {
			found = found || componentType(e) == want
		}
		if !found {
			ps = append(ps, fmt.Sprintf("no %s exporter", want))
		}
	}
	return ps
}

// componentType is the type part of a component id "type[/name]".
func componentType(id string) string {
	t, _, _ := strings.Cut(id, "/")
	return t
}

func defined[V any](id string, sections ...map[string]V) bool {
	for _, s := range sections {
		if _, ok := s[id]; ok {
			return true
		}
	}
	return false
}
