package session

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// fakeFinishedTSNE makes every t-SNE of s a finished fake run with a fixed
// random layout; *starts counts the runs started.
func fakeFinishedTSNE(s *Session, starts *int) {
	s.SetEmbedderFactory(func(_ []float32, n, _ int, _ RunConfig) Embedder {
		*starts++
		r := rand.New(rand.NewPCG(7, uint64(*starts)))
		f := &fakeTSNE{phase: reduce.PhaseDone, iter: 1000, maxI: 1000, kl: 1.25, klIter: 1000, pos: make([]float32, 2*n)}
		for i := range f.pos {
			f.pos[i] = float32(r.NormFloat64() * 30)
		}
		return f
	})
}

// viaJSON encodes st as a view file and reads it back.
func viaJSON(t *testing.T, st State) State {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("reading the view back: %v", err)
	}
	return back
}

func TestFingerprintIsFNV1aOfTheVectors(t *testing.T) {
	s := New()
	s.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2.5\n-3\t4\n0.1\t7\n")}}, "three")
	runToEnd(t, s)
	h := fnv.New64a()
	for _, v := range []float32{1, 2.5, -3, 4, 0.1, 7} {
		_ = binary.Write(h, binary.LittleEndian, v)
	}
	want := Fingerprint{Points: 3, Dims: 2, Hash: fmt.Sprintf("fnv1a64:%016x", h.Sum64())}
	fp, ok := s.Fingerprint()
	if !ok || fp != want {
		t.Fatalf("fingerprint %+v, want %+v", fp, want)
	}
	if st := s.Status(); st.View == nil || *st.View != want {
		t.Errorf("status view %+v, want %+v", st.View, want)
	}
	if !strings.Contains(s.Status().JSON(), `"view":{"points":3,"dims":2,"hash":"fnv1a64:`) {
		t.Errorf("status JSON lacks the view: %s", s.Status().JSON())
	}
}

func TestFingerprintInSlices(t *testing.T) {
	d := &parse.Dataset{N: 1000, D: 100, Vectors: make([]float32, 100000)}
	for i := range d.Vectors {
		d.Vectors[i] = float32(i % 97)
	}
	whole := newFingerprinter(d)
	whole.advance(timeZero)
	sliced := newFingerprinter(d)
	steps := 0
	for !sliced.advance(pastDeadline) {
		steps++
	}
	if steps < 2 || *sliced.fp != *whole.fp {
		t.Errorf("sliced hash %+v in %d steps, whole %+v", sliced.fp, steps, whole.fp)
	}
}

func TestViewStateRoundTripTSNE(t *testing.T) {
	a := New()
	var startsA int
	fakeFinishedTSNE(a, &startsA)
	a.Open(demoFiles(t), "demo")
	runToEnd(t, a)
	control(t, a, "method", "tsne")
	a.Work(5e6)
	control(t, a, "perplexity", "20")
	a.Work(5e6)
	control(t, a, "color-by", "none")
	control(t, a, "label-by", "0")
	control(t, a, "metric", "euclidean")
	control(t, a, "neighbours", "7")
	control(t, a, "search", "/^7$/")
	settle(t, a)
	a.Select([]int{3, 17, 1500}, SelectReplace)
	a.SetCamera(Camera{X: 1.5, Y: -2.25, Scale: 3.125})
	settle(t, a)
	if st := a.Status(); st.Phase != Ready || st.Method != "tsne" || st.Iteration != 1000 {
		t.Fatalf("fake t-SNE not finished: %+v", st)
	}
	saved, err := a.State()
	if err != nil {
		t.Fatal(err)
	}
	if saved.TSNE == nil || saved.TSNE.Perplexity != 20 || saved.TSNE.Seed != tsneSeed || saved.TSNE.Iteration != 1000 {
		t.Fatalf("t-SNE state %+v", saved.TSNE)
	}

	b := New()
	var startsB int
	fakeFinishedTSNE(b, &startsB)
	b.Open(demoFiles(t), "demo")
	runToEnd(t, b)
	ch, err := b.ApplyState(viaJSON(t, saved))
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Points || !ch.Camera || ch.Refit {
		t.Errorf("changes %+v: want points and camera, no refit", ch)
	}
	settle(t, b)
	if startsB != 0 {
		t.Errorf("applying a finished t-SNE started %d runs", startsB)
	}
	if !sameLayout(b.Positions(), a.Positions()) {
		t.Error("positions differ after the round trip")
	}
	sa, sb := a.Status(), b.Status()
	if sb.Method != "tsne" || sb.Iteration != 1000 || sb.Phase != Ready || sb.LayoutHash == "" || sb.LayoutHash != sa.LayoutHash {
		t.Errorf("status after apply %+v, saved from %+v", sb, sa)
	}
	if cam, ok := b.TakeCamera(); !ok || cam != (Camera{X: 1.5, Y: -2.25, Scale: 3.125}) {
		t.Errorf("camera %+v %v", cam, ok)
	}
	if _, again := b.TakeCamera(); again {
		t.Error("the camera was handed out twice")
	}
	if c := b.Controls(); c.Perplexity != 20 || c.ColorBy != -1 || !c.Done {
		t.Errorf("controls %+v", c)
	}
	if sb.Search == nil || sb.Search.Query != "/^7$/" || sb.Selection == nil || fmt.Sprint(sb.Selection.Indices) != "[3 17 1500]" {
		t.Errorf("search %+v selection %+v", sb.Search, sb.Selection)
	}
	// Saving again gives the same file.
	b.SetCamera(Camera{X: 1.5, Y: -2.25, Scale: 3.125})
	again, err := b.State()
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(saved)
	jb, _ := json.Marshal(again)
	if !bytes.Equal(ja, jb) {
		t.Errorf("state after the round trip differs:\n%s\n%s", ja, jb)
	}
	// Running again starts a new run (a restored layout has none to continue).
	control(t, b, "run", "")
	if startsB != 1 {
		t.Errorf("run after a restored layout started %d runs, want 1", startsB)
	}
}

