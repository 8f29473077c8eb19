package view

import (
	"math"
	"testing"
)

func TestOrbitFrontViewIsIdentityAtCentreDepth(t *testing.T) {
	o := Orbit{Center: [3]float64{1, 2, 3}, Radius: 10}
	// At yaw = pitch = 0, a point at the centre's depth projects unchanged
	// (relative to the centre).
	x, y, d := o.Project(4, -1, 3)
	if math.Abs(x-3) > 1e-12 || math.Abs(y+3) > 1e-12 || d != 0 {
		t.Errorf("Project = (%v, %v, %v), want (3, -3, 0)", x, y, d)
	}
	// Farther points (larger z) look smaller; nearer ones larger.
	xf, _, df := o.Project(4, 2, 13)
	xn, _, dn := o.Project(4, 2, -7)
	if !(df > 0 && dn < 0 && math.Abs(xf) < 3 && math.Abs(xn) > 3) {
		t.Errorf("far x %v depth %v, near x %v depth %v", xf, df, xn, dn)
	}
}

func TestOrbitRotationPreservesDistanceAtZeroDepth(t *testing.T) {
	o := Orbit{Radius: 1}
	o.Rotate(math.Pi/2, 0)
	// A quarter turn of yaw brings the +z axis to the +x side (or -x) at depth 0.
	x, y, d := o.Project(0, 0, 1)
	if math.Abs(math.Abs(x)-1) > 1e-9 || math.Abs(y) > 1e-9 || math.Abs(d) > 1e-9 {
		t.Errorf("after a quarter turn (0,0,1) projects to (%v, %v, %v)", x, y, d)
	}
	o.Rotate(0, 10) // clamped
	if o.Pitch != maxPitch {
		t.Errorf("pitch %v not clamped", o.Pitch)
	}
}

func TestProjectAllOrdersFarToNear(t *testing.T) {
	o := Orbit{}
	pos := []float32{0, 0, 5, 0, 0, -5, 0, 0, 0, float32(math.NaN()), 0, 0}
	o.FitSphere(pos)
	if o.Center != [3]float64{0, 0, 0} || math.Abs(o.Radius-5) > 1e-9 {
		t.Fatalf("sphere %v r=%v", o.Center, o.Radius)
	}
	proj, order := o.ProjectAll(pos, nil, nil)
	if len(proj) != 8 || len(order) != 4 {
		t.Fatalf("sizes %d %d", len(proj), len(order))
	}
	if order[0] != 0 || order[len(order)-1] != 1 {
		t.Errorf("order %v: want the far point (z=5) first and the near one (z=-5) last", order)
	}
	if !math.IsNaN(float64(proj[6])) {
		t.Errorf("a non-finite point projected to %v", proj[6:8])
	}
}
