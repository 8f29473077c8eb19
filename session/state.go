package session

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/embproj/projector/parse"
)

// The view state: one serialisable description of what is on screen
// (DESIGN.md §1's State), which "Save view" writes and loading a view file
// applies. It names the data by a fingerprint, never by their content.

// StateFormat names the view file format and its version.
const StateFormat = "embproj-view/1"

// ErrOtherData is returned (wrapped) by ApplyState when a view was saved for
// other data than those shown.
var ErrOtherData = errors.New("the view was saved for other data")

// Fingerprint identifies a dataset without holding it: its shape and a hash
// of its vectors.
type Fingerprint struct {
	Points int `json:"points"` // N
	Dims   int `json:"dims"`   // D
	// Hash is "fnv1a64:" and 16 hex digits: FNV-1a (64 bits) of the N×D
	// float32 values as little-endian bytes, row-major.
	Hash string `json:"hash"`
}

// String says the fingerprint for people: "1,797 × 64 (fnv1a64:…)".
func (f Fingerprint) String() string {
	return fmt.Sprintf("%s × %d (%s)", thousands(f.Points), f.Dims, f.Hash)
}

// FNV-1a 64 parameters.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// hashFloats continues the FNV-1a 64 hash h over the little-endian bytes of v.
func hashFloats(h uint64, v []float32) uint64 {
	for _, f := range v {
		b := math.Float32bits(f)
		h = (h ^ uint64(b&0xff)) * fnvPrime64
		h = (h ^ uint64(b>>8&0xff)) * fnvPrime64
		h = (h ^ uint64(b>>16&0xff)) * fnvPrime64
		h = (h ^ uint64(b>>24)) * fnvPrime64
	}
	return h
}

// HashFloat32s is the hash a Fingerprint holds, of any float32 values (as
// #status's layoutHash holds it of the layout).
func HashFloat32s(v []float32) string {
	return "fnv1a64:" + fmt.Sprintf("%016x", hashFloats(fnvOffset64, v))
}

// fingerprinter hashes the loaded (full) dataset in Work's time slices: at
// 100,000 × 768 the hash reads 300 MB.
type fingerprinter struct {
	data *parse.Dataset
	h    uint64
	next int // the next value to hash
	fp   *Fingerprint
}

// fingerprintSlice is how many values are hashed between looks at the clock.
const fingerprintSlice = 1 << 14

func newFingerprinter(d *parse.Dataset) fingerprinter {
	return fingerprinter{data: d, h: fnvOffset64}
}

// advance hashes until deadline (the zero time: to the end) and reports
// whether the fingerprint became known in this call.
func (f *fingerprinter) advance(deadline time.Time) bool {
	if f.fp != nil || f.data == nil {
		return false
	}
	v := f.data.Vectors
	for f.next < len(v) {
		end := min(len(v), f.next+fingerprintSlice)
		f.h = hashFloats(f.h, v[f.next:end])
		f.next = end
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
	}
	if f.next < len(v) {
		return false
	}
	f.fp = &Fingerprint{Points: f.data.N, Dims: f.data.D, Hash: "fnv1a64:" + fmt.Sprintf("%016x", f.h)}
	return true
}

// Fingerprint returns the fingerprint of the loaded data (the full data while
// a subset is isolated), hashing what is left of them now; ok is false
// without data.
func (s *Session) Fingerprint() (fp Fingerprint, ok bool) {
	if s.fprint.data == nil {
		return Fingerprint{}, false
	}
	s.fprint.advance(time.Time{})
	return *s.fprint.fp, true
}

// Float32s is a list of float32 values that JSON holds as the base64 of
// their little-endian bytes (exact, and a third of the size of decimals).
type Float32s []float32

