package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"
)

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// spriteFiles builds a config with n 2-D points and a w×h sprite of cell×cell thumbnails.
func spriteFiles(t testing.TB, n, w, h int, cell []int) []File {
	var tsv strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&tsv, "%d\t1\n", i+1)
	}
	emb := map[string]any{"tensorName": "t", "tensorPath": "t.tsv", "sprite": map[string]any{"imagePath": "s.png", "singleImageDim": cell}}
	cfg, _ := json.Marshal(map[string]any{"embeddings": []any{emb}})
	return []File{{Name: "projector_config.json", Data: cfg}, {Name: "t.tsv", Data: []byte(tsv.String())}, {Name: "s.png", Data: pngOf(t, w, h)}}
}

var spriteCases = []struct {
	name   string
	n      int
	w, h   int
	cell   []int
	code   string // "" = near miss, no sprite diagnostic
	cols   int    // Sprite.Columns when loaded
	sprite bool
}{
	{"ok 9 points 3x3 cells", 9, 24, 24, []int{8, 8}, "", 3, true},
	{"ok non-square cells", 4, 20, 16, []int{10, 8}, "", 2, true},
	{"sprite-grid not a multiple", 9, 30, 24, []int{8, 8}, "sprite-grid", 3, true},
	{"sprite-too-few cells", 10, 24, 24, []int{8, 8}, "sprite-too-few", 3, true},
	{"sprite-size cell larger than sheet", 2, 8, 8, []int{16, 16}, "sprite-size", 0, false},
	{"sprite-size zero cell", 2, 8, 8, []int{0, 8}, "sprite-size", 0, false},
	{"sprite-size missing dim, not inferable", 5, 30, 20, nil, "sprite-size", 0, false},
}

func TestSprite(t *testing.T) {
	for _, c := range spriteCases {
		t.Run(c.name, func(t *testing.T) {
			ds, rep := Load(spriteFiles(t, c.n, c.w, c.h, c.cell), Options{})
			if ds == nil {
				t.Fatalf("sprite problems must not block: %v", rep.Diagnostics)
			}
			var got []string
			for _, d := range rep.Diagnostics {
				if strings.HasPrefix(string(d.Code), "sprite-") && d.Severity != Info {
					got = append(got, string(d.Code))
				}
			}
			if c.code == "" && len(got) > 0 || c.code != "" && !slices.Contains(got, c.code) {
				t.Errorf("sprite diagnostics %v, want %q", got, c.code)
			}
			if (ds.Sprite != nil) != c.sprite {
				t.Fatalf("sprite present %v, want %v", ds.Sprite != nil, c.sprite)
			}
			if ds.Sprite != nil && (ds.Sprite.Columns != c.cols || ds.Sprite.Width != c.w || ds.Sprite.Height != c.h) {
				t.Errorf("sprite %d cols %d×%d, want %d cols %d×%d", ds.Sprite.Columns, ds.Sprite.Width, ds.Sprite.Height, c.cols, c.w, c.h)
			}
		})
	}
}

func TestSpriteCell(t *testing.T) {
	s := &Sprite{Width: 24, Height: 16, CellWidth: 8, CellHeight: 8, Columns: 3}
	cases := []struct {
		i              int
		x0, y0, x1, y1 int
		ok             bool
	}{
		{0, 0, 0, 8, 8, true}, {2, 16, 0, 24, 8, true}, {3, 0, 8, 8, 16, true}, {5, 16, 8, 24, 16, true}, {6, 0, 0, 0, 0, false}, {-1, 0, 0, 0, 0, false},
	}
	for _, c := range cases {
		x0, y0, x1, y1, ok := s.Cell(c.i)
		if x0 != c.x0 || y0 != c.y0 || x1 != c.x1 || y1 != c.y1 || ok != c.ok {
			t.Errorf("Cell(%d) = %d,%d,%d,%d,%v", c.i, x0, y0, x1, y1, ok)
		}
	}
}

func TestSpriteInferredCell(t *testing.T) {
	// No singleImageDim: a square sheet of ceil(sqrt(N)) cells per row, as TensorBoard lays it out.
	files := spriteFiles(t, 9, 24, 24, nil)
	ds, rep := Load(files, Options{})
	if ds == nil || ds.Sprite == nil {
		t.Fatalf("no sprite: %v", rep.Diagnostics)
	}
	if ds.Sprite.CellWidth != 8 || ds.Sprite.Columns != 3 {
		t.Errorf("cell %d, columns %d; want 8, 3", ds.Sprite.CellWidth, ds.Sprite.Columns)
	}
}

// spriteCodes returns the codes the sprite cases produce (for TestEveryCode).
func spriteCodes(t *testing.T) []Code {
	var out []Code
	for _, c := range spriteCases {
		_, rep := Load(spriteFiles(t, c.n, c.w, c.h, c.cell), Options{})
		for _, d := range rep.Diagnostics {
			out = append(out, d.Code)
		}
	}
	return out
}
