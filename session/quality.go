package session

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/render/view"
)

// Projection quality: how many of each point's QualityK nearest neighbours
// in the space the projection ran on (the vectors, standardised when that is
// on; euclidean) are among its QualityK nearest in the layout shown (2D or
// 3D): the recall@10 of reduce/BENCHMARKS.md, point by point. It is computed
// while the points are coloured by it ("color-by" "quality"), once the
// projection has settled (PCA done, t-SNE finished or paused), and again
// when the layout changes, in Work's time slices:
//   - the input neighbours are reused from the t-SNE run when it searched the
//     input itself exactly (reduce.TSNE.InputNeighbours), else found with
//     reduce.KNN (exact up to N²·D = 2e10, e.g. 14,000 × 100; NN-descent
//     beyond, which data-state's quality.exact says) in the page's worker
//     when there is one (SetRemoteIndexFactory), else here;
//   - the layout neighbours are exact (reduce.LayoutKNN).

// QualityK is the neighbourhood size of the projection quality.
const QualityK = 10

// colorQuality is colorCol while the points are coloured by the quality.
const colorQuality = -2

// QualityStatus is data-state's "quality" while the points are coloured by
// the projection quality.
type QualityStatus struct {
	// K is the neighbourhood size: QualityK, or N−1 for fewer points.
	K int `json:"k"`
	// Done: Mean and the colours are those of the layout shown; until then
	// Progress (0..1) says how far the computation is.
	Done     bool    `json:"done"`
	Progress float64 `json:"progress"`
	// Mean is the mean share of neighbours kept (recall@K), once done.
	Mean float64 `json:"mean"`
	// Exact: the input-space neighbours are exact (not NN-descent's);
	// Reused: they came from the t-SNE run; Worker: they were searched in
	// the page's worker, off its thread.
	Exact  bool `json:"exact"`
	Reused bool `json:"reused,omitempty"`
	Worker bool `json:"worker,omitempty"`
}

// quality is the state of the projection quality computation.
type quality struct {
	wanted bool           // the points are coloured by it
	of     *parse.Dataset // the data the rest is about

	// The input neighbours: of input (compared by identity), n×k, found
	// by search (nil once done or reused).
	input  []float32
	search *reduce.KNN
	// remote is the same search in the page's worker (asked once every
	// vector went over), nil when it runs here instead.
	remote         RemoteIndex
	asked          bool
	nbr            []int32
	k              int
	exact, reused  bool
	worker         bool      // nbr came from the worker's search
	layoutOf       []float32 // a copy of the layout the values are of
	layoutGen      uint64    // the session's layoutGen when layoutOf was taken
	lay            *reduce.LayoutKNN
	values         []uint8 // per shown point: neighbours kept, 0..k; nil until done
	mean           float64
	layoutProgress float64
	// The counting, once both neighbour lists are known: counts[:next]
	// are done and add up to total.
	counts      []uint8
	next, total int
}

// inputNeighbours is an Embedder that can hand over the kNN of its input.
type inputNeighbours interface {
	InputNeighbours() (nbr []int32, k int, exact bool)
}

// qualityK is the neighbourhood size for the shown data.
func (s *Session) qualityK() int { return max(0, min(QualityK, s.data.N-1)) }

// colorByQuality colours the points by the quality (grey until it is known)
// and makes Work compute it.
func (s *Session) colorByQuality() {
	s.colorCol, s.qual.wanted = colorQuality, true
	s.qualityFor()
	s.qualityColors()
}

// qualityColors sets the colours and legend from the quality values: a
// ramp from 0 to k neighbours kept, the same for every layout.
func (s *Session) qualityColors() {
	n, k := s.data.N, s.qualityK()
	s.colors = make([]color.RGBA, n)
	s.legend = nil
	if s.qual.values == nil {
		for i := range s.colors {
			s.colors[i] = view.OtherColor
		}
		s.legendTitle = "projection quality (computing…)"
		return
	}
	for i, v := range s.qual.values {
		s.colors[i] = view.Ramp(float64(v) / float64(max(k, 1)))
	}
	for v := 0; v <= k; v += max(1, k/5) {
		s.legend = append(s.legend, view.Category{Label: fmt.Sprintf("%d of %d", v, k), Color: view.Ramp(float64(v) / float64(max(k, 1)))})
	}
	s.legendTitle = fmt.Sprintf("neighbours kept, mean recall@%d %.3f", k, s.qual.mean)
}

