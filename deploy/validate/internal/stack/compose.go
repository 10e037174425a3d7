package stack

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// composeFile is the part of a compose file the checks read.
type composeFile struct {
	Services map[string]composeService `json:"services"`
	Secrets  map[string]struct {
		File string `json:"file"`
	} `json:"secrets"`
}

type composeService struct {
	Image       string          `json:"image"`
	Build       *composeBuild   `json:"build"`
	DependsOn   listOrMap       `json:"depends_on"`
	Environment listOrMap       `json:"environment"`
	Volumes     []composeVolume `json:"volumes"`
	Secrets     []composeSecret `json:"secrets"`
}

// composeBuild is a build section, short ("dir") or long ({context, dockerfile, args}).
type composeBuild struct {
	Context    string    `json:"context"`
	Dockerfile string    `json:"dockerfile"`
	Args       listOrMap `json:"args"`
}

func (b *composeBuild) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &b.Context); err == nil {
		return nil
	}
	type plain composeBuild
	return json.Unmarshal(data, (*plain)(b))
}

// composeVolume is a volume entry, short ("src:dst[:ro]") or long ({type, source, target, read_only}).
type composeVolume struct {
	Type     string `json:"type"`
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"read_only"`
}

func (v *composeVolume) UnmarshalJSON(data []byte) error {
	var short string
	if err := json.Unmarshal(data, &short); err != nil {
		type plain composeVolume
		return json.Unmarshal(data, (*plain)(v))
	}
	parts := strings.Split(short, ":")
	switch len(parts) {
	case 1:
		v.Type, v.Target = "volume", parts[0]
		return nil
	case 2, 3:
		v.Source, v.Target = parts[0], parts[1]
		v.ReadOnly = len(parts) == 3 && slices.Contains(strings.Split(parts[2], ","), "ro")
	default:
		return fmt.Errorf("volume %q: want source:target[:mode]", short)
	}
	v.Type = "volume"
	if strings.HasPrefix(v.Source, ".") || strings.HasPrefix(v.Source, "/") || strings.HasPrefix(v.Source, "~") {
		v.Type = "bind"
	}
	return nil
}

// composeSecret is a service's secret entry, short ("name") or long ({source, target}).
type composeSecret struct {
	Source string `json:"source"`
}

func (s *composeSecret) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &s.Source); err == nil {
		return nil
	}
	type plain composeSecret
	return json.Unmarshal(data, (*plain)(s))
}

// CheckCompose reads the compose file at path and returns its problems: a service in required
// that it does not define; a depends_on, an address variable (*_ADDR, OTEL_EXPORTER_OTLP_ENDPOINT,
// MONGODB_URI) or a secret that names nothing defined; a MONGODB_URI without replicaSet (the
// services need a replica set); a build whose Dockerfile, module (MODULE arg, relative to the
// build context) or arguments do not exist; a read-only bind mount, which is an input, whose
// source is missing. Relative paths are resolved from the compose file's directory, as compose does.
func CheckCompose(path string, required []string) ([]string, error) {
	var f composeFile
	if err := readYAML(path, &f); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	var ps []string
	for _, name := range required {
		if _, ok := f.Services[name]; !ok {
			ps = append(ps, "service "+name+" is not defined")
		}
	}
	for _, name := range sortedKeys(f.Services) {
		svc := f.Services[name]
		for _, p := range checkService(dir, &f, &svc) {
			ps = append(ps, "service "+name+": "+p)
		}
	}
	return ps, nil
}

func checkService(dir string, f *composeFile, svc *composeService) []string {
	var ps []string
	for _, dep := range sortedKeys(svc.DependsOn) {
		if _, ok := f.Services[dep]; !ok {
			ps = append(ps, "depends_on "+dep+", which is not a service")
		}
	}
	for _, k := range sortedKeys(svc.Environment) {
		host, problem := addressHost(k, svc.Environment[k])
		if problem != "" {
			ps = append(ps, problem)
			continue
		}
		if _, ok := f.Services[host]; host != "" && !ok {
			ps = append(ps, k+" names host "+host+", which is not a service")
		}
	}
	for _, s := range svc.Secrets {
		if _, ok := f.Secrets[s.Source]; !ok {
			ps = append(ps, "secret "+s.Source+" is not declared")
		}
	}
	for _, v := range svc.Volumes {
		if v.Type == "bind" && v.ReadOnly && !strings.Contains(v.Source, "$") {
			if _, err := os.Stat(filepath.Join(dir, v.Source)); err != nil {
				ps = append(ps, "read-only bind mount "+v.Source+" does not exist")
			}
		}
	}
	if svc.Build != nil {
		ps = append(ps, checkBuild(dir, svc.Build)...)
	}
	return ps
}

// addressHost returns the host an address variable names, or "" for other variables, or a
// problem when an address does not parse or a MongoDB URI names no replica set.
func addressHost(name, value string) (host, problem string) {
	switch {
	case strings.Contains(value, "${"):
		return "", "" // interpolated at run time
	case strings.HasSuffix(name, "_ADDR"):
		h, _, err := net.SplitHostPort(strings.TrimPrefix(value, "dns:///"))
		if err != nil {
			return "", name + "=" + value + " is not host:port"
		}
		return h, ""
	case name == "OTEL_EXPORTER_OTLP_ENDPOINT", name == "MONGODB_URI":
		u, err := url.Parse(value)
		if err != nil || u.Host == "" {
			return "", name + "=" + value + " is not a URL with a host"
		}
		if name == "MONGODB_URI" && u.Query().Get("replicaSet") == "" {
			return "", "MONGODB_URI names no replicaSet; the services need a replica set"
		}
		if strings.Contains(u.Host, ",") {
			return "", "" // a seed list: several hosts, checked by the driver
		}
		return u.Hostname(), ""
	}
	return "", ""
}

func checkBuild(dir string, b *composeBuild) []string {
	ctx := filepath.Join(dir, b.Context)
	dockerfile := b.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	args, err := dockerfileArgs(filepath.Join(ctx, dockerfile))
	if err != nil {
		return []string{"build: " + err.Error()}
	}
	var ps []string
	for _, k := range sortedKeys(b.Args) {
		if !args[k] {
			ps = append(ps, "build arg "+k+" is not an ARG of "+dockerfile)
		}
	}
	if m, ok := b.Args["MODULE"]; ok {
		if _, err := os.Stat(filepath.Join(ctx, m, "go.mod")); err != nil {
			ps = append(ps, "build arg MODULE="+m+" is not a Go module in the build context")
		}
	}
	return ps
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