func TestViewStateRoundTripPCA(t *testing.T) {
	a := readyDemo(t)
	control(t, a, "dims", "3")
	control(t, a, "axis-x", "2")
	control(t, a, "axis-y", "4")
	control(t, a, "axis-z", "1")
	control(t, a, "spherize", "true")
	runToEnd(t, a)
	saved, err := a.State()
	if err != nil {
		t.Fatal(err)
	}
	if saved.Method != MethodPCA || saved.Dims != 3 || saved.PCA.Axes != [3]int{1, 3, 0} || !saved.PCA.Spherize || len(saved.Positions) != 3*1797 {
		t.Fatalf("PCA state %+v (%d positions)", saved.PCA, len(saved.Positions))
	}
	b := readyDemo(t)
	if _, err := b.ApplyState(viaJSON(t, saved)); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, b)
	if !sameLayout(b.Positions(), saved.Positions) || b.LayoutDims() != 3 {
		t.Error("the PCA layout differs from the saved one")
	}
	if b.Status().LayoutHash != HashFloat32s(saved.Positions) {
		t.Errorf("layoutHash %q, want the hash of the saved positions", b.Status().LayoutHash)
	}
}

func TestViewStateOfOtherDataChangesNothing(t *testing.T) {
	demo := readyDemo(t)
	saved, err := demo.State()
	if err != nil {
		t.Fatal(err)
	}
	wine := New()
	wine.Open(wineFiles(t), "wine")
	runToEnd(t, wine)
	before, pos := wine.Status().JSON(), append([]float32(nil), wine.Positions()...)
	_, err = wine.ApplyState(saved)
	if !errors.Is(err, ErrOtherData) || !strings.Contains(err.Error(), "1,797 × 64") || !strings.Contains(err.Error(), "178 × 13") {
		t.Fatalf("applying the demo's view to wine: %v", err)
	}
	if wine.Status().JSON() != before || !sameLayout(pos, wine.Positions()) {
		t.Error("a refused view changed the session")
	}

	// Same shape, one value different: still other data.
	one := func(v string) *Session {
		s := New()
		s.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t4\n5\t" + v + "\n2\t2\n")}}, "four")
		runToEnd(t, s)
		return s
	}
	x, y := one("7"), one("7.0001")
	st, err := x.State()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := y.ApplyState(st); !errors.Is(err, ErrOtherData) {
		t.Errorf("a view of data differing in one value applied: %v", err)
	}
}

