package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/embproj/projector/parse"
)

// tensorBoardBookmarks writes a bookmarks file for n points of d dims as
// TensorBoard's projector saves one (JSON.stringify of its State objects, in
// the order of their fields): a finished 2D t-SNE with 3 points selected,
// coloured and labelled by "label", and a 3D PCA on components 2, 1, 4.
// It returns the file and the t-SNE coordinates (n×2).
func tensorBoardBookmarks(n, d int) ([]byte, []float64) {
	r := rand.New(rand.NewPCG(3, 4))
	tsne := make([]float64, 2*n)
	var b strings.Builder
	b.WriteString(`[{"label":"clusters","isSelected":true,"tSNEIteration":1000,"tSNEPerplexity":25,"tSNELearningRate":10,` +
		`"tSNEis3d":false,"UMAPIteration":0,"UMAPis3d":true,"pcaComponentDimensions":[0,1,2],"projections":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for c := 0; c < 10; c++ {
			fmt.Fprintf(&b, `"pca-%d":%v,`, c, r.NormFloat64())
		}
		tsne[2*i], tsne[2*i+1] = r.NormFloat64()*40, r.NormFloat64()*40
		fmt.Fprintf(&b, `"tsne-0":%v,"tsne-1":%v}`, tsne[2*i], tsne[2*i+1])
	}
	fmt.Fprintf(&b, `],"selectedPoints":[17,3,1500],"selectedProjection":"tsne","dataSetDimensions":[%d,%d],`+
		`"cameraDef":{"orthographic":true,"position":[0.1,-0.2,4],"target":[0.1,-0.2,0],"zoom":1.7},`+
		`"selectedColorOptionName":"label","forceCategoricalColoring":false,"selectedLabelOption":"label"},`, n, d)
	fmt.Fprintf(&b, `{"label":"pca 3d","isSelected":false,"tSNEIteration":0,"tSNEPerplexity":0,"tSNELearningRate":0,`+
		`"tSNEis3d":true,"UMAPIteration":0,"UMAPis3d":true,"pcaComponentDimensions":[2,1,4],"projections":[],"selectedPoints":[],`+
		`"selectedProjection":"pca","dataSetDimensions":[%d,%d],"cameraDef":{"orthographic":false,"position":[1,1,1],"target":[0,0,0],"zoom":1},`+
		`"selectedColorOptionName":"No color map","forceCategoricalColoring":false,"selectedLabelOption":"label"}]`, n, d)
	return []byte(b.String()), tsne
}

func TestTensorBoardBookmarksApplied(t *testing.T) {
	file, tsne := tensorBoardBookmarks(1797, 64)
	s := readyDemo(t)
	control(t, s, "color-by", "none")
	if err := s.AddBookmarks(file, "state"); err != nil {
		t.Fatal(err)
	}
	if labels, _ := s.Bookmarks(); fmt.Sprint(labels) != "[clusters pca 3d]" {
		t.Fatalf("labels %q", labels)
	}
	ch, err := s.ApplyBookmark(0)
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Points || !ch.Refit {
		t.Errorf("changes %+v: want points and a refit", ch)
	}
	settle(t, s)
	pos := s.Positions()
	for i, v := range tsne {
		if pos[i] != float32(v) {
			t.Fatalf("position %d is %v, the bookmark says %v", i, pos[i], v)
		}
	}
	st := s.Status()
	if st.Method != "tsne" || st.Phase != Ready || st.Iteration != 1000 || st.Selection == nil || fmt.Sprint(st.Selection.Indices) != "[3 17 1500]" {
		t.Errorf("after the t-SNE bookmark: %+v", st)
	}
	if c := s.Controls(); c.ColorBy != 0 || c.Perplexity != 25 || c.LearningRate != 10 {
		t.Errorf("controls %+v: want coloured by label, perplexity 25, learning rate 10", c)
	}
	if st.Bookmarks == nil || st.Bookmarks.Applied != 0 || st.Bookmarks.Count != 2 {
		t.Errorf("bookmarks status %+v", st.Bookmarks)
	}

	if _, err := s.ApplyBookmark(1); err != nil {
		t.Fatal(err)
	}
	runToEnd(t, s)
	if c := s.Controls(); c.Method != "pca" || c.Dims != 3 || c.Axes != [3]int{2, 1, 4} || c.ColorBy != -1 {
		t.Errorf("after the PCA bookmark: %+v", c)
	}
	if st := s.Status(); st.Selection != nil {
		t.Errorf("selection %+v, the bookmark has none", st.Selection)
	}
}

func TestBookmarksRefusedChangeNothing(t *testing.T) {
	s := readyDemo(t)
	other, _ := tensorBoardBookmarks(5, 3)
	custom := bytes.ReplaceAll(bytes.ReplaceAll(func() []byte { b, _ := tensorBoardBookmarks(1797, 64); return b }(),
		[]byte(`"selectedProjection":"tsne"`), []byte(`"selectedProjection":"custom"`)), []byte(`"selectedProjection":"pca"`), []byte(`"selectedProjection":"custom"`))
	for _, c := range []struct {
		file []byte
		want string
	}{
		{other, "5 × 3"},
		{custom, `"custom"`},
	} {
		s.resetBookmarks()
		if err := s.AddBookmarks(c.file, "state"); err != nil {
			t.Fatal(err)
		}
		before := s.Status().LayoutHash
		_, err := s.ApplyBookmark(0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("applying: %v, want it refused with %s", err, c.want)
		}
		if st := s.Status(); st.LayoutHash != before || st.Method != "pca" || st.Bookmarks.Error == "" {
			t.Errorf("a refused bookmark changed the view or was not said: %+v", st)
		}
	}
	for _, bad := range []string{"", "{}", "not json", `[{"label":"x"}]`, `[1,2]`, `[{"dataSetDimensions":"big"}]`} {
		s.resetBookmarks()
		if err := s.AddBookmarks([]byte(bad), "bookmarks.txt"); err == nil {
			t.Errorf("%q was read as bookmarks", bad)
		}
		if st := s.Status().Bookmarks; st == nil || st.Count != 0 || !strings.Contains(st.Error, "bookmarks.txt") {
			t.Errorf("after %q: %+v", bad, st)
		}
	}
}

func TestBookmarksSavedAsTensorBoardWritesThem(t *testing.T) {
	file, _ := tensorBoardBookmarks(1797, 64)
	a := readyDemo(t)
	if err := a.AddBookmarks(file, "state"); err != nil {
		t.Fatal(err)
	}
	control(t, a, "axis-y", "3")
	control(t, a, "label-by", "0")
	a.Select([]int{9, 4}, SelectReplace)
	a.SetCamera(Camera{X: 0.5, Y: 1.5, Scale: 20})
	if err := a.AddBookmark(); err != nil {
		t.Fatal(err)
	}
	name, saved, err := a.SaveBookmarks()
	if err != nil || name != "digits_tensors-bookmarks.json" {
		t.Fatalf("saved %q: %v", name, err)
	}
	// The list read back: TensorBoard's two as they were, ours as TensorBoard reads it.
	var generic []map[string]any
	if err := json.Unmarshal(saved, &generic); err != nil || len(generic) != 3 {
		t.Fatalf("saved file: %v (%d states)", err, len(generic))
	}
	var orig []json.RawMessage
	_ = json.Unmarshal(file, &orig)
	if !bytes.Contains(saved, orig[0]) || !bytes.Contains(saved, orig[1]) {
		t.Error("TensorBoard's bookmarks were not written back as read")
	}
	ours := generic[2]
	if ours["label"] != "State 2" || ours["selectedProjection"] != "pca" || fmt.Sprint(ours["dataSetDimensions"]) != "[1797 64]" ||
		fmt.Sprint(ours["pcaComponentDimensions"]) != "[0 2]" || fmt.Sprint(ours["selectedPoints"]) != "[4 9]" ||
		ours["selectedColorOptionName"] != "label" || ours["selectedLabelOption"] != "label" {
		t.Errorf("our bookmark as TensorBoard reads it: %v", ours)
	}
	proj := ours["projections"].([]any)
	pos := a.Positions()
	for i, p := range proj {
		m := p.(map[string]any)
		if len(m) != 2 || float32(m["pca-0"].(float64)) != pos[2*i] || float32(m["pca-2"].(float64)) != pos[2*i+1] {
			t.Fatalf("projection %d: %v, layout (%v, %v)", i, m, pos[2*i], pos[2*i+1])
		}
	}

	// Applied in another session, it gives the same view, camera included.
	want, _ := a.State()
	b := readyDemo(t)
	if err := b.AddBookmarks(saved, name); err != nil {
		t.Fatal(err)
	}
	ch, err := b.ApplyBookmark(2)
	if err != nil || !ch.Camera || ch.Refit {
		t.Fatalf("applying ours: %v, changes %+v", err, ch)
	}
	settle(t, b)
	got, _ := b.State()
	jw, _ := json.Marshal(want)
	jg, _ := json.Marshal(got)
	if !bytes.Equal(jw, jg) {
		t.Errorf("view from our bookmark\n%s\nwant\n%s", jg, jw)
	}
}

func TestBookmarksOfAConfig(t *testing.T) {
	file, _ := tensorBoardBookmarks(3, 2)
	cfg := `{"embeddings":[{"tensorName":"t","tensorPath":"t.tsv","bookmarksPath":"state.txt"}]}`
	s := New()
	s.Open([]parse.File{{Name: "projector_config.json", Data: []byte(cfg)}, {Name: "t.tsv", Data: []byte("1\t2\n3\t4\n5\t7\n")},
		{Name: "state.txt", Data: file}}, "")
	runToEnd(t, s)
	labels, _ := s.Bookmarks()
	if fmt.Sprint(labels) != "[clusters pca 3d]" {
		t.Fatalf("labels %q; status %+v", labels, s.Status())
	}
	// Read again with a fix: listed once.
	s.start(parse.Options{})
	runToEnd(t, s)
	if labels, _ = s.Bookmarks(); len(labels) != 2 {
		t.Errorf("after reading again: %q", labels)
	}
	if err := s.AddBookmark(); err != nil {
		t.Fatal(err)
	}
	// Other data empty the list.
	s.Open([]parse.File{{Name: "u.tsv", Data: []byte("1\t2\n3\t4\n5\t8\n")}}, "")
	runToEnd(t, s)
	if labels, _ = s.Bookmarks(); len(labels) != 0 || s.Status().Bookmarks != nil {
		t.Errorf("bookmarks of other data: %q", labels)
	}
}

func TestProjectionsWrittenReadBackExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pos := make([]float32, 3*5000)
	for i := range pos {
		pos[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10)))
	}
	keys := []string{"tsne-0", "tsne-1", "tsne-2"}
	b, err := json.Marshal(TBProjections{keys: keys, pos: pos})
	if err != nil {
		t.Fatal(err)
	}
	var back TBProjections
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v\n%.200s", err, b)
	}
	if got := back.positions("tsne", []int{0, 1, 2}, 5000); !sameLayout(got, pos) {
		t.Errorf("positions changed on the way: %.200s", b)
	}
	if got := back.positions("tsne", []int{0, 1, 2}, 4999); got != nil {
		t.Error("positions of another count were used")
	}
}

// FuzzBookmarksNeverPanic: any bytes are either refused or listed, and any
// listed bookmark is applied or refused, without a panic.
func FuzzBookmarksNeverPanic(f *testing.F) {
	small, _ := tensorBoardBookmarks(9, 2)
	f.Add(small)
	f.Add([]byte(`[{"dataSetDimensions":[9,2],"selectedProjection":"pca","pcaComponentDimensions":[-1,7,2],"selectedPoints":[-3,99]}]`))
	f.Add([]byte(`[{"dataSetDimensions":[9,2],"selectedProjection":"tsne","tSNEPerplexity":1e308,"projections":[{"tsne-0":1}]}]`))
	s := New()
	s.Open([]parse.File{{Name: "v.tsv", Data: []byte("1\t2\n3\t4\n5\t7\n1\t0\n2\t2\n3\t1\n0\t0\n9\t9\n4\t4\n")}}, "")
	for i := 0; i < 1000 && s.Status().Phase != Ready; i++ {
		s.Work(5e6)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s.resetBookmarks()
		if s.AddBookmarks(b, "f.json") != nil {
			return
		}
		labels, _ := s.Bookmarks()
		for i := range labels {
			_, _ = s.ApplyBookmark(i)
		}
	})
}

// tensorBoardUMAPBookmark writes one bookmark of a finished 2D UMAP of n
// points of d dims with 10 neighbours, as TensorBoard saves it, and returns
// the file and the coordinates (n×2).
func tensorBoardUMAPBookmark(n, d int) ([]byte, []float64) {
	r := rand.New(rand.NewPCG(5, 6))
	pos := make([]float64, 2*n)
	var b strings.Builder
	b.WriteString(`[{"label":"umap","isSelected":true,"tSNEIteration":0,"tSNEPerplexity":0,"tSNELearningRate":0,` +
		`"tSNEis3d":true,"umapIs3d":false,"umapNeighbors":10,"pcaComponentDimensions":[0,1,2],"projections":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		pos[2*i], pos[2*i+1] = r.NormFloat64()*5, r.NormFloat64()*5
		fmt.Fprintf(&b, `{"pca-0":0.5,"umap-0":%v,"umap-1":%v}`, pos[2*i], pos[2*i+1])
	}
	fmt.Fprintf(&b, `],"selectedPoints":[4],"selectedProjection":"umap","dataSetDimensions":[%d,%d],`+
		`"selectedColorOptionName":"label","forceCategoricalColoring":false,"selectedLabelOption":"label"}]`, n, d)
	return []byte(b.String()), pos
}

