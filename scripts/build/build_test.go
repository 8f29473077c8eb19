package main

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestHashName(t *testing.T) {
	a := hashName("main.wasm.gz", []byte("x"))
	if !strings.HasPrefix(a, "main.") || !strings.HasSuffix(a, ".wasm.gz") || len(a) != len("main..wasm.gz")+10 {
		t.Errorf("hashName = %q", a)
	}
	if hashName("app.js", []byte("1")) == hashName("app.js", []byte("2")) {
		t.Error("different content, same name")
	}
	if hashName("app.js", []byte("1")) != hashName("app.js", []byte("1")) {
		t.Error("same content, different names")
	}
}

func TestFill(t *testing.T) {
	out, err := fill("t", []byte(`<script src="{{app.js}}" data-n="{{size:app.js}}">`), map[string]string{"app.js": "app.1.js", "size:app.js": "42"})
	if err != nil || string(out) != `<script src="app.1.js" data-n="42">` {
		t.Errorf("fill = %q, %v", out, err)
	}
	if _, err := fill("t", []byte(`{{app.js}} {{typo.js}}`), map[string]string{"app.js": "x"}); err == nil || !strings.Contains(err.Error(), "typo.js") {
		t.Errorf("unknown placeholder not reported: %v", err)
	}
}

func TestIconAndGzip(t *testing.T) {
	b, err := drawIcon(192)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 192 || img.Bounds().Dy() != 192 {
		t.Fatalf("icon: %v %v", img.Bounds(), err)
	}
	gz, err := gzipBytes(bytes.Repeat([]byte("wasm"), 1000))
	if err != nil || len(gz) < 2 || gz[0] != 0x1f || gz[1] != 0x8b || len(gz) > 200 {
		t.Errorf("gzip: %d bytes, %v", len(gz), err)
	}
}
