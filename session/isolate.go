package session

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// Isolation: the current projection re-run on the selected points only,
// the full view kept aside so that ShowAll restores it as it was (its
// layout is not recomputed). While isolated, every row number the session
// reports or takes (status, inspector, Select via Control) is a row of the
// full data.

// isolation is the full view while a subset is shown.
type isolation struct {
	full *parse.Dataset
	// rows[i] is the full-data row of shown point i, ascending.
	rows []int32

	set                    Settings
	pca                    *reduce.PCA
	pcaDone, runShown      bool
	runState               runState
	run                    Embedder // frozen: its positions as they were
	runMethod              Method
	layout                 []float32
	layoutDims             int
	colorCol               int
	metric                 reduce.Metric
	labelCol, searchColumn int
	query                  string
	neighbourK             int
	remote                 remoteState // the full data's remote index
}

// minIsolate is the fewest points a projection can be re-run on.
const minIsolate = 3

// Isolated reports whether a subset is shown, and how many points it has.
func (s *Session) Isolated() (bool, int) {
	if s.iso == nil || s.data == nil {
		return false, 0
	}
	return true, s.data.N
}

// fullRow maps a shown point to its row in the full data.
func (s *Session) fullRow(i int) int {
	if s.iso == nil || i < 0 || i >= len(s.iso.rows) {
		return i
	}
	return int(s.iso.rows[i])
}

// shownRow maps a row of the full data to the shown point, -1 when it is
// not shown.
func (s *Session) shownRow(r int) int {
	if s.iso == nil {
		return r
	}
	k := sort.Search(len(s.iso.rows), func(k int) bool { return int(s.iso.rows[k]) >= r })
	if k < len(s.iso.rows) && int(s.iso.rows[k]) == r {
		return k
	}
	return -1
}

// Isolate re-runs the current projection (PCA, t-SNE or UMAP) on the selected
// points only. Isolating within an isolated view narrows it further.
func (s *Session) Isolate() (Changes, error) {
	if s.data == nil {
		return Changes{}, fmt.Errorf("no data to isolate")
	}
	sel := s.insp.selList
	if len(sel) < minIsolate {
		return Changes{}, fmt.Errorf("select at least %d points to isolate (%d selected)", minIsolate, len(sel))
	}
	if len(sel) == s.data.N {
		return Changes{}, fmt.Errorf("all %s points are selected: nothing to isolate", thousands(s.data.N))
	}
	keep := s.iso == nil
	if keep {
		s.iso = s.saveFullView()
		s.iso.remote = s.remote
	} else {
		s.stopRun()
	}
	rows := make([]int32, len(sel))
	for k, i := range sel {
		rows[k] = int32(s.fullRow(int(i)))
	}
	s.iso.rows = rows
	method := s.set.Method
	s.data = subset(s.iso.full, rows)
	s.openRemote(keep)
	s.showProjection(method)
	return Changes{Status: true, Points: true, Refit: true, Style: true, Inspect: true}, nil
}

// saveFullView keeps what ShowAll restores; a t-SNE or UMAP layout is copied and
// its run stopped (the worker then serves the subset).
func (s *Session) saveFullView() *isolation {
	iso := &isolation{full: s.data, set: s.set, pca: s.pca, pcaDone: s.pcaDone,
		runShown: s.runShown, layoutDims: s.layoutDims, colorCol: s.colorCol,
		metric: s.insp.metric, labelCol: s.insp.labelCol, searchColumn: s.insp.column, query: s.insp.query, neighbourK: s.insp.k}
	iso.layout = append([]float32(nil), s.layout...)
	if s.run != nil {
		iso.run, iso.runMethod = freeze(s.run), s.runMethod
		s.stopRun()
	}
	return iso
}

// showProjection starts the projection of new s.data with method and the
// user's settings, keeping the colour column, and clears the inspector.
func (s *Session) showProjection(method Method) {
	col := s.colorCol
	s.resetInspector(s.data.N)
	s.colorBy(col)
	s.startProjection()
	if method.iterative() {
		s.set.Method = method
		s.startRun()
	}
	if method == MethodColumns {
		_ = s.showColumns() // the subset has the full data's columns
	}
	if method == MethodCustom {
		_ = s.startCustom() // PCA stays when the searches match none of the subset
	}
	s.status.Points, s.status.Dims = s.data.N, s.data.D
	s.describe()
}

