package session

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/embproj/projector/parse"
)

// clusterFiles returns a float32 .npy of n points in d dimensions drawn from
// 20 Gaussian clusters (fixed seed) and a labels TSV naming each point's cluster.
func clusterFiles(n, d int) []parse.File {
	r := rand.New(rand.NewSource(1))
	const k = 20
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = r.NormFloat64() * 10
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, d)
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	npy := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	npy = append(npy, header...)
	off := len(npy)
	npy = append(npy, make([]byte, 4*n*d)...)
	var lab strings.Builder
	lab.Grow(n * 12)
	for i := 0; i < n; i++ {
		c := r.Intn(k)
		for j := 0; j < d; j++ {
			binary.LittleEndian.PutUint32(npy[off:], math.Float32bits(float32(centres[c*d+j]+r.NormFloat64())))
			off += 4
		}
		fmt.Fprintf(&lab, "cluster %d\n", c)
	}
	return []parse.File{{Name: "points.npy", Data: npy}, {Name: "labels.tsv", Data: []byte(lab.String())}}
}

// BenchmarkWork1M loads 1,000,000 points × 16 (20 clusters) and runs the
// PCA to ready in Work slices of 20 ms, as the page does: seconds to ready
// and to the end of parsing, the longest Work call and the number of calls.
func BenchmarkWork1M(b *testing.B) {
	files := clusterFiles(1000000, 16)
	for i := 0; i < b.N; i++ {
		s := New()
		s.Open(files, "")
		start := time.Now()
		var longest time.Duration
		calls := 0
		var parsed time.Duration
		for s.Status().Phase != Ready {
			t0 := time.Now()
			s.Work(20 * time.Millisecond)
			if d := time.Since(t0); d > longest {
				longest = d
			}
			if parsed == 0 && s.Status().Phase == Reducing {
				parsed = time.Since(start)
			}
			calls++
			if s.Status().Phase == Error {
				b.Fatal(s.Sentence())
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-to-ready")
		b.ReportMetric(parsed.Seconds(), "s-parse")
		b.ReportMetric(float64(longest.Milliseconds()), "longest-work-ms")
		b.ReportMetric(float64(calls), "calls")
	}
}
