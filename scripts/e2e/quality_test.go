package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/session"
)

// Standardised columns and projection quality (README: #ctl-standardize,
// data-state's standardize and quality).

// extraState is the part of data-state these tests read beyond status.
type extraState struct {
	Phase       string `json:"phase"`
	LayoutHash  string `json:"layoutHash"`
	Standardize *struct {
		Constant []int `json:"constant"`
	} `json:"standardize"`
}

// readExtra reads data-state into v (fields absent from it are left as
// they were: pass a zero value).
func readExtra(t testing.TB, ctx context.Context, v any) {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').dataset.state`))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		t.Fatalf("data-state %q: %v", raw, err)
	}
}

// readTSVMatrix reads a tab-separated file of numbers, n rows of d.
func readTSVMatrix(t testing.TB, path string) (x []float32, n, d int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		d = len(fields)
		for _, s := range fields {
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				t.Fatalf("%s line %d: %v", path, n+1, err)
			}
			x = append(x, float32(v))
		}
		n++
	}
	return x, n, d
}

// pearson is the absolute correlation of column a of the n×da x with column
// b of the n×db y.
func pearson(x []float32, da, a int, y []float32, db, b int) float64 {
	n := len(x) / da
	var mx, my float64
	for i := 0; i < n; i++ {
		mx += float64(x[i*da+a])
		my += float64(y[i*db+b])
	}
	mx, my = mx/float64(n), my/float64(n)
	var sxy, sxx, syy float64
	for i := 0; i < n; i++ {
		dx, dy := float64(x[i*da+a])-mx, float64(y[i*db+b])-my
		sxy, sxx, syy = sxy+dx*dy, sxx+dx*dx, syy+dy*dy
	}
	return math.Abs(sxy / math.Sqrt(sxx*syy))
}

// standardizedPCA is the 2D PCA of x with every column standardised by the
// test itself ((x − mean) / population standard deviation).
func standardizedPCA(x []float32, n, d int) []float32 {
	z := make([]float32, n*d)
	for j := 0; j < d; j++ {
		var mean, v float64
		for i := 0; i < n; i++ {
			mean += float64(x[i*d+j])
		}
		mean /= float64(n)
		for i := 0; i < n; i++ {
			v += (float64(x[i*d+j]) - mean) * (float64(x[i*d+j]) - mean)
		}
		sd := math.Sqrt(v / float64(n))
		for i := 0; i < n; i++ {
			z[i*d+j] = float32((float64(x[i*d+j]) - mean) / sd)
		}
	}
	p := reduce.NewPCA(z, n, d, reduce.PCAConfig{Components: 2})
	for !p.Step() {
	}
	return p.Positions()
}

// reachable says "ok" when the element sel is inside the viewport and not
// covered by another element at its middle, else what is wrong.
const reachable = `(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	if (r.width === 0 || r.height === 0) return 'not shown';
	if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return 'outside the viewport: ' + JSON.stringify(r);
	const hit = document.elementFromPoint(x, y);
	return hit && (hit === el || el.contains(hit)) ? 'ok' : 'covered by ' + (hit ? hit.tagName + '#' + hit.id : 'nothing'); }`

func checkReachable(t testing.TB, ctx context.Context, what string, sels ...string) {
	t.Helper()
	for _, sel := range sels {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+reachable+`)(`+fmt.Sprintf("%q", sel)+`)`))
		if err != nil || got != "ok" {
			t.Errorf("%s at %s: %s (%v)", sel, what, got, err)
		}
	}
}

