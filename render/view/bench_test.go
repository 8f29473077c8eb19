package view

import (
	"math/rand"
	"strconv"
	"testing"
)

func randomLayout(n int) []float32 {
	rng := rand.New(rand.NewSource(3))
	pos := make([]float32, 2*n)
	for i := range pos {
		pos[i] = float32(rng.NormFloat64() * 10)
	}
	return pos
}

// BenchmarkPickerBuild indexes a 2D layout for hover (done when a layout changes).
func BenchmarkPickerBuild(b *testing.B) {
	for _, n := range []int{10000, 100000, 1000000} {
		pos := randomLayout(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				NewPicker(pos, 2)
			}
		})
	}
}

// BenchmarkPickerNearest is one hover query (done every frame the cursor is over the canvas).
func BenchmarkPickerNearest(b *testing.B) {
	pos := randomLayout(100000)
	p := NewPicker(pos, 2)
	rng := rand.New(rand.NewSource(4))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Nearest(rng.Float64()*60-30, rng.Float64()*60-30, 0.3)
	}
}

// BenchmarkProjectAll projects and depth-sorts a 3D layout (done every frame the view turns).
func BenchmarkProjectAll(b *testing.B) {
	for _, n := range []int{10000, 100000, 1000000} {
		rng := rand.New(rand.NewSource(5))
		pos := make([]float32, 3*n)
		for i := range pos {
			pos[i] = float32(rng.NormFloat64())
		}
		o := Orbit{Yaw: 0.5, Pitch: 0.3}
		o.FitSphere(pos)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var dst []float32
			var order []int32
			for i := 0; i < b.N; i++ {
				dst, order = o.ProjectAll(pos, dst, order)
			}
		})
	}
}
