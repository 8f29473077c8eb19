package view

import (
	"math"
	"testing"
)

func TestFitCentresTheDataInTheFreeArea(t *testing.T) {
	b := Bounds{MinX: -1, MinY: -2, MaxX: 3, MaxY: 2}
	c := Camera{Width: 1000, Height: 800, Insets: Insets{Top: 10, Right: 300, Bottom: 200, Left: 50}}
	s := c.Fit(b, 20)
	// Free: x 50..700, y 10..600; less the margin 610×550 for a 4×4 box.
	if want := 550.0 / 4; math.Abs(s-want) > 1e-9 || c.Scale != s {
		t.Errorf("scale %v, want %v", s, want)
	}
	x0, y0 := c.WorldToScreen(b.MinX, b.MaxY)
	x1, y1 := c.WorldToScreen(b.MaxX, b.MinY)
	if math.Abs((x0+x1)/2-375) > 1e-9 || math.Abs((y0+y1)/2-305) > 1e-9 {
		t.Errorf("box centred at (%v,%v), want the free area's middle (375,305)", (x0+x1)/2, (y0+y1)/2)
	}
	if x0 < 70-1e-9 || x1 > 680+1e-9 || y0 < 30-1e-9 || y1 > 580+1e-9 {
		t.Errorf("box drawn at (%v,%v)-(%v,%v), outside the free area less the margin", x0, y0, x1, y1)
	}
	if cx, cy := c.FreeCenter(); cx != 375 || cy != 305 {
		t.Errorf("FreeCenter (%v,%v)", cx, cy)
	}
	// A single point goes to the free area's middle too.
	c.Fit(Bounds{MinX: 5, MinY: 5, MaxX: 5, MaxY: 5}, 20)
	if sx, sy := c.WorldToScreen(5, 5); math.Abs(sx-375) > 1e-9 || math.Abs(sy-305) > 1e-9 {
		t.Errorf("single point at (%v,%v)", sx, sy)
	}
}

func TestFreeKeepsAThirdOfEachSide(t *testing.T) {
	c := Camera{Width: 900, Height: 600, Insets: Insets{Top: 500, Bottom: 500, Left: -40, Right: math.NaN()}}
	f := c.Free()
	if f.MinX != 0 || f.MaxX != 900 {
		t.Errorf("bad horizontal insets gave x %v..%v, want 0..900", f.MinX, f.MaxX)
	}
	if math.Abs(f.MaxY-f.MinY-200) > 1e-9 || math.Abs(f.MinY-200) > 1e-9 {
		t.Errorf("insets covering the height left y %v..%v, want 200..400", f.MinY, f.MaxY)
	}
	c.Insets = Insets{}
	if f := c.Free(); f != (Bounds{0, 0, 900, 600}) {
		t.Errorf("no insets: free %+v", f)
	}
}

func TestInsetsOfPanels(t *testing.T) {
	const w, h = 1280, 800
	panels := []Panel{
		{Rect: Bounds{12, 720, 500, 760}},                      // toolbar, bottom-left: bottom 80
		{Rect: Bounds{0, 772, 1280, 800}},                      // status line: bottom 28
		{Rect: Bounds{960, 0, 1280, 800}},                      // inspector, full height: right 320
		{Rect: Bounds{400, 0, 700, 60}},                        // a bar at the top: top 60
		{Rect: Bounds{0, 100, 40, 300}, Side: "top"},           // forced to the top: 300
		{Rect: Bounds{-50, -50, -10, -10}},                     // off screen
		{Rect: Bounds{100, 100, 100, 200}},                     // empty
		{Rect: Bounds{math.NaN(), 0, 10, 10}},                  // bad
		{Rect: Bounds{1200, 700, 1400, 900}, Side: "sideways"}, // unknown side: auto (bottom 100 vs right 80)
	}
	got := InsetsOf(w, h, panels)
	want := Insets{Top: 300, Right: 320, Bottom: 80, Left: 0}
	if got != want {
		t.Errorf("insets %+v, want %+v", got, want)
	}
	if got := InsetsOf(w, h, nil); got != (Insets{}) {
		t.Errorf("no panels: %+v", got)
	}
	if got := (Insets{1, 2, 3, 4}).Scaled(2); got != (Insets{2, 4, 6, 8}) {
		t.Errorf("scaled %+v", got)
	}
	if got := (Insets{1, 5, 3, 0}).Union(Insets{2, 4, 0, 7}); got != (Insets{2, 5, 3, 7}) {
		t.Errorf("union %+v", got)
	}
}

func TestWheelDeltaByMode(t *testing.T) {
	cases := []struct {
		delta float64
		mode  int
		want  float64
	}{
		{100, WheelPixels, 100},
		{-4.5, WheelPixels, -4.5},
		{3, WheelLines, 120},
		{-1, WheelLines, -40},
		{1, WheelPages, 800},
		{7, 9, 7}, // unknown mode: pixels
		{math.NaN(), WheelLines, 0},
		{math.Inf(1), WheelPixels, 0},
	}
	for _, c := range cases {
		if got := WheelDelta(c.delta, c.mode, 800); got != c.want {
			t.Errorf("WheelDelta(%v, %d, 800) = %v, want %v", c.delta, c.mode, got, c.want)
		}
	}
}

func TestWheelZoomFactor(t *testing.T) {
	// One notch: 100 px (Chrome) or 3 lines (Firefox) zooms 1.1–1.2×, out when scrolled down.
	for _, d := range []float64{100, WheelDelta(3, WheelLines, 800)} {
		out, in := WheelZoomFactor(d, false), WheelZoomFactor(-d, false)
		if 1/out < 1.1 || 1/out > 1.2 || in < 1.1 || in > 1.2 {
			t.Errorf("a notch of %v px zooms out %v×, in %v×; want 1.1–1.2×", d, 1/out, in)
		}
		if math.Abs(out*in-1) > 1e-12 {
			t.Errorf("a notch out and back: %v", out*in)
		}
	}
	// Many small trackpad events add up to the same zoom as one big one.
	f := 1.0
	for i := 0; i < 25; i++ {
		f *= WheelZoomFactor(-4, false)
	}
	if math.Abs(f-WheelZoomFactor(-100, false)) > 1e-12 {
		t.Errorf("25 steps of 4 px zoom %v, one of 100 px %v", f, WheelZoomFactor(-100, false))
	}
	// A pinch follows the fingers: deltaY = −100·ln(scale).
	if got := WheelZoomFactor(-100*math.Log(1.3), true); math.Abs(got-1.3) > 1e-12 {
		t.Errorf("a pinch to 1.3× zooms %v×", got)
	}
	// Bounded per event, and bad input does nothing.
	if got := WheelZoomFactor(1e6, false); got != 0.25 {
		t.Errorf("a huge scroll zooms %v, want 0.25", got)
	}
	if got := WheelZoomFactor(-1e6, true); got != 4 {
		t.Errorf("a huge pinch zooms %v, want 4", got)
	}
	for _, d := range []float64{math.NaN(), math.Inf(-1), 0} {
		if got := WheelZoomFactor(d, false); got != 1 {
			t.Errorf("WheelZoomFactor(%v) = %v, want 1", d, got)
		}
	}
}
