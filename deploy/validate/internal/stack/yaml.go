package stack

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// readYAML decodes a YAML file into v. It is deliberately not strict: compose and the collector
// accept many fields this package does not model, and the checks are on what it does model.
func readYAML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// listOrMap is a compose field written either as a list of strings or as a map whose keys are
// the names (depends_on), or a list of KEY=VALUE strings or a map (environment).
type listOrMap map[string]string

func (l *listOrMap) UnmarshalJSON(b []byte) error {
	*l = listOrMap{}
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		for _, item := range list {
			k, v, _ := strings.Cut(item, "=")
			(*l)[k] = v
		}
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("want a list or a map: %w", err)
	}
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			(*l)[k] = ""
		case string:
			(*l)[k] = v
		default:
			(*l)[k] = fmt.Sprint(v) // numbers and bools in environment, objects in depends_on
		}
	}
	return nil
}