func TestViewStateThatDoesNotFitIsRefused(t *testing.T) {
	s := readyDemo(t)
	good, err := s.State()
	if err != nil {
		t.Fatal(err)
	}
	before := s.Status().JSON()
	for name, edit := range map[string]func(*State){
		"selection":  func(st *State) { st.Selection = []int{1797} },
		"colour":     func(st *State) { st.ColorBy = 3 },
		"positions":  func(st *State) { st.Positions = st.Positions[:10] },
		"axis":       func(st *State) { st.PCA.Axes[0] = 10 },
		"format":     func(st *State) { st.Format = "other/2" },
		"perplexity": func(st *State) { st.Method, st.TSNE = MethodTSNE, &TSNEState{Perplexity: 1000} },
		"metric":     func(st *State) { st.Neighbours.Metric = "manhattan" },
		"non-finite": func(st *State) {
			st.Positions = append(Float32s(nil), st.Positions...)
			st.Positions[5] = float32(math.Inf(1))
		},
	} {
		st := good
		edit(&st)
		if _, err := s.ApplyState(st); err == nil || errors.Is(err, ErrOtherData) {
			t.Errorf("%s: %v", name, err)
		}
		if s.Status().JSON() != before {
			t.Errorf("%s: a refused view changed the status", name)
		}
	}
}

func TestExports(t *testing.T) {
	s := readyDemo(t)
	pos := s.Positions()
	s.Select([]int{1796, 5, 40}, SelectReplace)
	name, mime, b, err := s.Export(ExportTSV, true)
	if err != nil || name != "digits_tensors-pca-selection.tsv" || mime != "text/tab-separated-values" {
		t.Fatalf("TSV export %q %q %v", name, mime, err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = '\t'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 4 || strings.Join(recs[0], ",") != "index,x,y,label" {
		t.Fatalf("TSV %q %v", recs, err)
	}
	for k, row := range []int{5, 40, 1796} {
		rec := recs[1+k]
		x, _ := strconv.ParseFloat(rec[1], 32)
		y, _ := strconv.ParseFloat(rec[2], 32)
		if rec[0] != strconv.Itoa(row) || float32(x) != pos[2*row] || float32(y) != pos[2*row+1] || rec[3] != s.data.Columns[0].Values[row] {
			t.Errorf("row %d written as %q", row, rec)
		}
	}

	_, _, npy, err := s.Export(ExportNPY, false)
	if err != nil {
		t.Fatal(err)
	}
	hl := int(binary.LittleEndian.Uint16(npy[8:10]))
	if !strings.Contains(string(npy[10:10+hl]), "'shape': (1797, 2)") || len(npy) != 10+hl+4*2*1797 {
		t.Fatalf(".npy header %q, %d bytes", npy[10:10+hl], len(npy))
	}
	for i, v := range pos {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(npy[10+hl+4*i:])); got != v {
			t.Fatalf(".npy value %d = %v, want %v", i, got, v)
		}
	}

	if _, _, _, err := s.Export(ExportNeighbours, false); err == nil {
		t.Error("neighbours exported with three points selected")
	}
	control(t, s, "select", "12")
	settle(t, s)
	name, _, b, err = s.Export(ExportNeighbours, false)
	if err != nil || name != "digits_tensors-neighbours-of-12.tsv" {
		t.Fatalf("neighbours %q %v", name, err)
	}
	rows, dist := s.Neighbours()
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 1+len(rows) || lines[0] != "rank\tindex\tlabel\tdistance" {
		t.Fatalf("neighbour TSV has %d lines for %d neighbours: %q", len(lines), len(rows), lines[0])
	}
	f := strings.Split(lines[1], "\t")
	d, _ := strconv.ParseFloat(f[3], 32)
	if f[0] != "1" || f[1] != strconv.Itoa(int(rows[0])) || f[2] != s.data.Columns[0].Values[rows[0]] || float32(d) != dist[0] {
		t.Errorf("first neighbour written %q, want row %d at %v", f, rows[0], dist[0])
	}

	_, _, b, err = s.Export(ExportView, false)
	var st State
	if err != nil || json.Unmarshal(b, &st) != nil || st.Format != StateFormat || !sameLayout(st.Positions, pos) {
		t.Errorf("view export: %v", err)
	}
}

func TestExportWhileIsolatedNamesFullRows(t *testing.T) {
	s := readyDemo(t)
	s.Select([]int{10, 20, 30, 40}, SelectReplace)
	control(t, s, "isolate", "")
	runToEnd(t, s)
	_, _, b, err := s.Export(ExportCSV, false)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != 5 {
		t.Fatalf("CSV %q %v", recs, err)
	}
	for k, want := range []string{"10", "20", "30", "40"} {
		if recs[1+k][0] != want {
			t.Errorf("isolated point %d written with index %q, want %s", k, recs[1+k][0], want)
		}
	}
	if _, err := s.State(); err == nil {
		t.Error("a view was saved while a subset is isolated")
	}
}

var (
	timeZero     time.Time
	pastDeadline = time.Unix(1, 0)
)
