package kube

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Build runs `kustomize build dir` in-process, with kustomize's default options (no plugins,
// files only from inside the kustomization tree), and returns every object it emits, strictly
// decoded. If any object does not decode, the error names each one that failed.
func Build(dir string) ([]Object, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	objs := make([]Object, 0, m.Size())
	var errs []error
	for _, r := range m.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s/%s: %w", dir, r.GetKind(), r.GetName(), err))
			continue
		}
		o, err := Decode(y)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s/%s: %w", dir, r.GetKind(), r.GetName(), err))
			continue
		}
		objs = append(objs, o)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return objs, nil
}