func TestTensorBoardUMAPBookmarkApplied(t *testing.T) {
	file, pos := tensorBoardUMAPBookmark(1797, 64)
	s := readyDemo(t)
	if err := s.AddBookmarks(file, "state"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBookmark(0); err != nil {
		t.Fatal(err)
	}
	st := s.Status()
	if st.Method != "umap" || s.Controls().UMAP.Neighbors != 10 || st.Selection == nil || fmt.Sprint(st.Selection.Indices) != "[4]" {
		t.Fatalf("method %q, UMAP settings %+v, selection %+v", st.Method, s.Controls().UMAP, st.Selection)
	}
	got := s.Positions()
	if len(got) != len(pos) {
		t.Fatalf("%d coordinates, want %d", len(got), len(pos))
	}
	for i, v := range pos {
		if got[i] != float32(v) {
			t.Fatalf("coordinate %d is %v, the bookmark has %v", i, got[i], v)
		}
	}
	// Added here and saved: TensorBoard's keys and settings, read back equal.
	if err := s.AddBookmark(); err != nil {
		t.Fatal(err)
	}
	_, saved, err := s.SaveBookmarks()
	if err != nil {
		t.Fatal(err)
	}
	items, err := ParseBookmarks(saved)
	if err != nil || len(items) != 2 {
		t.Fatalf("%d bookmarks read back: %v", len(items), err)
	}
	b := items[1]
	if b.SelectedProjection != "umap" || b.UMAPis3d || b.UMAPNeighbors != 10 || b.UMAPMinDist == nil {
		t.Errorf("saved UMAP bookmark: %+v", b.TBState)
	}
	back := b.Projections.positions("umap", []int{0, 1}, 1797)
	for i, v := range pos {
		if back[i] != float32(v) {
			t.Fatalf("saved coordinate %d is %v, want %v", i, back[i], v)
		}
	}
}

// A UMAP bookmark without coordinates for every point runs UMAP with its
// settings.
func TestTensorBoardUMAPBookmarkWithoutPositionsRunsUMAP(t *testing.T) {
	file, _ := tensorBoardUMAPBookmark(1797, 64)
	file = bytes.Replace(file, []byte(`{"pca-0":0.5,"umap-0"`), []byte(`{"pca-0":0.5,"tsne-0"`), 1)
	s := readyDemo(t)
	if err := s.AddBookmarks(file, "state"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyBookmark(0); err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); st.Method != "umap" || st.Phase != Reducing || st.UMAPPhase == "" {
		t.Fatalf("after a UMAP bookmark without positions: %+v", st)
	}
	workUntil(t, s, "UMAP of the bookmark", func() bool { return s.Controls().Done })
	if got := s.Controls().UMAP.Neighbors; got != 10 {
		t.Errorf("ran with %d neighbours, the bookmark says 10", got)
	}
}
