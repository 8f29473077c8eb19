package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Exports and view files (README: #export-tsv, #export-csv, #export-npy,
// #export-png, #export-neighbours, #save-view, #view-input; data-state's
// view, layoutHash and viewError): every file is downloaded through the
// real page into a folder and read back.

// downloadsTo makes the browser save downloads in a new folder, returned.
func downloadsTo(t testing.TB, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}) // "" on a browser of its own
	if err != nil {
		t.Fatalf("setting the download folder: %v", err)
	}
	return dir
}

// clickAndDownload clicks the element with id and waits for the file name
// to be downloaded into dir, returning its bytes.
func clickAndDownload(t testing.TB, ctx context.Context, id, dir, name string) []byte {
	t.Helper()
	path := filepath.Join(dir, name)
	os.Remove(path)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID(id))); err != nil {
		t.Fatalf("clicking #%s: %v", id, err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(path + ".crdownload"); err == nil {
			continue
		}
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	st, _ := readStatus(ctx)
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('inspector-message').textContent`))
	t.Fatalf("#%s downloaded no %s (folder holds %q; inspector says %q; status %+v)", id, name, names, msg, st)
	return nil
}

// hashFloat32s is FNV-1a 64 of the values' little-endian bytes, as
// data-state's layoutHash and view.hash say it.
func hashFloat32s(v []float32) string {
	h := fnv.New64a()
	_ = binary.Write(h, binary.LittleEndian, v)
	return fmt.Sprintf("fnv1a64:%016x", h.Sum64())
}

// readTable reads an exported TSV or CSV: the header and the records.
func readTable(t testing.TB, b []byte, sep rune) (header []string, recs [][]string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = sep
	all, err := r.ReadAll()
	if err != nil || len(all) == 0 {
		t.Fatalf("reading the export back: %v", err)
	}
	return all[0], all[1:]
}

// tableCoords returns the x, y columns of an export's records as float32.
func tableCoords(t testing.TB, recs [][]string) []float32 {
	t.Helper()
	out := make([]float32, 0, 2*len(recs))
	for _, rec := range recs {
		for _, f := range rec[1:3] {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil {
				t.Fatalf("coordinate %q: %v", f, err)
			}
			out = append(out, float32(v))
		}
	}
	return out
}

// readNPY parses a .npy file of float32 as numpy.lib.format does.
func readNPY(t testing.TB, b []byte) (shape []int, data []float32) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("not a .npy 1.0 file")
	}
	hl := int(binary.LittleEndian.Uint16(b[8:]))
	if (10+hl)%64 != 0 {
		t.Errorf(".npy data start at %d, not a multiple of 64", 10+hl)
	}
	m := regexp.MustCompile(`^\{'descr': '<f4', 'fortran_order': False, 'shape': \((\d+), (\d+)\), \} *\n$`).FindStringSubmatch(string(b[10 : 10+hl]))
	if m == nil {
		t.Fatalf(".npy header %q", b[10:10+hl])
	}
	n, _ := strconv.Atoi(m[1])
	d, _ := strconv.Atoi(m[2])
	raw := b[10+hl:]
	if len(raw) != 4*n*d {
		t.Fatalf(".npy of shape (%d, %d) holds %d data bytes", n, d, len(raw))
	}
	data = make([]float32, n*d)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return []int{n, d}, data
}

// demoLabels are the demo's labels, one per point.
func demoLabels(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile("../../wasm/demo/digits_labels.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestExportsDownloadedAndReadBack(t *testing.T) {
	_, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	st := waitStatus(t, ctx, 30*time.Second, "the layout hash", func(st status) bool { return st.LayoutHash != "" && st.View != nil })
	if st.View.Points != 1797 || st.View.Dims != 64 || !strings.HasPrefix(st.View.Hash, "fnv1a64:") {
		t.Errorf("data-state.view %+v", st.View)
	}
	labels := demoLabels(t)

	for _, c := range []struct {
		id, name string
		sep      rune
	}{{"export-tsv", "digits_tensors-pca.tsv", '\t'}, {"export-csv", "digits_tensors-pca.csv", ','}} {
		header, recs := readTable(t, clickAndDownload(t, ctx, c.id, dir, c.name), c.sep)
		if strings.Join(header, "|") != "index|x|y|label" || len(recs) != 1797 {
			t.Fatalf("%s: header %q, %d rows", c.name, header, len(recs))
		}
		if got := hashFloat32s(tableCoords(t, recs)); got != st.LayoutHash {
			t.Errorf("%s: coordinates hash to %s, data-state.layoutHash is %s", c.name, got, st.LayoutHash)
		}
		for i, rec := range recs {
			if rec[0] != strconv.Itoa(i) || rec[3] != labels[i] {
				t.Fatalf("%s row %d: %q, want index %d label %q", c.name, i, rec, i, labels[i])
			}
		}
	}
	shape, coords := readNPY(t, clickAndDownload(t, ctx, "export-npy", dir, "digits_tensors-pca.npy"))
	if shape[0] != 1797 || shape[1] != 2 || hashFloat32s(coords) != st.LayoutHash {
		t.Errorf(".npy shape %v, hash %s; data-state.layoutHash %s", shape, hashFloat32s(coords), st.LayoutHash)
	}

	// The PNG: the canvas at device resolution, coloured points and legend.
	img, err := png.Decode(bytes.NewReader(clickAndDownload(t, ctx, "export-png", dir, "digits_tensors-pca.png")))
	if err != nil {
		t.Fatalf("the PNG: %v", err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => { const c = document.querySelector('canvas'); return [c.width, c.height]; })()`))
	if err != nil || img.Bounds() != image.Rect(0, 0, size[0], size[1]) {
		t.Errorf("PNG of %v, the canvas is %v (%v)", img.Bounds(), size, err)
	}
	if drawn, colours := pixelStats(img, img.Bounds(), background); drawn < 5000 || frequentColours(colours, 20) < 10 {
		t.Errorf("the PNG shows %d drawn pixels in %d frequent colours: not the points and legend", drawn, frequentColours(colours, 20))
	}

	// Only the selection: the threes.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), "/^3$/\r")); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 10*time.Second, "the threes selected", func(st status) bool { return st.Selection != nil && st.Selection.Count > 100 })
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("export-selection"))); err != nil {
		t.Fatalf("the 'only the selection' toggle: %v", err)
	}
	header, recs := readTable(t, clickAndDownload(t, ctx, "export-tsv", dir, "digits_tensors-pca-selection.tsv"), '\t')
	if len(header) != 4 || len(recs) != st.Selection.Count {
		t.Fatalf("selection export: %d rows, %d selected", len(recs), st.Selection.Count)
	}
	sel := tableCoords(t, recs)
	for k, rec := range recs {
		i := st.Selection.Indices[k]
		if rec[0] != strconv.Itoa(i) || rec[3] != "3" || sel[2*k] != coords[2*i] || sel[2*k+1] != coords[2*i+1] {
			t.Fatalf("selection row %d: %q, want point %d at (%v, %v)", k, rec, i, coords[2*i], coords[2*i+1])
		}
	}
	shape, selNPY := readNPY(t, clickAndDownload(t, ctx, "export-npy", dir, "digits_tensors-pca-selection.npy"))
	if shape[0] != st.Selection.Count || hashFloat32s(selNPY) != hashFloat32s(sel) {
		t.Errorf("selection .npy shape %v differs from the selection TSV", shape)
	}

	// The neighbour list of one point, as data-state.neighbours has it.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`globalThis.projectorControl('select', '12')`)); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 10*time.Second, "the neighbours of 12", func(st status) bool { return st.Neighbours != nil && st.Neighbours.Of == 12 })
	header, recs = readTable(t, clickAndDownload(t, ctx, "export-neighbours", dir, "digits_tensors-neighbours-of-12.tsv"), '\t')
	if strings.Join(header, "|") != "rank|index|label|distance" || len(recs) != st.Neighbours.K {
		t.Fatalf("neighbour export: header %q, %d rows for k = %d", header, len(recs), st.Neighbours.K)
	}
	for r, rec := range recs {
		i := st.Neighbours.Indices[r]
		d, err := strconv.ParseFloat(rec[3], 32)
		if rec[0] != strconv.Itoa(r+1) || rec[1] != strconv.Itoa(i) || rec[2] != labels[i] || err != nil || float32(d) != float32(st.Neighbours.Distances[r]) {
			t.Fatalf("neighbour %d: %q, data-state says %d at %g", r+1, rec, i, st.Neighbours.Distances[r])
		}
	}
	screenshot(t, ctx)
}

