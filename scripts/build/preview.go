package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/session"
)

// demoFiles are the bundled demo's files (wasm/demo), in the order the
// page opens them (wasm/main.go openDemo).
var demoFiles = []string{"projector_config.json", "digits_tensors.bytes", "digits_labels.tsv", "digits_sprite.png"}

// demoPreview computes the demo's first view with the page's own session
// code (the PCA of the bundled digits, coloured by label), for app.js to
// draw while the wasm loads. The encoding, little-endian: "PRV1", the
// number of points n (uint32), then per point x, y (float32, the layout's
// units) and r, g, b, a (bytes).
func demoPreview(demoDir string) ([]byte, error) {
	var files []parse.File
	for _, name := range demoFiles {
		b, err := os.ReadFile(filepath.Join(demoDir, name))
		if err != nil {
			return nil, fmt.Errorf("demo preview: %w", err)
		}
		files = append(files, parse.File{Name: name, Data: b})
	}
	s := session.New()
	s.Open(files, "demo preview")
	for i := 0; ; i++ {
		s.Work(50 * time.Millisecond)
		ph := s.Status().Phase
		if ph == session.Ready {
			break
		}
		if ph == session.Error || i > 10000 {
			return nil, fmt.Errorf("demo preview: the demo did not reach ready: %s", s.Sentence())
		}
	}
	pos, dims, cols := s.Positions(), s.LayoutDims(), s.Colors()
	n := len(cols)
	if dims != 2 || len(pos) != n*2 || n == 0 {
		return nil, fmt.Errorf("demo preview: a %d-D layout of %d values for %d colours, want 2-D", dims, len(pos), n)
	}
	out := make([]byte, 8, 8+12*n)
	copy(out, "PRV1")
	binary.LittleEndian.PutUint32(out[4:], uint32(n))
	for i, c := range cols {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(pos[2*i]))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(pos[2*i+1]))
		out = append(out, c.R, c.G, c.B, c.A)
	}
	return out, nil
}
