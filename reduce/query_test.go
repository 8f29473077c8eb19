package reduce

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// bruteNeighbours ranks every other row by a float64 distance to row i.
func bruteNeighbours(x []float32, n, d, i, k int, m Metric) ([]int32, []float64) {
	dist := make([]float64, n)
	for j := 0; j < n; j++ {
		var dot, na, nb, sq float64
		for t := 0; t < d; t++ {
			a, b := float64(x[i*d+t]), float64(x[j*d+t])
			dot += a * b
			na += a * a
			nb += b * b
			sq += (a - b) * (a - b)
		}
		if m == Euclidean {
			dist[j] = math.Sqrt(sq)
		} else if na == 0 || nb == 0 {
			dist[j] = 1
		} else {
			dist[j] = 1 - dot/math.Sqrt(na*nb)
		}
	}
	rows := make([]int32, 0, n-1)
	for j := 0; j < n; j++ {
		if j != i {
			rows = append(rows, int32(j))
		}
	}
	sort.SliceStable(rows, func(a, b int) bool { return dist[rows[a]] < dist[rows[b]] })
	rows = rows[:k]
	out := make([]float64, k)
	for t, r := range rows {
		out[t] = dist[r]
	}
	return rows, out
}

func TestNeighbourQueryMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, d = 403, 37
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	copy(x[10*d:11*d], x[20*d:21*d]) // a duplicate row
	for t := 0; t < d; t++ {
		x[30*d+t] = 0 // a zero row
	}
	ix, err := NewNeighbourIndex(x, n, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Metric{Cosine, Euclidean} {
		for _, c := range []struct{ of, k, rows int }{{0, 10, 7}, {20, 100, 1000}, {402, 5, 1}, {30, 3, 64}, {7, 5000, 50}} {
			q, err := ix.Query(c.of, c.k, m)
			if err != nil {
				t.Fatal(err)
			}
			steps := 0
			for !q.Step(c.rows) {
				steps++
			}
			rows, dist := q.Result()
			k := min(c.k, n-1)
			if len(rows) != k || q.K() != k {
				t.Fatalf("%v of %d k %d: %d neighbours, want %d", m, c.of, c.k, len(rows), k)
			}
			want, wantDist := bruteNeighbours(x, n, d, c.of, k, m)
			for r := range rows {
				if math.Abs(float64(dist[r])-wantDist[r]) > 1e-4*(1+wantDist[r]) {
					t.Fatalf("%v of %d: neighbour %d at %g, brute force %g", m, c.of, r, dist[r], wantDist[r])
				}
				if r > 0 && dist[r] < dist[r-1] {
					t.Fatalf("%v of %d: distances not ascending at %d", m, c.of, r)
				}
				if int(rows[r]) == c.of {
					t.Fatalf("%v: the query row is its own neighbour", m)
				}
			}
			// Rows may differ from brute force only among (near) ties.
			for r := range rows {
				if rows[r] != want[r] && math.Abs(float64(dist[r])-wantDist[r]) > 1e-4 {
					t.Fatalf("%v of %d: neighbour %d is row %d, brute force row %d", m, c.of, r, rows[r], want[r])
				}
			}
			if c.of == 20 && rows[0] != 10 {
				t.Fatalf("%v: the duplicate row 10 is not row 20's nearest (got %d)", m, rows[0])
			}
		}
	}
}

func TestNeighbourQueryBadInput(t *testing.T) {
	if _, err := NewNeighbourIndex(make([]float32, 5), 2, 3); err == nil {
		t.Fatal("5 values for 2×3 accepted")
	}
	ix, _ := NewNeighbourIndex(make([]float32, 6), 2, 3)
	if _, err := ix.Query(2, 1, Cosine); err == nil {
		t.Fatal("row 2 of 2 accepted")
	}
	q, _ := ix.Query(0, 10, Cosine)
	for !q.Step(1) {
	}
	if rows, dist := q.Result(); len(rows) != 1 || rows[0] != 1 || dist[0] != 1 {
		t.Fatalf("zero vectors: %v %v, want row 1 at distance 1", rows, dist)
	}
}

// BenchmarkNeighbourQuery100kx768 is one exact query over 100,000×768
// (the inspector's neighbour list; target ≤ 150 ms in js/wasm), cosine
// with norms already known, and the first cosine query that learns them.
func BenchmarkNeighbourQuery100kx768(b *testing.B) {
	const n, d = 100000, 768
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, c := range []struct {
		name string
		m    Metric
		cold bool
	}{{"cosine", Cosine, false}, {"cosine-first", Cosine, true}, {"euclidean", Euclidean, false}} {
		b.Run(c.name, func(b *testing.B) {
			ix, _ := NewNeighbourIndex(x, n, d)
			if !c.cold {
				q, _ := ix.Query(0, 100, c.m)
				for !q.Step(n) {
				}
			}
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				if c.cold {
					b.StopTimer()
					ix, _ = NewNeighbourIndex(x, n, d)
					b.StartTimer()
				}
				q, _ := ix.Query(it%n, 100, c.m)
				for !q.Step(4096) {
				}
			}
		})
	}
}
