// Package web is the browser app of the common operational picture: its TypeScript
// sources (src/), the translation files (src/i18n/), the build (build.mjs, from the pinned
// npm packages of package-lock.json) and the built bundle (dist/), which is committed and
// embedded here so that the gateway builds, vets and serves it without Node.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Assets returns the built app, index.html at its root.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at compile time: it exists
	}
	return sub
}
