package policy

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// checkImage requires an explicit tag other than latest, or a digest, so that what runs is
// what was released and a restart does not pull something else.
func checkImage(c *corev1.Container) []string {
	if strings.Contains(c.Image, "@sha256:") {
		return nil
	}
	// The tag follows the last colon after the last slash; a colon before it is a registry port.
	tag := ""
	if i := strings.LastIndex(c.Image, ":"); i > strings.LastIndex(c.Image, "/") {
		tag = c.Image[i+1:]
	}
	switch tag {
	case "":
		return []string{"image " + c.Image + " has no tag"}
	case "latest":
		return []string{"image " + c.Image + " uses the latest tag"}
	}
	return nil
}
