package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTSNEReusesTheWorkersVectors: data large enough for neighbour queries
// in the worker (6,000 × 768, over the 2^22 values at which they go there)
// are handed to it once; a t-SNE run started after that uses the worker's
// copy (no vectors sent again) and runs there, and neighbour queries made
// while it runs are answered by the worker too.
func TestTSNEReusesTheWorkersVectors(t *testing.T) {
	_, ctx := demoPage(t)
	npy, labels := writeWordClusters(t, 6000, 768)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__posted = {};
		window.__starts = [];
		window.__answers = 0;
		const w = projectorWorker();
		const post = w.postMessage.bind(w);
		w.postMessage = (m, transfer) => {
			window.__posted[m.type] = (window.__posted[m.type] || 0) + 1;
			if (m.type === 'start') window.__starts.push(m.fromIndex);
			return transfer ? post(m, transfer) : post(m);
		};
		w.addEventListener('message', (e) => { if (e.data.type === 'neighbours') window.__answers++; });
	})()`)); err != nil {
		t.Fatal(err)
	}
	upload(t, ctx, npy, labels)
	waitStatus(t, ctx, 2*time.Minute, "6,000 × 768 to be ready", func(st status) bool { return st.Phase == "ready" && st.Points == 6000 })
	workerNeighbours(t, ctx, npy, 6000, 768, 4242)
	type posted struct {
		Posted  map[string]int `json:"posted"`
		Starts  []int          `json:"starts"`
		Answers int            `json:"answers"`
	}
	read := func() posted {
		p, err := chromedp.Run(ctx, chromedp.Evaluate[posted](`({posted: window.__posted, starts: window.__starts, answers: window.__answers})`))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	before := read()
	// 6,000 × 768 float32 values in 1 MB pieces: 18 pieces.
	if before.Posted["indexVectors"] != 18 || before.Posted["index"] != 1 || before.Answers < 1 {
		t.Fatalf("before t-SNE the page posted %v and got %d answers; want one index of 18 pieces", before.Posted, before.Answers)
	}
	setControl(t, ctx, "ctl-method", "tsne")
	waitStatus(t, ctx, 2*time.Minute, "t-SNE to iterate", func(st status) bool { return st.Method == "tsne" && st.Iteration >= 20 })
	after := read()
	if len(after.Starts) != 1 || after.Starts[0] < 1 || after.Posted["vectors"] != 0 {
		t.Fatalf("t-SNE started with fromIndex %v and %d vector pieces; want the worker's dataset and none", after.Starts, after.Posted["vectors"])
	}
	// A neighbour query while t-SNE runs in the same worker.
	workerNeighbours(t, ctx, npy, 6000, 768, 77)
	if st := waitStatus(t, ctx, time.Minute, "t-SNE to go on", func(st status) bool { return st.Iteration >= 60 }); st.Method != "tsne" {
		t.Fatalf("status %+v", st)
	}
	// The projection quality of the PCA (the t-SNE's neighbours are of the
	// PCA to 50 dims, not reusable): searched in the worker on the vectors
	// it holds, sent no second time.
	setControl(t, ctx, "ctl-method", "pca")
	setControl(t, ctx, "ctl-color", "quality")
	var q qualityState
	waitStatus(t, ctx, 2*time.Minute, "the PCA's quality", func(st status) bool {
		q = qualityState{}
		readExtra(t, ctx, &q)
		return q.Method == "pca" && q.Quality != nil && q.Quality.Done
	})
	end := read()
	if !q.Quality.Worker || q.Quality.Reused || end.Posted["index"] != 2 || end.Posted["indexVectors"] != 18 {
		t.Errorf("quality %+v after posting %v: want it searched in the worker on the vectors it had", *q.Quality, end.Posted)
	}
}