// MarshalJSON writes the values as a base64 string.
func (f Float32s) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*len(f))
	for i, v := range f {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// UnmarshalJSON reads a base64 string of little-endian float32 values.
func (f *Float32s) UnmarshalJSON(j []byte) error {
	var s string
	if err := json.Unmarshal(j, &s); err != nil {
		return fmt.Errorf("positions: want a base64 string: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("positions: %w", err)
	}
	if len(b)%4 != 0 {
		return fmt.Errorf("positions: %d bytes are not whole float32 values", len(b))
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	*f = out
	return nil
}

// Camera is the view of the canvas: the layout point (world units) at the
// middle of the canvas and the zoom in CSS pixels per world unit, as
// #status's camera says it; in 3D also the orbit's turn (radians).
type Camera struct {
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Scale float64 `json:"scale"`
	Yaw   float64 `json:"yaw,omitempty"`
	Pitch float64 `json:"pitch,omitempty"`
}

// PCAState is the PCA's settings.
type PCAState struct {
	// Axes are the principal components (0-based) on x, y and z.
	Axes     [3]int `json:"axes"`
	Spherize bool   `json:"spherize"`
}

// TSNEState is a t-SNE run's settings and where it stood.
type TSNEState struct {
	Perplexity float64 `json:"perplexity"`
	// LearningRate is the rate the run used (0 in the settings: the default).
	LearningRate  float64 `json:"learningRate"`
	Seed          uint64  `json:"seed"`
	Iteration     int     `json:"iteration"`
	MaxIterations int     `json:"maxIterations"`
	// KL is the last Kullback-Leibler estimate, absent before the first.
	KL float64 `json:"kl,omitempty"`
}

// UMAPState is a UMAP run's settings and where it stood.
type UMAPState struct {
	UMAPSettings        // neighbors, minDist, spread, epochs (0: by N), metric
	Seed         uint64 `json:"seed"`
	// Epoch is the epochs done, MaxEpochs the count the run went to.
	Epoch     int `json:"epoch"`
	MaxEpochs int `json:"maxEpochs"`
}

// SearchState is an applied search.
type SearchState struct {
	Query  string `json:"query"`
	Column int    `json:"column"` // 0-based, -1 for every column
}

// NeighbourState is the neighbour list's settings.
type NeighbourState struct {
	Metric string `json:"metric"` // "cosine" or "euclidean"
	K      int    `json:"k"`
}

// State is what is on screen, for a view file (JSON): the data it belongs
// to (by fingerprint), the projection with every parameter and its layout,
// the camera, the colour and label columns, the search and the selection.
type State struct {
	Format string      `json:"format"` // StateFormat
	Data   Fingerprint `json:"data"`
	Method Method      `json:"method"`
	// Dims is the layout dimension, 2 or 3.
	Dims int        `json:"dims"`
	PCA  PCAState   `json:"pca"`
	TSNE *TSNEState `json:"tsne,omitempty"` // the t-SNE shown, when Method is tsne
	UMAP *UMAPState `json:"umap,omitempty"` // the UMAP shown, when Method is umap
	// Positions is the layout, N×Dims float32 row-major; absent (a URL
	// fragment), the layout is computed again from the settings.
	Positions Float32s `json:"positions,omitempty"`
	Camera    *Camera  `json:"camera,omitempty"`
	// ColorBy and LabelBy are metadata columns (0-based); -1: one colour,
	// or labels from the first column; ColorBy −2: the projection quality.
	ColorBy    int            `json:"colorBy"`
	LabelBy    int            `json:"labelBy"`
	Search     *SearchState   `json:"search,omitempty"`
	Selection  []int          `json:"selection,omitempty"` // rows, ascending
	Neighbours NeighbourState `json:"neighbours"`

	// Standardize: every dimension was scaled to zero mean and unit
	// variance before the projection (PCA or t-SNE), absent when not.
	Standardize bool `json:"standardize,omitempty"`
	// Custom is the custom projection's searches, when Method is custom.
	Custom *CustomState `json:"custom,omitempty"`
}

// SetCamera records the page's camera, which State saves.
func (s *Session) SetCamera(c Camera) { s.camera = &c }

// TakeCamera returns the camera ApplyState restored, once; the page then
// moves its view there.
func (s *Session) TakeCamera() (Camera, bool) {
	if !s.cameraRestored || s.camera == nil {
		return Camera{}, false
	}
	s.cameraRestored = false
	return *s.camera, true
}

// State describes what is shown. It fails without data, and while a subset
// is isolated (the view of every point is what a view file keeps).
func (s *Session) State() (State, error) {
	if s.data == nil {
		return State{}, fmt.Errorf("no data to save the view of")
	}
	if s.iso != nil {
		return State{}, fmt.Errorf("a subset is isolated: choose Show all before saving the view")
	}
	fp, _ := s.Fingerprint()
	st := s.settingsState(fp)
	st.Positions = append(Float32s(nil), s.Positions()...)
	return st, nil
}

// settingsState is State without the positions (the data are shown, not
// isolated, and fp is their fingerprint): what a URL fragment carries.
func (s *Session) settingsState(fp Fingerprint) State {
	st := State{Format: StateFormat, Data: fp, Method: s.set.Method, Dims: s.layoutDims, Standardize: s.set.Standardize,
		PCA:     PCAState{Axes: s.set.Axes, Spherize: s.set.Spherize},
		ColorBy: s.colorCol, LabelBy: s.insp.labelCol,
		Neighbours: NeighbourState{Metric: s.insp.metric.String(), K: s.insp.k}}
	if s.camera != nil {
		c := *s.camera
		st.Camera = &c
	}
	if st.Method == MethodCustom {
		c := s.custom
		st.Custom = &c
	}
	if s.set.Method == MethodUMAP && s.runMethod == MethodUMAP && s.run != nil {
		st.UMAP = &UMAPState{UMAPSettings: s.set.UMAP, Seed: s.set.Seed, Epoch: s.run.Iteration(), MaxEpochs: s.run.MaxIterations()}
	}
	if s.set.Method == MethodTSNE && s.runMethod == MethodTSNE && s.run != nil {
		t := s.run
		st.TSNE = &TSNEState{Perplexity: s.set.Perplexity, LearningRate: t.LearningRate(), Seed: s.set.Seed,
			Iteration: t.Iteration(), MaxIterations: t.MaxIterations()}
		if t.KLIteration() > 0 && !math.IsNaN(t.KL()) && !math.IsInf(t.KL(), 0) {
			st.TSNE.KL = t.KL()
		}
	}
	if s.insp.query != "" {
		st.Search = &SearchState{Query: s.insp.query, Column: s.insp.column}
	}
	for _, r := range s.insp.selList {
		st.Selection = append(st.Selection, int(r))
	}
	return st
}

// ApplyState shows st: with the same data (fingerprint) the layout, camera
// and every setting come back as saved, a t-SNE layout as it was (shown at
// once, not recomputed; running it again starts a new run), or a UMAP
// layout likewise. With other data,
// or a state that does not fit them, it returns an error and changes nothing.
// A subset isolated before is left for every point.
func (s *Session) ApplyState(st State) (Changes, error) {
	if s.data == nil {
		return Changes{}, fmt.Errorf("no data to apply the view to")
	}
	fp, _ := s.Fingerprint()
	if st.Data != fp {
		return Changes{}, fmt.Errorf("%w: it was saved for %s, these data are %s; nothing was changed", ErrOtherData, st.Data, fp)
	}
	if err := s.checkState(st); err != nil {
		return Changes{}, fmt.Errorf("the view does not fit these data: %w; nothing was changed", err)
	}
	if s.iso != nil {
		if _, err := s.ShowAll(); err != nil {
			return Changes{}, err
		}
	}
	s.applyProjection(st)
	s.applyInspector(st)
	restored := s.restoreCamera(st)
	s.viewError = ""
	s.layoutGen++
	s.describe()
	return Changes{Status: true, Points: true, Style: true, Inspect: true, Camera: restored}, nil
}

// checkState reports the first thing in st that does not fit the loaded
// data (the full data, also while a subset is isolated).
func (s *Session) checkState(st State) error {
	full := s.fprint.data
	n, cols := full.N, len(full.Columns)
	switch {
	case st.Format != StateFormat:
		return fmt.Errorf("format %q, want %q", st.Format, StateFormat)
	case st.Method != MethodPCA && st.Method != MethodTSNE && st.Method != MethodUMAP && st.Method != MethodColumns && st.Method != MethodCustom:
		return fmt.Errorf("method %q: want pca, tsne, umap, columns or custom", st.Method)
	case st.Method == MethodCustom && (st.Custom == nil || st.Dims != 2):
		return fmt.Errorf("a custom projection without its searches, or not in 2D")
	case st.Method == MethodColumns && len(s.coordinateColumns()) != st.Dims:
		return fmt.Errorf("a view of %d precomputed coordinate columns; these data have %d", st.Dims, len(s.coordinateColumns()))
	case st.Dims != 2 && st.Dims != 3:
		return fmt.Errorf("dims %d: want 2 or 3", st.Dims)
	case st.Method == MethodTSNE && st.TSNE == nil:
		return fmt.Errorf("a t-SNE view without its t-SNE settings")
	case st.Method == MethodUMAP && st.UMAP == nil:
		return fmt.Errorf("a UMAP view without its UMAP settings")
	case len(st.Positions) != 0 && len(st.Positions) != n*st.Dims:
		return fmt.Errorf("%d positions for %s points in %dD", len(st.Positions), thousands(n), st.Dims)
	case st.ColorBy < colorQuality || st.ColorBy >= cols || st.LabelBy < -1 || st.LabelBy >= cols:
		return fmt.Errorf("colour column %d or label column %d: these data have %d columns", st.ColorBy, st.LabelBy, cols)
	case st.Search != nil && (st.Search.Column < -1 || st.Search.Column >= cols):
		return fmt.Errorf("search column %d: these data have %d columns", st.Search.Column, cols)
	case st.Neighbours.K < 1 || st.Neighbours.K > MaxNeighbours:
		return fmt.Errorf("%d neighbours: want 1 to %d", st.Neighbours.K, MaxNeighbours)
	case st.Neighbours.Metric != "cosine" && st.Neighbours.Metric != "euclidean":
		return fmt.Errorf("metric %q: want cosine or euclidean", st.Neighbours.Metric)
	}
	k := pcaComponents(full)
	for a, c := range st.PCA.Axes[:st.Dims] {
		if c < 0 || c >= k {
			return fmt.Errorf("component %d on axis %d: these data have %d", c+1, a+1, k)
		}
	}
	for _, r := range st.Selection {
		if r < 0 || r >= n {
			return fmt.Errorf("selected row %d: these data have %s rows", r, thousands(n))
		}
	}
	for _, v := range st.Positions {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("the positions hold a non-finite value")
		}
	}
	if t := st.TSNE; t != nil {
		if hi := MaxPerplexity(n); !(t.Perplexity >= 2 && t.Perplexity <= hi) {
			return fmt.Errorf("perplexity %g: with %s points it must be from 2 to %s", t.Perplexity, thousands(n), thousands(int(hi)))
		}
		if t.LearningRate < 0 || t.Iteration < 0 {
			return fmt.Errorf("t-SNE learning rate %g, iteration %d", t.LearningRate, t.Iteration)
		}
	}
	if u := st.UMAP; u != nil {
		if err := u.UMAPSettings.check(n); err != nil {
			return err
		}
		if u.Epoch < 0 || u.MaxEpochs < 0 {
			return fmt.Errorf("UMAP epoch %d of %d", u.Epoch, u.MaxEpochs)
		}
	}
	return nil
}

// applyProjection sets the projection of st (checked): PCA with its
// settings, or its t-SNE or UMAP layout as a finished run.
func (s *Session) applyProjection(st State) {
	if st.PCA.Spherize != s.set.Spherize || st.Standardize != s.set.Standardize {
		s.set.Spherize, s.set.Standardize = st.PCA.Spherize, st.Standardize
		s.pca = s.newPCA(s.pca.Components())
		s.pcaDone = false
	}
	s.set.Dims, s.set.Axes, s.set.Method = st.Dims, st.PCA.Axes, st.Method
	s.stopRun()
	s.runShown = false
	if st.TSNE != nil {
		s.set.Perplexity, s.set.Seed = st.TSNE.Perplexity, st.TSNE.Seed
		s.set.LearningRate = st.TSNE.LearningRate
	}
	if st.UMAP != nil {
		s.set.UMAP, s.set.Seed = st.UMAP.UMAPSettings, st.UMAP.Seed
	}
	switch st.Method {
	case MethodPCA:
		s.layoutFromPCA()
	case MethodColumns:
		_ = s.showColumns() // checked: the data have them
	case MethodCustom:
		s.applyCustom(st)
	default:
		s.applyRun(st)
	}
}

// applyCustom shows the custom projection of st: its layout as saved, or
// computed from its searches when st has no positions (a URL fragment).
func (s *Session) applyCustom(st State) {
	s.custom, s.customCounts = *st.Custom, [4]int{}
	if len(st.Positions) == 0 {
		_ = s.showCustom() // a search that no longer matches leaves the layout as it was
		return
	}
	for k, q := range []string{st.Custom.Left, st.Custom.Right, st.Custom.Down, st.Custom.Up} {
		rows, _ := s.matchingRows(q)
		s.customCounts[k] = len(rows)
	}
	s.layout, s.layoutDims, s.layoutOwned, s.layoutStale = append([]float32(nil), st.Positions...), 2, true, false
}

// applyRun shows st's t-SNE or UMAP: its layout as a finished run, or the
// run made again from its settings when st has no positions.
func (s *Session) applyRun(st State) {
	if len(st.Positions) == 0 {
		s.rerun(st) // seeded: the same layout as when the state was taken
		return
	}
	var f *frozenRun
	if u := st.UMAP; st.Method == MethodUMAP {
		f = &frozenRun{iter: u.Epoch, maxIter: max(u.MaxEpochs, u.Epoch), lr: 1}
	} else {
		t := st.TSNE
		f = &frozenRun{iter: t.Iteration, lr: t.LearningRate, maxIter: max(t.MaxIterations, t.Iteration)}
		if t.KL != 0 {
			f.kl, f.klIter = t.KL, t.Iteration
		}
	}
	f.pos, f.dims = append([]float32(nil), st.Positions...), st.Dims
	s.run, s.runState, s.runShown, s.runMethod = f, runDone, true, st.Method
	s.showRun()
}

// applyInspector sets the colouring, labels, search, selection and
// neighbour settings of st (checked).
func (s *Session) applyInspector(st State) {
	s.colorBy(st.ColorBy)
	s.insp.labelCol = st.LabelBy
	_ = s.SetNeighbourMetric(st.Neighbours.Metric) // checked
	s.insp.k = st.Neighbours.K
	if st.Search != nil {
		_ = s.Search(st.Search.Query, st.Search.Column) // the column is checked; a bad regexp leaves no search
	} else {
		_ = s.Search("", -1)
	}
	s.Select(st.Selection, SelectReplace)
}

// SetViewError records why a view file could not be applied (said in the
// status as viewError until a view is applied or new data are opened).
func (s *Session) SetViewError(msg string) { s.viewError = asSentence(msg) }

// layoutHash returns HashFloat32s of the layout once the projection is
// ready ("" before), computed again only when the layout changed.
func (s *Session) layoutHash() string {
	if s.status.Phase != Ready || s.data == nil {
		return ""
	}
	if s.layoutHashGen != s.layoutGen || s.layoutHashValue == "" {
		s.layoutHashValue, s.layoutHashGen = HashFloat32s(s.Positions()), s.layoutGen
	}
	return s.layoutHashValue
}
