package view

import (
	"math/rand/v2"
	"testing"
)

func TestLabelPlacerNoOverlap(t *testing.T) {
	var p LabelPlacer
	p.Reset(800, 600, 16)
	rng := rand.New(rand.NewPCG(1, 1))
	var placed []Bounds
	for i := 0; i < 5000; i++ {
		x, y := rng.Float64()*820-10, rng.Float64()*620-10
		b := Bounds{x, y, x + 20 + rng.Float64()*80, y + 16}
		if p.Place(b, false) {
			placed = append(placed, b)
		}
	}
	if len(placed) < 100 || p.Len() != len(placed) {
		t.Fatalf("placed %d of 5,000 labels (Len %d)", len(placed), p.Len())
	}
	for i, a := range placed {
		if a.MinX < 0 || a.MinY < 0 || a.MaxX > 800 || a.MaxY > 600 {
			t.Fatalf("label %d off screen: %+v", i, a)
		}
		for _, b := range placed[:i] {
			if overlaps(a, b) {
				t.Fatalf("labels overlap: %+v and %+v", a, b)
			}
		}
	}
	// A forced label is placed over others and then blocks what it covers.
	forced := Bounds{100, 100, 300, 130}
	if !p.Place(forced, true) {
		t.Fatal("a forced label was refused")
	}
	if p.Place(Bounds{150, 110, 160, 120}, false) {
		t.Fatal("a label inside a forced one was placed")
	}
	// Touching edges are not an overlap; Reset empties it.
	p.Reset(100, 100, 10)
	if !p.Place(Bounds{0, 0, 10, 10}, false) || !p.Place(Bounds{10, 0, 20, 10}, false) || p.Place(Bounds{5, 5, 15, 15}, false) {
		t.Fatal("edge-touching placement wrong")
	}
}

func TestSpreadIsAPermutation(t *testing.T) {
	for _, n := range []int{1, 2, 10, 1797, 100000} {
		seen := make([]bool, n)
		for k := 0; k < n; k++ {
			i := Spread(k, n)
			if i < 0 || i >= n || seen[i] {
				t.Fatalf("n %d: Spread(%d) = %d repeats or is out of range", n, k, i)
			}
			seen[i] = true
		}
	}
	// The first few are spread over the range, not bunched at its start.
	if i := Spread(1, 1000); i < 300 || i > 700 {
		t.Fatalf("Spread(1, 1000) = %d, want near the middle", i)
	}
}

func TestSpriteSideFollowsZoom(t *testing.T) {
	if SpriteSide(1) != 20 || SpriteSide(4) != 40 || SpriteSide(0.25) != 10 {
		t.Fatalf("sides %g %g %g, want 20 40 10", SpriteSide(1), SpriteSide(4), SpriteSide(0.25))
	}
	if SpriteSide(1e6) != 160 || SpriteSide(1e-6) != 6 || SpriteSide(0) != 20 {
		t.Fatal("sides not clamped")
	}
}