// The wine set's PCA is proline's axis until #ctl-standardize is checked;
// then it is the PCA of the standardised columns, exported under its own
// name, and unchecking it brings the raw layout back.
func TestStandardizeToggle(t *testing.T) {
	_, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	upload(t, ctx, wineFiles(t)...)
	expectWine(t, ctx, "the wine files")
	x, n, d := readTSVMatrix(t, wineFiles(t)[0])
	if n != 178 || d != 13 {
		t.Fatalf("wine vectors %d×%d", n, d)
	}
	raw := waitStatus(t, ctx, 30*time.Second, "the layout hash", func(st status) bool { return st.LayoutHash != "" })
	_, recs := readTable(t, clickAndDownload(t, ctx, "export-tsv", dir, "vectors-pca.tsv"), '\t')
	if h := hashFloat32s(tableCoords(t, recs)); h != raw.LayoutHash {
		t.Errorf("the raw export hashes to %s, data-state.layoutHash %s", h, raw.LayoutHash)
	}
	if r := pearson(tableCoords(t, recs), 2, 0, x, d, 12); r < 0.99 {
		t.Errorf("raw PCA: |r(x, proline)| = %.3f, want ≥ 0.99", r)
	}
	checkReachable(t, ctx, "1280×800", "#ctl-standardize")

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-standardize"))); err != nil {
		t.Fatal(err)
	}
	var ex extraState
	waitStatus(t, ctx, 30*time.Second, "the standardised PCA", func(st status) bool {
		ex = extraState{}
		readExtra(t, ctx, &ex)
		return st.Phase == "ready" && st.LayoutHash != "" && st.LayoutHash != raw.LayoutHash && ex.Standardize != nil
	})
	if len(ex.Standardize.Constant) != 0 {
		t.Errorf("constant columns %v in the wine set", ex.Standardize.Constant)
	}
	screenshot(t, ctx)
	_, recs = readTable(t, clickAndDownload(t, ctx, "export-tsv", dir, "vectors-pca-standardized.tsv"), '\t')
	got := tableCoords(t, recs)
	if r := pearson(got, 2, 0, x, d, 12); r > 0.8 {
		t.Errorf("standardised PCA: |r(x, proline)| = %.3f, want < 0.8", r)
	}
	want := standardizedPCA(x, n, d)
	for a := 0; a < 2; a++ {
		if r := pearson(got, 2, a, want, 2, a); r < 0.9999 {
			t.Errorf("axis %d: |r| = %.6f with the test's own PCA of the standardised columns", a, r)
		}
	}

	// A phone reaches the toggle.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	nextFrames(t, ctx, 3)
	checkReachable(t, ctx, "390×844", "#ctl-standardize", "#ctl-method", "#ctl-color")
	screenshot(t, ctx)

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-standardize"))); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, 30*time.Second, "the raw PCA again", func(st status) bool {
		ex = extraState{}
		readExtra(t, ctx, &ex)
		return st.Phase == "ready" && st.LayoutHash == raw.LayoutHash && ex.Standardize == nil
	})
}

// qualityState is data-state's quality.
type qualityState struct {
	Phase      string `json:"phase"`
	Method     string `json:"method"`
	Iteration  int    `json:"iteration"`
	LayoutHash string `json:"layoutHash"`
	Quality    *struct {
		K        int     `json:"k"`
		Done     bool    `json:"done"`
		Progress float64 `json:"progress"`
		Mean     float64 `json:"mean"`
		Exact    bool    `json:"exact"`
		Reused   bool    `json:"reused"`
		Worker   bool    `json:"worker"`
	} `json:"quality"`
}