// ShowAll returns from an isolated subset to the full data, with its
// earlier layout restored (a t-SNE or UMAP layout as it was, not recomputed); the
// selection made within the subset is kept, or else the isolated points
// are selected.
func (s *Session) ShowAll() (Changes, error) {
	if s.iso == nil {
		return Changes{}, fmt.Errorf("nothing is isolated")
	}
	iso := s.iso
	// The selection made within the subset, or else the isolated points.
	var selected []int
	for _, i := range s.insp.selList {
		selected = append(selected, s.fullRow(int(i)))
	}
	if len(selected) == 0 {
		for _, r := range iso.rows {
			selected = append(selected, int(r))
		}
	}
	s.stopRun()
	s.closeRemote()
	s.remote = iso.remote
	s.iso = nil
	s.data = iso.full
	s.set, s.pca, s.pcaDone = iso.set, iso.pca, iso.pcaDone
	s.run, s.runShown, s.runState, s.runMethod = iso.run, iso.runShown, runNone, iso.runMethod
	if iso.run != nil {
		s.runState = runDone // frozen: shown as it was, a new run to go on
	}
	s.layout, s.layoutDims, s.layoutOwned = iso.layout, iso.layoutDims, true
	if s.set.Method == s.runMethod && s.run != nil {
		s.layout = s.run.Positions()
		s.layoutOwned = false
	}
	s.resetInspector(s.data.N)
	s.insp.metric, s.insp.labelCol, s.insp.k = iso.metric, iso.labelCol, iso.neighbourK
	s.colorBy(iso.colorCol)
	s.status.Points, s.status.Dims = s.data.N, s.data.D
	if iso.query != "" {
		_ = s.Search(iso.query, iso.searchColumn) // it was valid on this data
	}
	s.Select(selected, SelectReplace)
	s.describe()
	return Changes{Status: true, Points: true, Refit: true, Style: true, Inspect: true}, nil
}

// subset returns the rows of d (ascending) as a dataset of their own.
func subset(d *parse.Dataset, rows []int32) *parse.Dataset {
	sub := *d
	sub.N = len(rows)
	sub.Vectors = make([]float32, len(rows)*d.D)
	for k, r := range rows {
		copy(sub.Vectors[k*d.D:(k+1)*d.D], d.Vectors[int(r)*d.D:(int(r)+1)*d.D])
	}
	sub.Columns = make([]parse.Column, len(d.Columns))
	for c, col := range d.Columns {
		vals := make([]string, len(rows))
		for k, r := range rows {
			vals[k] = col.Values[r]
		}
		sub.Columns[c] = parse.Column{Name: col.Name, Values: vals}
	}
	if d.Rows != nil {
		sub.Rows = make([]int32, len(rows))
		for k, r := range rows {
			sub.Rows[k] = d.Rows[r]
		}
	}
	return &sub
}

// frozenRun is a t-SNE or UMAP layout kept without its run: it shows
// the positions it had; continuing it starts a new run.
type frozenRun struct {
	pos        []float32
	dims, iter int
	kl         float64
	klIter     int
	lr         float64
	maxIter    int
}

// isFrozen reports whether e is a restored layout without a run.
func isFrozen(e Embedder) bool {
	_, ok := e.(*frozenRun)
	return ok
}

func freeze(e Embedder) *frozenRun {
	return &frozenRun{pos: append([]float32(nil), e.Positions()...), dims: e.Dims(), iter: e.Iteration(),
		kl: e.KL(), klIter: e.KLIteration(), lr: e.LearningRate(), maxIter: e.MaxIterations()}
}

func (f *frozenRun) Advance(time.Duration) bool { return true }
func (f *frozenRun) SetRunning(bool)            {}
func (f *frozenRun) Positions() []float32       { return f.pos }
func (f *frozenRun) Dims() int                  { return f.dims }
func (f *frozenRun) Iteration() int             { return f.iter }
func (f *frozenRun) KL() float64 {
	if f.klIter == 0 {
		return math.NaN()
	}
	return f.kl
}
func (f *frozenRun) KLIteration() int         { return f.klIter }
func (f *frozenRun) Preparing() bool          { return false }
func (f *frozenRun) Progress() float64        { return 1 }
func (f *frozenRun) LearningRate() float64    { return f.lr }
func (f *frozenRun) SetLearningRate(float64)  {}
func (f *frozenRun) SetPerplexity(float64)    {}
func (f *frozenRun) SetMaxIterations(int)     {}
func (f *frozenRun) Phase() (string, float64) { return "done", 1 }
func (f *frozenRun) MaxIterations() int       { return f.maxIter }
func (f *frozenRun) Err() error               { return nil }
func (f *frozenRun) Close()                   {}
