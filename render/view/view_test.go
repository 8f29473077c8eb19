package view

import (
	"math"
	"math/rand"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)+math.Abs(b)) }

func TestCameraRoundTrip(t *testing.T) {
	c := Camera{CenterX: 3, CenterY: -2, Scale: 40, Width: 800, Height: 600}
	for _, p := range [][2]float64{{0, 0}, {3, -2}, {-10.5, 7.25}, {1e3, -1e3}} {
		sx, sy := c.WorldToScreen(p[0], p[1])
		x, y := c.ScreenToWorld(sx, sy)
		if !near(x, p[0]) || !near(y, p[1]) {
			t.Errorf("round trip of %v gave (%v, %v)", p, x, y)
		}
	}
	sx, sy := c.WorldToScreen(3, -2)
	if sx != 400 || sy != 300 {
		t.Errorf("centre maps to (%v, %v), want (400, 300)", sx, sy)
	}
	// World y grows upwards: a larger y is higher on screen (smaller sy).
	_, up := c.WorldToScreen(3, -1)
	if up >= sy {
		t.Errorf("world y+1 maps to screen y %v, not above %v", up, sy)
	}
}

func TestCameraZoomKeepsCursorPoint(t *testing.T) {
	c := Camera{CenterX: 0, CenterY: 0, Scale: 10, Width: 1000, Height: 500}
	cases := []struct {
		name           string
		sx, sy, factor float64
	}{
		{"in at corner", 10, 20, 2},
		{"out at centre", 500, 250, 0.5},
		{"in off centre", 900, 100, 1.1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wx, wy := c.ScreenToWorld(tc.sx, tc.sy)
			before := c.Scale
			c.ZoomAt(tc.sx, tc.sy, tc.factor, 10)
			if !near(c.Scale, before*tc.factor) {
				t.Errorf("scale %v, want %v", c.Scale, before*tc.factor)
			}
			gx, gy := c.WorldToScreen(wx, wy)
			if !near(gx, tc.sx) || !near(gy, tc.sy) {
				t.Errorf("point under cursor moved from (%v,%v) to (%v,%v)", tc.sx, tc.sy, gx, gy)
			}
		})
	}
}

func TestCameraZoomClamped(t *testing.T) {
	c := Camera{Scale: 10, Width: 100, Height: 100}
	for i := 0; i < 100; i++ {
		c.ZoomAt(50, 50, 10, 10)
	}
	if c.Scale != 10*maxZoom {
		t.Errorf("scale after zooming in far = %v, want clamp %v", c.Scale, 10*maxZoom)
	}
	for i := 0; i < 100; i++ {
		c.ZoomAt(50, 50, 0.1, 10)
	}
	if c.Scale != 10*minZoom {
		t.Errorf("scale after zooming out far = %v, want clamp %v", c.Scale, 10*minZoom)
	}
	s := c.Scale
	c.ZoomAt(50, 50, math.NaN(), 10)
	c.ZoomAt(50, 50, -2, 10)
	if c.Scale != s {
		t.Errorf("invalid factors changed scale to %v", c.Scale)
	}
}

func TestCameraPanFollowsDrag(t *testing.T) {
	c := Camera{Scale: 5, Width: 200, Height: 200}
	sx, sy := c.WorldToScreen(1, 1)
	c.Pan(30, -12)
	gx, gy := c.WorldToScreen(1, 1)
	if !near(gx, sx+30) || !near(gy, sy-12) {
		t.Errorf("after pan (30,-12) point moved from (%v,%v) to (%v,%v)", sx, sy, gx, gy)
	}
}

func TestFitShowsEverything(t *testing.T) {
	pos := []float32{-5, 2, 10, -3, 0, 40, float32(math.NaN()), 1e30}
	b, ok := BoundsOf(pos, 2)
	if !ok || b.MinX != -5 || b.MaxX != 10 || b.MinY != -3 || b.MaxY != 40 {
		t.Fatalf("bounds %+v ok=%v", b, ok)
	}
	c := Camera{Width: 640, Height: 480}
	c.Fit(b, 20)
	for i := 0; i < 3; i++ {
		sx, sy := c.WorldToScreen(float64(pos[2*i]), float64(pos[2*i+1]))
		if sx < 20-1e-9 || sx > 620+1e-9 || sy < 20-1e-9 || sy > 460+1e-9 {
			t.Errorf("point %d at (%v,%v) outside the margin box", i, sx, sy)
		}
	}
	// One point: centred with a finite scale.
	c.Fit(Bounds{1, 1, 1, 1}, 20)
	if sx, sy := c.WorldToScreen(1, 1); sx != 320 || sy != 240 || c.Scale <= 0 {
		t.Errorf("single point at (%v,%v) scale %v", sx, sy, c.Scale)
	}
	if _, ok := BoundsOf([]float32{float32(math.Inf(1)), 0}, 2); ok {
		t.Error("bounds of only non-finite points reported ok")
	}
}

