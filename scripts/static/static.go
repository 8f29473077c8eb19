// Package static serves the built site folder with the headers the projector
// needs: application/wasm for .wasm, no-cache for the unhashed entry files
// (index.html, sw.js, manifest.webmanifest), a year of immutable caching for
// content-hashed files, and no directory listings or redirects.
package static

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
)

// hashed matches names the build gave a content hash: "app.1a2b3c4d5e.js".
var hashed = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[0-9a-f]{10}\.`)

// contentTypes fixes the types Go's mime table may lack or get wrong.
var contentTypes = map[string]string{
	".wasm":        "application/wasm",
	".gz":          "application/gzip",
	".js":          "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".png":         "image/png",
	".json":        "application/json",
	".tsv":         "text/tab-separated-values; charset=utf-8",
}

// Handler serves the files under dir. Only GET and HEAD are allowed.
func Handler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if name == "/" {
			name = "/index.html"
		}
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		base := path.Base(name)
		h := w.Header()
		if ct, ok := contentTypes[path.Ext(base)]; ok {
			h.Set("Content-Type", ct)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		if hashed.MatchString(base) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, base, st.ModTime(), f)
	})
}
