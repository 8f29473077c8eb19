package view

import (
	"math"
	"testing"
)

func TestLassoContains(t *testing.T) {
	square := Lasso{0, 0, 10, 0, 10, 10, 0, 10}
	// A U shape: the notch between its arms is outside.
	u := Lasso{0, 0, 30, 0, 30, 30, 20, 30, 20, 10, 10, 10, 10, 30, 0, 30}
	// A figure eight (self-intersecting): both loops count, even-odd.
	eight := Lasso{0, 0, 20, 10, 20, 0, 0, 10}
	for _, c := range []struct {
		name string
		l    Lasso
		x, y float64
		want bool
	}{
		{"square centre", square, 5, 5, true},
		{"square outside", square, 15, 5, false},
		{"square left of", square, -1, 5, false},
		{"u arm", u, 5, 20, true},
		{"u notch", u, 15, 20, false},
		{"u base", u, 15, 5, true},
		{"eight left loop", eight, 2, 5, true},
		{"eight right loop", eight, 18, 5, true},
		{"eight above crossing", eight, 10, 8, false},
		{"two vertices", Lasso{0, 0, 10, 10}, 5, 5, false},
	} {
		if got := c.l.Contains(c.x, c.y); got != c.want {
			t.Errorf("%s: Contains(%g, %g) = %v", c.name, c.x, c.y, got)
		}
	}
}

func TestBoxAndInside(t *testing.T) {
	b := Box{X0: 30, Y0: 40, X1: 10, Y1: 20} // corners in either order
	if !b.Contains(10, 20) || !b.Contains(20, 30) || b.Contains(31, 30) {
		t.Fatal("box containment wrong")
	}
	cam := Camera{CenterX: 0, CenterY: 0, Scale: 10, Width: 200, Height: 100}
	// World (x, y) is at screen (100 + 10x, 50 − 10y).
	pos := []float32{0, 0, 1, 1, -5, 0, 3, -1, float32(math.NaN()), 0}
	got := Inside(Box{X0: 95, Y0: 35, X1: 135, Y1: 65}, pos, 2, &cam)
	if len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 3 {
		t.Fatalf("inside the box: %v, want [0 1 3]", got)
	}
	tri := Lasso{80, 70, 130, 70, 105, 20} // around (0,0) and (1,1), not (3,−1)
	if got := Inside(tri, pos, 2, &cam); len(got) != 2 || got[0] != 0 || got[1] != 1 {
		t.Fatalf("inside the lasso: %v, want [0 1]", got)
	}
}