func bruteNearest(pos []float32, x, y, r float64) int {
	best, bestD := -1, r*r
	for i := 0; i < len(pos)/2; i++ {
		dx, dy := float64(pos[2*i])-x, float64(pos[2*i+1])-y
		d := dx*dx + dy*dy
		if d < bestD || (d == bestD && best < 0) {
			best, bestD = i, d
		}
	}
	return best
}

func TestPickerMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 2, 17, 1000, 20000} {
		pos := make([]float32, 2*n)
		for i := range pos {
			pos[i] = float32(rng.NormFloat64() * 10)
		}
		p := NewPicker(pos, 2)
		for q := 0; q < 500; q++ {
			x, y := rng.Float64()*60-30, rng.Float64()*60-30
			r := rng.Float64() * 3
			if got, want := p.Nearest(x, y, r), bruteNearest(pos, x, y, r); got != want {
				t.Fatalf("n=%d query (%v,%v) r=%v: got %d want %d", n, x, y, r, got, want)
			}
		}
	}
}

func TestPickerIgnoresNonFiniteAndStride3(t *testing.T) {
	nan := float32(math.NaN())
	pos := []float32{nan, nan, 0, 1, 1, 9, 5, 5, 5}
	p := NewPicker(pos, 3)
	if got := p.Nearest(1, 1, 0.5); got != 1 {
		t.Errorf("Nearest = %d, want 1", got)
	}
	if got := p.Nearest(0, 0, 0.5); got != -1 {
		t.Errorf("Nearest far from everything = %d, want -1", got)
	}
	if got := NewPicker(nil, 2).Nearest(0, 0, 1); got != -1 {
		t.Errorf("empty picker returned %d", got)
	}
}

func TestCategorize(t *testing.T) {
	idx, legend := Categorize([]string{"10", "2", "b", "2", "a", "10", "2"})
	wantLabels := []string{"2", "10", "a", "b"}
	if len(legend) != len(wantLabels) {
		t.Fatalf("legend %+v", legend)
	}
	for i, l := range wantLabels {
		if legend[i].Label != l {
			t.Errorf("legend[%d] = %q, want %q", i, legend[i].Label, l)
		}
	}
	if legend[0].Count != 3 || legend[1].Count != 2 {
		t.Errorf("counts %d %d", legend[0].Count, legend[1].Count)
	}
	if legend[idx[0]].Label != "10" || legend[idx[1]].Label != "2" || legend[idx[4]].Label != "a" {
		t.Errorf("index %v does not point at the values' entries", idx)
	}
}

func TestCategorizePoolsRareValues(t *testing.T) {
	var vals []string
	for v := 0; v < 30; v++ {
		for k := 0; k <= v; k++ { // value v appears v+1 times
			vals = append(vals, string(rune('A'+v)))
		}
	}
	idx, legend := Categorize(vals)
	if len(legend) != len(Palette) {
		t.Fatalf("legend has %d entries, want %d", len(legend), len(Palette))
	}
	last := legend[len(legend)-1]
	// Values A..K (11 values, 1..11 copies) pool: 66 points.
	if last.Label != OtherLabel || last.Count != 66 || last.Color != OtherColor {
		t.Errorf("pool entry %+v", last)
	}
	if legend[idx[0]].Label != OtherLabel {
		t.Errorf("rarest value not pooled")
	}
	if legend[idx[len(idx)-1]].Label != string(rune('A'+29)) {
		t.Errorf("most frequent value lost its own entry")
	}
}

func TestColorColumn(t *testing.T) {
	cols := [][]string{{"a", "b", "c", "d"}, {"x", "x", "x", "x"}, {"1", "2", "1", "2"}}
	if got := ColorColumn(cols, 3); got != 2 {
		t.Errorf("ColorColumn = %d, want 2", got)
	}
	if got := ColorColumn(cols, 10); got != 0 {
		t.Errorf("ColorColumn = %d, want 0", got)
	}
	if got := ColorColumn(cols[1:2], 10); got != -1 {
		t.Errorf("constant column chosen: %d", got)
	}
}

func TestGradient(t *testing.T) {
	colors, legend, ok := Gradient([]string{"0", "10", "5", "x", "10"})
	if ok {
		t.Errorf("a column with 1 of 5 values not a number counted as numeric")
	}
	colors, legend, ok = Gradient([]string{"0", "10", "5", "", "2.5", "7.5", "1", "2", "3", "4", "6"})
	if !ok || len(colors) != 11 || len(legend) != 5 {
		t.Fatalf("numeric column: ok=%v %d colours %d legend", ok, len(colors), len(legend))
	}
	if colors[0] != Ramp(0) || colors[1] != Ramp(1) || colors[2] != Ramp(0.5) || colors[3] != OtherColor {
		t.Errorf("colours %v", colors[:4])
	}
	if legend[0].Label != "0" || legend[4].Label != "10" || legend[2].Label != "5" {
		t.Errorf("legend %+v", legend)
	}
	same, _, ok := Gradient([]string{"3", "3"})
	if !ok || same[0] != Ramp(0.5) {
		t.Errorf("constant column: %v %v", same, ok)
	}
	if Ramp(-1) != gradientStops[0] || Ramp(2) != gradientStops[4] {
		t.Error("Ramp does not clamp")
	}
}