// demoVectors are the demo's 1,797 × 64 vectors.
func demoVectors(t testing.TB) []float32 {
	t.Helper()
	b, err := os.ReadFile("../../wasm/demo/digits_tensors.bytes")
	if err != nil || len(b) != 4*1797*64 {
		t.Fatalf("the demo tensor: %d bytes, %v", len(b), err)
	}
	v := make([]float32, 1797*64)
	for i := range v {
		v[i] = math.Float32frombits(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	return v
}

// nearest is the k nearest rows of every row of the n×d x: squared
// euclidean distance in float64, equal distances by index.
func nearest(x []float32, n, d, k int) [][]int {
	out := make([][]int, n)
	dist := make([]float64, n)
	for i := 0; i < n; i++ {
		idx := make([]int, 0, n-1)
		for j := 0; j < n; j++ {
			s := 0.0
			for a := 0; a < d; a++ {
				v := float64(x[i*d+a]) - float64(x[j*d+a])
				s += v * v
			}
			dist[j] = s
			if j != i {
				idx = append(idx, j)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return dist[idx[a]] < dist[idx[b]] })
		out[i] = idx[:k]
	}
	return out
}

// checkQualityExport downloads the TSV of the layout shown and compares its
// recall@10 column with a brute-force recall@10 of its coordinates against
// the vectors, and its mean with data-state's.
func checkQualityExport(t *testing.T, ctx context.Context, dir, name string, input [][]int, mean float64) {
	t.Helper()
	header, recs := readTable(t, clickAndDownload(t, ctx, "export-tsv", dir, name), '\t')
	if strings.Join(header, "|") != "index|x|y|label|recall@10" || len(recs) != 1797 {
		t.Fatalf("%s: header %q, %d rows", name, header, len(recs))
	}
	layout := nearest(tableCoords(t, recs), 1797, 2, 10)
	sum, differ := 0.0, 0
	for i, rec := range recs {
		kept := 0
		for _, j := range input[i] {
			if slices.Contains(layout[i], j) {
				kept++
			}
		}
		want := float64(kept) / 10
		sum += want
		if got, err := strconv.ParseFloat(rec[4], 64); err != nil || got != want {
			if differ++; differ <= 5 {
				t.Errorf("%s: point %d has quality %q, brute force %g", name, i, rec[4], want)
			}
		}
	}
	if differ > 0 {
		t.Fatalf("%s: %d of 1797 points differ from brute force", name, differ)
	}
	if math.Abs(sum/1797-mean) > 1e-9 {
		t.Errorf("%s: data-state mean %g, brute force %g", name, mean, sum/1797)
	}
	t.Logf("%s: mean recall@10 %.4f", name, mean)
}

// Colour by projection quality: every point's value (exported as the
// recall@10 column) equals a brute-force recall@10 of the exported
// coordinates against the demo's vectors, for a finished t-SNE (whose
// worker's neighbour search is reused) and then the PCA.
func TestQualityColouringMatchesBruteForce(t *testing.T) {
	_, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	input := nearest(demoVectors(t), 1797, 64, 10)
	setControl(t, ctx, "ctl-method", "tsne")
	waitStatus(t, ctx, 120*time.Second, "t-SNE finished", func(st status) bool {
		return st.Method == "tsne" && st.Phase == "ready" && st.Iteration == 1000
	})
	setControl(t, ctx, "ctl-color", "quality")
	var q qualityState
	waitStatus(t, ctx, 60*time.Second, "the t-SNE's quality", func(st status) bool {
		q = qualityState{}
		readExtra(t, ctx, &q)
		return q.Quality != nil && q.Quality.Done
	})
	if q.Quality.K != 10 || !q.Quality.Exact || !q.Quality.Reused || q.Quality.Mean < 0.5 {
		t.Errorf("t-SNE quality %+v, want the worker's neighbours reused and a mean over 0.5", *q.Quality)
	}
	screenshot(t, ctx)
	checkQualityExport(t, ctx, dir, "digits_tensors-tsne.tsv", input, q.Quality.Mean)
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').textContent`))
	if want := fmt.Sprintf("mean recall@10 %.3f", q.Quality.Mean); err != nil || !strings.Contains(text, want) {
		t.Errorf("the status sentence %q does not say %q", text, want)
	}

	setControl(t, ctx, "ctl-method", "pca")
	waitStatus(t, ctx, 60*time.Second, "the PCA's quality", func(st status) bool {
		q = qualityState{}
		readExtra(t, ctx, &q)
		return q.Method == "pca" && q.Phase == "ready" && q.Quality != nil && q.Quality.Done
	})
	checkQualityExport(t, ctx, dir, "digits_tensors-pca.tsv", input, q.Quality.Mean)
}

// Colour by quality with the PCA shown (no t-SNE to take neighbours from):
// the input neighbours are searched in the page's worker, and every point's
// value equals a brute-force recall@10.
func TestQualityNeighboursSearchedInTheWorker(t *testing.T) {
	_, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	setControl(t, ctx, "ctl-color", "quality")
	var q qualityState
	waitStatus(t, ctx, 60*time.Second, "the PCA's quality", func(st status) bool {
		q = qualityState{}
		readExtra(t, ctx, &q)
		return q.Quality != nil && q.Quality.Done
	})
	if !q.Quality.Worker || q.Quality.Reused || !q.Quality.Exact {
		t.Errorf("PCA quality %+v, want exact neighbours searched in the worker", *q.Quality)
	}
	checkQualityExport(t, ctx, dir, "digits_tensors-pca.tsv", nearest(demoVectors(t), 1797, 64, 10), q.Quality.Mean)
}

// A metadata file with x and y columns: the projection method "columns"
// is offered and draws exactly those positions (data-state's layoutHash,
// the exported coordinates, the camera fitting them).
func TestPrecomputedColumnsDrawExactly(t *testing.T) {
	_, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	const n = 300
	var tensor, meta strings.Builder
	meta.WriteString("label\tx\ty\n")
	want := make([]float32, 0, 2*n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&tensor, "%d\t%d\t%d\t%d\n", i%5, i%3, i*i%11, i%2+1)
		x, y := float32(math.Cos(float64(i)/15)*float64(i)/30), float32(math.Sin(float64(i)/15)*float64(i)/30)
		fmt.Fprintf(&meta, "p%d\t%s\t%s\n", i, strconv.FormatFloat(float64(x), 'g', -1, 32), strconv.FormatFloat(float64(y), 'g', -1, 32))
		want = append(want, x, y)
	}
	files := t.TempDir()
	writeFiles(t, files, map[string][]byte{"spiral.tsv": []byte(tensor.String()), "spiral-meta.tsv": []byte(meta.String())})
	upload(t, ctx, files+"/spiral.tsv", files+"/spiral-meta.tsv")
	waitStatus(t, ctx, 60*time.Second, "the spiral", func(st status) bool { return st.Phase == "ready" && st.Points == n })
	offered, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById('ctl-method-columns').hidden`))
	if err != nil || !offered {
		t.Fatalf("the columns method is not offered (%v)", err)
	}
	setControl(t, ctx, "ctl-method", "columns")
	st := waitStatus(t, ctx, 30*time.Second, "the precomputed layout", func(st status) bool {
		return st.Method == "columns" && st.Phase == "ready" && st.LayoutHash != ""
	})
	if st.LayoutHash != hashFloat32s(want) || st.Layout != 2 {
		t.Errorf("layoutHash %s, want %s of the x and y columns (layout %dD)", st.LayoutHash, hashFloat32s(want), st.Layout)
	}
	_, recs := readTable(t, clickAndDownload(t, ctx, "export-tsv", dir, "spiral-columns.tsv"), '\t')
	if got := tableCoords(t, recs); !slices.Equal(got, want) {
		t.Errorf("the exported coordinates differ from the x and y columns")
	}
	screenshot(t, ctx)

	// The wine set has no such columns: the method is not offered.
	upload(t, ctx, wineFiles(t)...)
	expectWine(t, ctx, "the wine files")
	nextFrames(t, ctx, 2)
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('ctl-method-columns').hidden`)); err != nil || !hidden {
		t.Errorf("the columns method is offered for the wine set (%v)", err)
	}
}