// qualityFor forgets what was computed for other data than those shown.
func (s *Session) qualityFor() {
	if s.qual.of != s.data {
		s.qual.closeRemote()
		s.qual = quality{wanted: s.qual.wanted, of: s.data}
	}
}

// workQuality advances the quality computation until deadline, once the
// projection has settled, and reports what changed.
func (s *Session) workQuality(deadline time.Time) Changes {
	q := &s.qual
	if !q.wanted || s.data == nil || s.status.Phase != Ready {
		return Changes{}
	}
	s.qualityFor()
	if q.layoutGen != s.layoutGen || q.lay == nil && q.values == nil {
		q.layoutGen = s.layoutGen
		if pos := s.Positions(); !slices.Equal(pos, q.layoutOf) || q.lay == nil && q.values == nil {
			q.layoutOf = slices.Clone(pos)
			q.lay = reduce.NewLayoutKNN(q.layoutOf, s.data.N, s.layoutDims, s.qualityK())
			q.counts = nil
			if q.values != nil {
				q.values = nil
				s.qualityColors()
				return Changes{Status: true, Style: true, Points: true}
			}
		}
	}
	if q.values != nil {
		return Changes{}
	}
	s.startInputNeighbours()
	s.pollRemoteNeighbours(deadline)
	for q.search != nil && time.Now().Before(deadline) {
		if q.search.Step() {
			q.nbr, q.k, q.exact, q.search = q.search.Neighbors(), q.search.K(), !q.search.Approximate(), nil
		}
	}
	for q.lay != nil && q.lay.Progress() < 1 && time.Now().Before(deadline) {
		q.lay.Step()
	}
	if q.search != nil || q.remote != nil || q.lay == nil || q.lay.Progress() < 1 || !s.countQuality(deadline) {
		return Changes{Status: true}
	}
	return Changes{Status: true, Style: true, Points: true}
}

// startInputNeighbours finds the input neighbours of the shown input: taken
// from the t-SNE run when it has them exactly, else by a search of its own.
func (s *Session) startInputNeighbours() {
	q := &s.qual
	in := s.input()
	if len(in) > 0 && len(q.input) == len(in) && &q.input[0] == &in[0] {
		return
	}
	q.closeRemote()
	q.input, q.search, q.nbr, q.reused, q.worker, q.counts = in, nil, nil, false, false, nil
	if t, ok := s.run.(inputNeighbours); ok {
		if nbr, k, exact := t.InputNeighbours(); exact && k >= s.qualityK() && len(nbr) == s.data.N*k {
			q.nbr, q.k, q.exact, q.reused = nbr, k, true, true
			return
		}
	}
	if s.newRemote != nil {
		if r := s.newRemote(in, s.data.N, s.data.D); r != nil {
			q.remote, q.asked = r, false
			return
		}
	}
	q.search = reduce.NewKNN(in, s.data.N, s.data.D, s.qualitySearch())
}

// qualitySearch configures the search for the input neighbours; the
// worker's search for every row (RemoteIndex.Query with AllRows) is the same.
func (s *Session) qualitySearch() reduce.KNNConfig {
	return reduce.KNNConfig{K: qualityCandidates * s.qualityK(), Metric: reduce.Euclidean, Seed: 1}
}

// pollRemoteNeighbours hands the input over to the worker, asks for every
// row's neighbours and takes them in once they come; when the worker fails,
// the search runs here instead.
func (s *Session) pollRemoteNeighbours(deadline time.Time) {
	q := &s.qual
	if q.remote == nil {
		return
	}
	if !q.asked {
		if !q.remote.Advance(deadline) {
			return
		}
		q.remote.Query(AllRows, s.qualitySearch().K, reduce.Euclidean)
		q.asked = true
	}
	rows, _, done, err := q.remote.Poll()
	switch {
	case err != nil:
		q.closeRemote()
		q.search = reduce.NewKNN(q.input, s.data.N, s.data.D, s.qualitySearch())
	case done:
		n := s.data.N
		q.nbr, q.k, q.exact, q.worker = rows, len(rows)/max(n, 1), s.qualitySearch().IsExact(n, s.data.D), true
		q.closeRemote()
	}
}