// viewFile is the part of a saved view file the tests read.
type viewFile struct {
	Format string `json:"format"`
	Data   struct {
		Points int    `json:"points"`
		Dims   int    `json:"dims"`
		Hash   string `json:"hash"`
	} `json:"data"`
	Method    string  `json:"method"`
	Positions []byte  `json:"positions"` // base64 of little-endian float32
	Camera    *camera `json:"camera"`
	Selection []int   `json:"selection"`
}

func TestViewStateSurvivesReload(t *testing.T) {
	s, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	setControl(t, ctx, "ctl-method", "tsne")
	waitStatus(t, ctx, 120*time.Second, "t-SNE to finish", func(st status) bool {
		return st.Method == "tsne" && st.Phase == "ready" && st.Iteration >= 1000 && st.LayoutHash != ""
	})
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`globalThis.projectorControl('select', '100')`)); err != nil {
		t.Fatal(err)
	}
	wheelEvent(t, ctx, 400, 300, -240, 0, false) // zoom in off-centre: a camera no fit gives
	settle(t, ctx)
	saved := waitStatus(t, ctx, 10*time.Second, "the selection", func(st status) bool { return st.Selection != nil && st.Camera != nil })

	b := clickAndDownload(t, ctx, "save-view", dir, "digits_tensors-view.json")
	var vf viewFile
	if err := json.Unmarshal(b, &vf); err != nil {
		t.Fatalf("the view file: %v", err)
	}
	pos := make([]float32, len(vf.Positions)/4)
	for i := range pos {
		pos[i] = math.Float32frombits(binary.LittleEndian.Uint32(vf.Positions[4*i:]))
	}
	if vf.Format != "embproj-view/1" || vf.Method != "tsne" || vf.Data.Hash != saved.View.Hash || hashFloat32s(pos) != saved.LayoutHash ||
		len(pos) != 2*1797 || fmt.Sprint(vf.Selection) != "[100]" || vf.Camera == nil {
		t.Fatalf("view file %s %s %+v selection %v camera %+v; status %+v", vf.Format, vf.Method, vf.Data, vf.Selection, vf.Camera, saved)
	}
	viewPath := filepath.Join(t.TempDir(), "view.json")
	if err := os.WriteFile(viewPath, b, 0o644); err != nil {
		t.Fatal(err)
	}

	// The page's address without its fragment (which would keep the view)
	// shows the demo's PCA again; the view file brings the t-SNE back.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL)); err != nil {
		t.Fatal(err)
	}
	fresh := waitStatus(t, ctx, 90*time.Second, "the demo after the reload", func(st status) bool { return st.Phase == "ready" && st.View != nil })
	if fresh.Method != "pca" || fresh.LayoutHash == saved.LayoutHash {
		t.Fatalf("after the reload: %+v", fresh)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("view-input"), []string{viewPath})); err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, ctx, 20*time.Second, "the view applied", func(st status) bool { return st.Method == "tsne" && st.LayoutHash != "" })
	if got.LayoutHash != saved.LayoutHash || got.Iteration != saved.Iteration || got.Phase != "ready" {
		t.Errorf("restored layout %s at iteration %d (%s), saved %s at %d", got.LayoutHash, got.Iteration, got.Phase, saved.LayoutHash, saved.Iteration)
	}
	if cam := settle(t, ctx); cam != *saved.Camera {
		t.Errorf("camera %+v after the view, saved %+v", cam, *saved.Camera)
	}
	if got.Selection == nil || fmt.Sprint(got.Selection.Indices) != "[100]" {
		t.Errorf("selection %+v, want [100]", got.Selection)
	}
	screenshot(t, ctx)

	// Other data: the view is refused, said, and nothing changes.
	upload(t, ctx, wineFiles(t)...)
	wine := waitStatus(t, ctx, 30*time.Second, "wine", func(st status) bool {
		return st.Phase == "ready" && st.Points == 178 && st.View != nil && st.LayoutHash != ""
	})
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("view-input"), []string{viewPath})); err != nil {
		t.Fatal(err)
	}
	refused := waitStatus(t, ctx, 20*time.Second, "the view refused", func(st status) bool { return st.ViewError != "" })
	if !strings.Contains(refused.ViewError, "1,797 × 64") || !strings.Contains(refused.ViewError, "178 × 13") ||
		refused.Method != "pca" || refused.LayoutHash != wine.LayoutHash {
		t.Errorf("after a view of other data: %+v", refused)
	}
	notice, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const n = document.getElementById('notice'); return n.hidden ? '' : n.textContent; })()`))
	if err != nil || !strings.Contains(notice, "other data") {
		t.Errorf("#notice says %q (%v)", notice, err)
	}
}
