package session

import (
	"testing"
	"time"
)

func TestMinRedraw(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 100 * time.Millisecond, 10000: 100 * time.Millisecond, 50000: 500 * time.Millisecond, 100000: time.Second, 1000000: time.Second} {
		if got := MinRedraw(n); got != want {
			t.Errorf("MinRedraw(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestRedrawPacer(t *testing.T) {
	var p RedrawPacer
	t0 := time.Unix(0, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	if p.Frame(at(0), 1000, false, true, false) {
		t.Error("redraw with nothing pending")
	}
	if !p.Frame(at(16), 1000, true, true, false) {
		t.Error("the first pending change was not drawn")
	}
	// Fast frames (16 ms): at most every 100 ms while running.
	drawn := 0
	for ms := 32; ms <= 1016; ms += 16 {
		if p.Frame(at(ms), 1000, true, true, false) {
			drawn++
		}
	}
	if drawn < 8 || drawn > 10 {
		t.Errorf("%d redraws in a second of 16 ms frames, want about 10", drawn)
	}
	// Not running: every pending change is drawn; force always is.
	if !p.Frame(at(1020), 1000, true, false, false) || !p.Frame(at(1021), 1000, true, true, true) {
		t.Error("a finished or forced change was held back")
	}
	// Slow redraw frames (300 ms each) stretch the interval to 900 ms.
	var q RedrawPacer
	q.Frame(at(0), 1000, true, true, false) // redraws
	q.Frame(at(300), 1000, true, true, false)
	if q.every != 900*time.Millisecond {
		t.Errorf("interval after a 300 ms redraw frame = %v, want 900ms", q.every)
	}
	// Large layouts: at least a second between redraws.
	var r RedrawPacer
	r.Frame(at(0), 200000, true, true, false)
	if r.Frame(at(500), 200000, true, true, false) {
		t.Error("200,000 points redrawn after 500 ms")
	}
}
