package static

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestHeaders(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":              "<!doctype html>",
		"sw.js":                   "// sw",
		"manifest.webmanifest":    "{}",
		"main.0123456789.wasm":    "\x00asm",
		"main.abcdef0123.wasm.gz": "\x1f\x8b",
		"app.0123456789.js":       "'use strict';",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := Handler(dir)
	cases := []struct {
		method, path string
		code         int
		ctype, cache string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/sw.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/manifest.webmanifest", 200, "application/manifest+json", "no-cache"},
		{"GET", "/main.0123456789.wasm", 200, "application/wasm", "public, max-age=31536000, immutable"},
		{"GET", "/main.abcdef0123.wasm.gz", 200, "application/gzip", "public, max-age=31536000, immutable"},
		{"HEAD", "/app.0123456789.js", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"GET", "/missing.js", 404, "", ""},
		{"GET", "/sub", 404, "", ""},
		{"GET", "/../../etc/passwd", 404, "", ""},
		{"POST", "/index.html", 405, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d", rec.Code, tc.code)
			}
			if tc.code != http.StatusOK {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			if rec.Header().Get("Content-Encoding") != "" {
				t.Errorf("Content-Encoding %q: files are served as stored", rec.Header().Get("Content-Encoding"))
			}
		})
	}
}
