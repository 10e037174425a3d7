package policy

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func ptr[T any](v T) *T { return &v }

func TestCheckImage(t *testing.T) {
	for _, tt := range []struct {
		image string
		want  []string
	}{
		{"tansiq/gateway:v0.1.0", nil},
		{"registry.example.org:5000/tansiq/gateway:v0.1.0", nil},
		{"tansiq/gateway@sha256:0123abcd", nil},
		{"registry.example.org:5000/tansiq/gateway", []string{"image registry.example.org:5000/tansiq/gateway has no tag"}},
		{"tansiq/gateway", []string{"image tansiq/gateway has no tag"}},
		{"tansiq/gateway:latest", []string{"image tansiq/gateway:latest uses the latest tag"}},
	} {
		got := checkImage(&corev1.Container{Image: tt.image})
		if !slices.Equal(got, tt.want) {
			t.Errorf("checkImage(%q) = %q, want %q", tt.image, got, tt.want)
		}
	}
}

func TestCheckSecurityReadsContainerOverPod(t *testing.T) {
	hardened := func() *corev1.SecurityContext {
		return &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr(false),
			ReadOnlyRootFilesystem:   ptr(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		}
	}
	for _, tt := range []struct {
		name      string
		pod       *corev1.PodSecurityContext
		container func(*corev1.SecurityContext)
		want      []string
	}{
		{"non-root from the pod", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)}, func(*corev1.SecurityContext) {}, nil},
		{"container overrides pod non-root", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			func(c *corev1.SecurityContext) { c.RunAsNonRoot = ptr(false) }, []string{"runAsNonRoot is not true"}},
		{"container non-root without pod", nil, func(c *corev1.SecurityContext) { c.RunAsNonRoot = ptr(true) }, nil},
		{"uid 0 from the pod", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(0))},
			func(*corev1.SecurityContext) {}, []string{"runs as uid 0"}},
		{"escalation unset", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			func(c *corev1.SecurityContext) { c.AllowPrivilegeEscalation = nil }, []string{"allowPrivilegeEscalation is not false"}},
		{"writable root", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			func(c *corev1.SecurityContext) { c.ReadOnlyRootFilesystem = nil }, []string{"readOnlyRootFilesystem is not true"}},
		{"adds a capability", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			func(c *corev1.SecurityContext) { c.Capabilities.Add = []corev1.Capability{"NET_BIND_SERVICE"} }, []string{"adds capabilities"}},
		{"drops only some", &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			func(c *corev1.SecurityContext) { c.Capabilities.Drop = []corev1.Capability{"NET_RAW"} }, []string{"capabilities do not drop ALL"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sc := hardened()
			tt.container(sc)
			got := checkSecurity(tt.pod, &corev1.Container{SecurityContext: sc})
			if !slices.Equal(got, tt.want) {
				t.Errorf("checkSecurity = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContainerEnvOrder(t *testing.T) {
	s := &set{configMaps: map[nsName]*corev1.ConfigMap{
		{"tansiq", "config"}: {Data: map[string]string{"TANSIQ_REFLECTION": "true", "TANSIQ_LISTEN": ":1"}},
	}}
	c := &corev1.Container{
		EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "config"}}},
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}}},
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "maybe"}, Optional: ptr(true)}},
		},
		Env: []corev1.EnvVar{
			{Name: "TANSIQ_LISTEN", Value: ":7001"},
			{Name: "TANSIQ_REFLECTION", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "k"}}},
			{Name: "X", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "config"}, Key: "missing"}}},
		},
	}
	env, problems := s.containerEnv("tansiq", c)
	if got, want := env["TANSIQ_LISTEN"], ":7001"; got != want {
		t.Errorf("TANSIQ_LISTEN = %q, want %q (env wins over envFrom)", got, want)
	}
	if v, ok := env["TANSIQ_REFLECTION"]; ok {
		t.Errorf("TANSIQ_REFLECTION = %q, want it unknown (a Secret replaces the ConfigMap value)", v)
	}
	want := []string{"envFrom ConfigMap absent is not in the build", "env X: ConfigMap config has no key missing"}
	if !slices.Equal(problems, want) {
		t.Errorf("problems = %q, want %q", problems, want)
	}
}

func TestMountForPicksDeepest(t *testing.T) {
	c := &corev1.Container{VolumeMounts: []corev1.VolumeMount{
		{Name: "etc", MountPath: "/etc/tansiq"},
		{Name: "tls", MountPath: "/etc/tansiq/tls/"},
		{Name: "tlsx", MountPath: "/etc/tansiq/tlsx"},
	}}
	for _, tt := range []struct{ path, want string }{
		{"/etc/tansiq/tls/tls.crt", "tls"},
		{"/etc/tansiq/jwt/public.pem", "etc"},
		{"/etc/tansiq/tlsx/ca.crt", "tlsx"},
		{"/etc/other/ca.crt", ""},
	} {
		got := ""
		if m := mountFor(c, tt.path); m != nil {
			got = m.Name
		}
		if got != tt.want {
			t.Errorf("mountFor(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestPortOf(t *testing.T) {
	for _, tt := range []struct {
		addr    string
		want    int32
		wantErr bool
	}{
		{":8081", 8081, false},
		{"0.0.0.0:7000", 7000, false},
		{"[::]:7001", 7001, false},
		{"8081", 0, true},
		{":http", 0, true},
		{":0", 0, true},
		{":70000", 0, true},
	} {
		got, err := portOf(tt.addr)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("portOf(%q) = %d, %v; want %d, error %v", tt.addr, got, err, tt.want, tt.wantErr)
		}
	}
}