// closeRemote forgets the worker's search and its copy of the input.
func (q *quality) closeRemote() {
	if q.remote != nil {
		q.remote.Close()
	}
	q.remote, q.asked = nil, false
}

// qualityCandidates: the input neighbours are searched (or reused) as
// qualityCandidates·k candidates, which rerank orders exactly.
const qualityCandidates = 2

// rerank returns point i's k nearest among its candidates cand (nearest
// first by the search's float32 distances), by squared distance in float64
// and, when equal, by index: the order a brute-force search gives, which the
// float32 search's rounding and its ties at the k-th place need not.
func (s *Session) rerank(i int, cand []int32, k int, out []int32, scratch []candidate) {
	in, d := s.qual.input, s.data.D
	cs := scratch[:len(cand)]
	for a, j := range cand {
		sum := 0.0
		for t := 0; t < d; t++ {
			v := float64(in[i*d+t]) - float64(in[int(j)*d+t])
			sum += v * v
		}
		cs[a] = candidate{j, sum}
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		if a.d != b.d {
			return cmp.Compare(a.d, b.d)
		}
		return cmp.Compare(a.j, b.j)
	})
	for a := 0; a < k; a++ {
		out[a] = cs[a].j
	}
}

// candidate is an input neighbour and its squared distance.
type candidate struct {
	j int32
	d float64
}

// countQuality counts, for the points until deadline (64 at least), the
// input neighbours among their layout neighbours, and once every point is
// counted colours the points by it and reports true.
func (s *Session) countQuality(deadline time.Time) bool {
	q := &s.qual
	n, k := s.data.N, s.qualityK()
	if q.counts == nil {
		q.counts, q.next, q.total = make([]uint8, n), 0, 0
	}
	lay := q.lay.Neighbors()
	in := make([]int32, k)
	scratch := make([]candidate, qualityCandidates*k)
	for i := q.next; i < n; i++ {
		if i > q.next && i%64 == 0 && time.Now().After(deadline) {
			q.next = i
			return false
		}
		s.rerank(i, q.nbr[i*q.k:i*q.k+min(q.k, qualityCandidates*k)], k, in, scratch)
		on := lay[i*k : i*k+k]
		kept := 0
		for _, j := range in {
			if slices.Contains(on, j) {
				kept++
			}
		}
		q.counts[i], q.total = uint8(kept), q.total+kept
	}
	q.values, q.counts, q.next = q.counts, nil, 0
	q.mean = 0
	if n > 0 && k > 0 {
		q.mean = float64(q.total) / float64(n*k)
	}
	q.lay = nil
	if s.colorCol == colorQuality {
		s.qualityColors()
		s.describe()
	}
	return true
}

// qualityStatus is data-state's "quality", nil unless coloured by it.
func (s *Session) qualityStatus() *QualityStatus {
	q := &s.qual
	if !q.wanted || s.data == nil {
		return nil
	}
	st := &QualityStatus{K: s.qualityK(), Done: s.qualityCurrent(), Exact: q.exact, Reused: q.reused, Worker: q.worker}
	switch {
	case st.Done:
		st.Mean, st.Progress = q.mean, 1
	case q.search != nil:
		st.Progress = q.search.Progress() / 2
	case q.nbr != nil && q.lay != nil:
		st.Progress = 0.5 + q.lay.Progress()/2
	}
	return st
}

// qualityCurrent reports whether the quality values are those of the
// layout shown.
func (s *Session) qualityCurrent() bool {
	q := &s.qual
	if q.values == nil || s.data == nil || q.of != s.data {
		return false
	}
	if q.layoutGen == s.layoutGen {
		return true
	}
	return slices.Equal(q.layoutOf, s.Positions())
}

// QualityValues returns the share of neighbours kept by every shown point
// (0..1, recall@K) for the layout shown, or nil while unknown.
func (s *Session) QualityValues() []float64 {
	q := &s.qual
	if !s.qualityCurrent() {
		return nil
	}
	k := float64(max(s.qualityK(), 1))
	out := make([]float64, len(q.values))
	for i, v := range q.values {
		out[i] = float64(v) / k
	}
	return out
}
