package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TensorBoard bookmarks (README: #bookmarks, #add-bookmark, #save-bookmarks,
// #bookmarks-input; data-state's bookmarks).

// bookmarksState is data-state's "bookmarks".
type bookmarksState struct {
	Count   int    `json:"count"`
	Applied int    `json:"applied"`
	Error   string `json:"error"`
}

func bookmarksOf(t testing.TB, ctx context.Context) *bookmarksState {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').dataset.state`))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Bookmarks *bookmarksState `json:"bookmarks"`
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatalf("data-state %s: %v", raw, err)
	}
	return st.Bookmarks
}

// tensorBoardStates writes a bookmarks file for the digits as TensorBoard's
// projector saves one (JSON.stringify of its State objects, its field order):
// a finished 2D t-SNE of every point with three selected, and a PCA. It
// returns the file and the t-SNE coordinates as float32 (1797×2).
func tensorBoardStates() ([]byte, []float32) {
	const n = 1797
	r := rand.New(rand.NewPCG(5, 6))
	pos := make([]float32, 2*n)
	var b strings.Builder
	b.WriteString(`[{"label":"t-SNE, three picked","isSelected":true,"tSNEIteration":1000,"tSNEPerplexity":30,"tSNELearningRate":10,` +
		`"tSNEis3d":false,"UMAPIteration":0,"UMAPis3d":true,"pcaComponentDimensions":[0,1,2],"projections":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		x, y := r.NormFloat64()*25, r.NormFloat64()*25
		pos[2*i], pos[2*i+1] = float32(x), float32(y)
		fmt.Fprintf(&b, `{"pca-0":%v,"pca-1":%v,"tsne-0":%v,"tsne-1":%v}`, r.NormFloat64(), r.NormFloat64(), x, y)
	}
	b.WriteString(`],"selectedPoints":[1500,3,17],"selectedProjection":"tsne","dataSetDimensions":[1797,64],` +
		`"cameraDef":{"orthographic":true,"position":[0,0,4],"target":[0,0,0],"zoom":1.3},` +
		`"selectedColorOptionName":"label","forceCategoricalColoring":false,"selectedLabelOption":"label"},` +
		`{"label":"PCA 2 and 3","isSelected":false,"tSNEIteration":0,"tSNEPerplexity":0,"tSNELearningRate":0,"tSNEis3d":true,` +
		`"UMAPIteration":0,"UMAPis3d":true,"pcaComponentDimensions":[1,2],"projections":[],"selectedPoints":[],` +
		`"selectedProjection":"pca","dataSetDimensions":[1797,64],"selectedColorOptionName":"No color map",` +
		`"forceCategoricalColoring":false,"selectedLabelOption":"label"}]`)
	return []byte(b.String()), pos
}

// bookmarkLabels are the texts of #bookmarks' buttons.
func bookmarkLabels(t testing.TB, ctx context.Context) []string {
	t.Helper()
	l, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#bookmarks li button')].map(b => b.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTensorBoardBookmarksListedAppliedAndSaved(t *testing.T) {
	_, ctx := demoPage(t)
	downloads := downloadsTo(t, ctx)
	file, pos := tensorBoardStates()
	dir := t.TempDir()
	cfg := `{"embeddings":[{"tensorName":"digits","tensorShape":[1797,64],"tensorPath":"digits_tensors.bytes",` +
		`"metadataPath":"digits_labels.tsv","bookmarksPath":"state.txt"}]}`
	files := map[string][]byte{"projector_config.json": []byte(cfg), "state.txt": file}
	for _, name := range []string{"digits_tensors.bytes", "digits_labels.tsv"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "wasm", "demo", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	writeFiles(t, dir, files)
	var paths []string
	for name := range files {
		paths = append(paths, filepath.Join(dir, name))
	}
	upload(t, ctx, paths...)
	waitStatus(t, ctx, 60*time.Second, "the config's bookmarks", func(st status) bool {
		b := bookmarksOf(t, ctx)
		return st.Phase == "ready" && st.Source != "sklearn digits (demo)" && b != nil && b.Count == 2
	})
	if l := bookmarkLabels(t, ctx); fmt.Sprint(l) != "[t-SNE, three picked PCA 2 and 3]" {
		t.Fatalf("#bookmarks lists %q", l)
	}
	screenshot(t, ctx)

	// Applied: the file's positions and selection.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#bookmarks li:nth-child(1) button`))); err != nil {
		t.Fatal(err)
	}
	applied := waitStatus(t, ctx, 20*time.Second, "the bookmark applied", func(st status) bool {
		return st.Method == "tsne" && st.Phase == "ready" && st.LayoutHash != ""
	})
	if applied.LayoutHash != hashFloat32s(pos) || applied.Selection == nil || fmt.Sprint(applied.Selection.Indices) != "[3 17 1500]" {
		t.Errorf("after the bookmark: layout %s (the file's %s), selection %+v", applied.LayoutHash, hashFloat32s(pos), applied.Selection)
	}
	if b := bookmarksOf(t, ctx); b.Applied != 0 || b.Error != "" {
		t.Errorf("bookmarks %+v", b)
	}
	screenshot(t, ctx)

	// Added and saved: TensorBoard's two as they were, and ours.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("add-bookmark"))); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "the view added", func(status) bool { return bookmarksOf(t, ctx).Count == 3 })
	saved := clickAndDownload(t, ctx, "save-bookmarks", downloads, "digits_tensors-bookmarks.json")
	var states, orig []json.RawMessage
	if err := json.Unmarshal(saved, &states); err != nil || len(states) != 3 {
		t.Fatalf("saved bookmarks: %v (%d states)", err, len(states))
	}
	_ = json.Unmarshal(file, &orig)
	for i := range orig {
		if !bytes.Equal(states[i], orig[i]) {
			t.Errorf("bookmark %d was not written back as read", i)
		}
	}
	var ours struct {
		Label              string               `json:"label"`
		SelectedProjection string               `json:"selectedProjection"`
		DataSetDimensions  []int                `json:"dataSetDimensions"`
		TSNEIteration      int                  `json:"tSNEIteration"`
		Projections        []map[string]float64 `json:"projections"`
		SelectedPoints     []int                `json:"selectedPoints"`
		Colour             string               `json:"selectedColorOptionName"`
	}
	if err := json.Unmarshal(states[2], &ours); err != nil {
		t.Fatal(err)
	}
	if ours.Label != "State 2" || ours.SelectedProjection != "tsne" || fmt.Sprint(ours.DataSetDimensions) != "[1797 64]" ||
		ours.TSNEIteration != 1000 || fmt.Sprint(ours.SelectedPoints) != "[3 17 1500]" || ours.Colour != "label" || len(ours.Projections) != 1797 {
		t.Fatalf("our bookmark: %s %s %v it %d sel %v colour %q, %d projections", ours.Label, ours.SelectedProjection,
			ours.DataSetDimensions, ours.TSNEIteration, ours.SelectedPoints, ours.Colour, len(ours.Projections))
	}
	for i, p := range ours.Projections {
		if float32(p["tsne-0"]) != pos[2*i] || float32(p["tsne-1"]) != pos[2*i+1] {
			t.Fatalf("point %d saved at %v, shown at (%v, %v)", i, p, pos[2*i], pos[2*i+1])
		}
	}

	// A bookmarks file chosen on its own is listed, the data stay.
	alone := filepath.Join(t.TempDir(), "state")
	if err := os.WriteFile(alone, file, 0o644); err != nil {
		t.Fatal(err)
	}
	upload(t, ctx, alone)
	st := waitStatus(t, ctx, 20*time.Second, "the file's bookmarks added", func(status) bool { return bookmarksOf(t, ctx).Count == 5 })
	if st.LayoutHash != applied.LayoutHash || st.Points != 1797 {
		t.Errorf("choosing a bookmarks file changed the data: %+v", st)
	}
	// A file that is not one is said, and changes nothing.
	bad := filepath.Join(t.TempDir(), "bookmarks.json")
	if err := os.WriteFile(bad, []byte(`[{"label": "no dimensions"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("bookmarks-input"), []string{bad})); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "the bad file said", func(status) bool { return bookmarksOf(t, ctx).Error != "" })
	if b := bookmarksOf(t, ctx); b.Count != 5 || !strings.Contains(b.Error, "bookmarks.json") {
		t.Errorf("after a bad bookmarks file: %+v", b)
	}
	if n := noticeText(t, ctx); !strings.Contains(n, "dataSetDimensions") {
		t.Errorf("#notice says %q", n)
	}

	// On a phone the list and its buttons are reached in the inspector's sheet.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	nextFrames(t, ctx, 3)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("inspector-toggle"))); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{"#add-bookmark", "#save-bookmarks", "#bookmarks li:last-child button"} {
		js := `(() => { const el = document.querySelector('` + sel + `'); el.scrollIntoView({block: 'nearest'});
			const r = el.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
			return r.width > 0 && r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight && (hit === el || el.contains(hit)); })()`
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil || !ok {
			t.Errorf("%s is not reachable on a 390×844 screen (%v)", sel, err)
		}
	}
	screenshot(t, ctx)
}
