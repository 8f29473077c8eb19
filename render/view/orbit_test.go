package view

import (
	"math"
	"math/rand/v2"
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

// In 3D the picker works on the projected positions and, where several
// points cover the cursor, picks the one drawn on top (the nearest).
func TestPicking3DPrefersThePointOnTop(t *testing.T) {
	o := Orbit{}
	// Two points on the view axis: the same screen spot, different depths.
	pos := []float32{0, 0, -1, 0, 0, 1, 5, 5, 0}
	o.FitSphere(pos)
	proj, order := o.ProjectAll(pos, nil, nil)
	p := NewPicker(proj, 2)
	p.SetDrawOrder(order)
	front := int(order[len(order)-1]) // drawn last
	if front != 0 && front != 1 {
		t.Fatalf("the point drawn last is %d, want one of the two on the axis", front)
	}
	x, y := float64(proj[0]), float64(proj[1])
	if got := p.NearestOnTop(x, y, 1, 0.1); got != front {
		t.Fatalf("picked %d, want %d (on top)", got, front)
	}
	if got := p.Nearest(x, y, 1); got != 0 {
		t.Fatalf("Nearest ignores depth: got %d, want the lower index 0", got)
	}

	// A turned random cloud: the pick at each point's projection covers it
	// and is drawn no earlier than it.
	rng := rand.New(rand.NewPCG(5, 6))
	cloud := make([]float32, 3*500)
	for i := range cloud {
		cloud[i] = float32(rng.NormFloat64())
	}
	o = Orbit{Yaw: 0.6, Pitch: 0.35}
	o.FitSphere(cloud)
	proj, order = o.ProjectAll(cloud, nil, nil)
	p = NewPicker(proj, 2)
	p.SetDrawOrder(order)
	rank := make([]int, 500)
	for k, i := range order {
		rank[i] = k
	}
	const cover = 0.05
	for i := 0; i < 500; i++ {
		x, y := float64(proj[2*i]), float64(proj[2*i+1])
		j := p.NearestOnTop(x, y, 0.5, cover)
		dx, dy := float64(proj[2*j])-x, float64(proj[2*j+1])-y
		if j < 0 || dx*dx+dy*dy > cover*cover || rank[j] < rank[i] {
			t.Fatalf("at point %d's projection picked %d (distance %g, rank %d < %d?)", i, j, math.Hypot(dx, dy), rank[j], rank[i])
		}
	}
}
