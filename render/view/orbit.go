package view

import "math"

// Orbit views 3D points from a camera circling their centre: Yaw turns
// around the vertical (world y) axis, Pitch tilts up and down, both in
// radians. Project maps a point to 2D "view" coordinates in world units
// (x right, y up), with a mild perspective, and a depth (larger = farther).
// The 2D Camera then pans and zooms the projected coordinates as usual.
type Orbit struct {
	Yaw, Pitch float64
	// Center is the point the camera circles, Radius the data's extent
	// around it (it sets the perspective distance).
	Center [3]float64
	Radius float64
}

// maxPitch keeps the camera from flipping over the poles.
const maxPitch = math.Pi/2 - 0.01

// Rotate turns the view by dyaw and dpitch radians, clamping the pitch to (-π/2, π/2).
func (o *Orbit) Rotate(dyaw, dpitch float64) {
	o.Yaw = math.Mod(o.Yaw+dyaw, 2*math.Pi)
	o.Pitch = math.Max(-maxPitch, math.Min(maxPitch, o.Pitch+dpitch))
}

// FitSphere sets Center and Radius to the bounding box centre and half
// diagonal of the finite points in pos (stride 3).
func (o *Orbit) FitSphere(pos []float32) {
	lo := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
	hi := [3]float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)}
	for i := 0; i+2 < len(pos); i += 3 {
		x, y, z := float64(pos[i]), float64(pos[i+1]), float64(pos[i+2])
		if !finite(x) || !finite(y) || !finite(z) {
			continue
		}
		p := [3]float64{x, y, z}
		for k := 0; k < 3; k++ {
			lo[k] = math.Min(lo[k], p[k])
			hi[k] = math.Max(hi[k], p[k])
		}
	}
	if math.IsInf(lo[0], 1) {
		o.Center, o.Radius = [3]float64{}, 1
		return
	}
	var r2 float64
	for k := 0; k < 3; k++ {
		o.Center[k] = (lo[k] + hi[k]) / 2
		r2 += (hi[k] - lo[k]) * (hi[k] - lo[k]) / 4
	}
	o.Radius = math.Sqrt(r2)
	if o.Radius == 0 {
		o.Radius = 1
	}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Project returns the view coordinates (x right, y up, in world units at the
// centre's distance) and depth of world point (x, y, z). The perspective
// distance is 3×Radius from the centre, so the near side looks up to 1.5×
// larger than the far side.
func (o *Orbit) Project(x, y, z float64) (vx, vy, depth float64) {
	x, y, z = x-o.Center[0], y-o.Center[1], z-o.Center[2]
	sy, cy := math.Sincos(o.Yaw)
	sp, cp := math.Sincos(o.Pitch)
	// Yaw around the y axis, then pitch around the x axis.
	x1 := cy*x + sy*z
	z1 := -sy*x + cy*z
	y2 := cp*y - sp*z1
	z2 := sp*y + cp*z1
	d := 3 * o.Radius
	f := d / (d + z2)
	return x1 * f, y2 * f, z2
}

// depthBuckets is the resolution of the far-to-near ordering.
const depthBuckets = 4096

// ProjectAll projects n = len(pos)/3 points into dst (n×2, reused when large
// enough) and returns it together with the point indices ordered far to near,
// the order to draw them in so that near points cover far ones. The order is
// a counting sort on depth quantised to depthBuckets levels (O(n)); points
// within one level keep their index order.
func (o *Orbit) ProjectAll(pos []float32, dst []float32, order []int32) ([]float32, []int32) {
	n := len(pos) / 3
	if cap(dst) < 2*n {
		dst = make([]float32, 2*n)
	}
	dst = dst[:2*n]
	if cap(order) < n {
		order = make([]int32, n)
	}
	order = order[:n]
	depth := make([]float64, n)
	nan := float32(math.NaN())
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		x, y, z := float64(pos[3*i]), float64(pos[3*i+1]), float64(pos[3*i+2])
		if !finite(x) || !finite(y) || !finite(z) {
			dst[2*i], dst[2*i+1], depth[i] = nan, nan, 0
			continue
		}
		vx, vy, d := o.Project(x, y, z)
		dst[2*i], dst[2*i+1], depth[i] = float32(vx), float32(vy), d
		lo, hi = math.Min(lo, d), math.Max(hi, d)
	}
	// Counting sort, farthest (largest depth) first.
	var count [depthBuckets + 1]int32
	scale := 0.0
	if hi > lo {
		scale = (depthBuckets - 1) / (hi - lo)
	}
	bucket := func(d float64) int {
		// Non-finite points have depth 0 (they are not drawn); clamp it.
		return depthBuckets - 1 - clampInt(int((d-lo)*scale), 0, depthBuckets-1)
	}
	for i := 0; i < n; i++ {
		count[bucket(depth[i])+1]++
	}
	for b := 1; b <= depthBuckets; b++ {
		count[b] += count[b-1]
	}
	for i := 0; i < n; i++ {
		b := bucket(depth[i])
		order[count[b]] = int32(i)
		count[b]++
	}
	return dst, order
}