// setInput types value into the text field id and commits it (change).
func setInput(t testing.TB, ctx context.Context, id, value string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q;
		el.dispatchEvent(new Event('change', {bubbles: true})); return el.value; })()`, id, value)
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js)); err != nil || got != value {
		t.Fatalf("setting #%s to %q: got %q, %v", id, value, got, err)
	}
}

// The custom projection from the panel: x from the centroid of "man" to
// "woman", y from "king" to "queen"; the layout is session.CustomLayout of
// the vectors, exactly, and reachable on a phone.
func TestCustomProjectionFromThePanel(t *testing.T) {
	_, ctx := demoPage(t)
	const n, d = 60, 5
	words := []string{"man", "woman", "king", "queen", "apple", "pear"}
	x := make([]float32, n*d)
	var tensor, labels strings.Builder
	rows := map[string][]int{}
	for i := 0; i < n; i++ {
		w := words[i%len(words)]
		rows[w] = append(rows[w], i)
		for j := 0; j < d; j++ {
			x[i*d+j] = float32((i*7+j*13)%17) / 4
			fmt.Fprintf(&tensor, "%s", strconv.FormatFloat(float64(x[i*d+j]), 'g', -1, 32))
			if j < d-1 {
				tensor.WriteByte('\t')
			}
		}
		tensor.WriteByte('\n')
		fmt.Fprintf(&labels, "%s\n", w)
	}
	want, err := session.CustomLayout(x, n, d, rows["man"], rows["woman"], rows["king"], rows["queen"])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"words.tsv": []byte(tensor.String()), "words-labels.tsv": []byte(labels.String())})
	upload(t, ctx, dir+"/words.tsv", dir+"/words-labels.tsv")
	waitStatus(t, ctx, 60*time.Second, "the words", func(st status) bool { return st.Phase == "ready" && st.Points == n })
	setControl(t, ctx, "ctl-method", "custom")
	waitStatus(t, ctx, 10*time.Second, "the custom panel", func(st status) bool { return st.Method == "custom" })
	checkReachable(t, ctx, "1280×800", "#ctl-custom-left", "#ctl-custom-right", "#ctl-custom-down", "#ctl-custom-up")
	setInput(t, ctx, "ctl-custom-left", "/^man$/")
	setInput(t, ctx, "ctl-custom-right", "/^woman$/")
	setInput(t, ctx, "ctl-custom-down", "king")
	setInput(t, ctx, "ctl-custom-up", "queen")
	st := waitStatus(t, ctx, 10*time.Second, "the custom layout", func(st status) bool {
		return st.Phase == "ready" && st.LayoutHash == hashFloat32s(want)
	})
	if !strings.Contains(st.Text, `x from "/^man$/" (10 points) to "/^woman$/" (10)`) {
		t.Errorf("the sentence %q", st.Text)
	}
	screenshot(t, ctx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	nextFrames(t, ctx, 3)
	checkReachable(t, ctx, "390×844", "#ctl-custom-left", "#ctl-custom-right", "#ctl-custom-down", "#ctl-custom-up", "#ctl-method")
	screenshot(t, ctx)
}
