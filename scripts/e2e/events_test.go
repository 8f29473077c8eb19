package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// eventsFixture returns the path of an event file of parse/tfevents/testdata
// (written by that package's TestFixtures -update), failing when it is absent.
func eventsFixture(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "parse", "tfevents", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("event-file fixture missing: %v", err)
	}
	return p
}

// searchMatches types query into #search and returns the number of matches the
// status reports for it.
func searchMatches(t *testing.T, ctx context.Context, query string) int {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('search').value = '', true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), query)); err != nil {
		t.Fatalf("typing %q: %v", query, err)
	}
	st := waitStatus(t, ctx, 10*time.Second, "the search "+query, func(st status) bool { return st.Search != nil && st.Search.Query == query })
	return st.Search.Matches
}

// TestEventsFilesInThePage uploads TensorBoard event files: one holding a
// 100×16 embedding with 100 labels in a text summary reaches ready with its
// N, D and labels (found by search); one with 100 vectors but 90 labels is
// drawn without labels and shows the count-mismatch warning in #status.
func TestEventsFilesInThePage(t *testing.T) {
	_, ctx := demoPage(t)

	upload(t, ctx, eventsFixture(t, "ok-embedding-100x16-with-labels.tfevents"))
	st := waitStatus(t, ctx, 60*time.Second, "the event file's embedding", func(st status) bool {
		return st.Phase == "ready" && st.Points == 100 && st.Dims == 16 || st.Phase == "error"
	})
	if st.Phase != "ready" {
		t.Fatalf("status %+v, want ready 100×16", st)
	}
	if !hasCode(st, "events-info-not-tensorboard", "info") {
		t.Errorf("diagnostics %+v lack the events-info-not-tensorboard info", st.Diagnostics)
	}
	if n := searchMatches(t, ctx, `/^w\d+$/`); n != 100 {
		t.Errorf("%d points labelled w0…w99, want 100", n)
	}
	if n := searchMatches(t, ctx, "w42"); n != 1 {
		t.Errorf("%d points labelled w42, want 1", n)
	}

	upload(t, ctx, eventsFixture(t, "count-mismatch-100-vectors-90-labels.tfevents"))
	st = waitStatus(t, ctx, 60*time.Second, "the mismatched event file", func(st status) bool {
		return st.Phase == "ready" && st.Points == 100 && st.Dims == 4 || st.Phase == "error"
	})
	if st.Phase != "ready" {
		t.Fatalf("status %+v, want ready 100×4 (a warning does not block)", st)
	}
	found := false
	for _, d := range st.Diagnostics {
		if d.Code == "count-mismatch" {
			found = d.Severity == "warning" && strings.Contains(d.Message, "100 rows") && strings.Contains(d.Message, "has 90")
		}
	}
	if !found {
		t.Errorf("no count-mismatch warning naming 100 and 90 in %+v", st.Diagnostics)
	}
}

// TestEventsLogFolderDropped drops a log folder as TensorBoard writes it
// (run/events.out.tfevents.<time>.<host> beside a scalars-only run) onto the
// page: the embedding of the one event file that holds one is shown, 100 × 16
// with its labels.
func TestEventsLogFolderDropped(t *testing.T) {
	_, ctx := demoPage(t)
	logs := filepath.Join(t.TempDir(), "logs")
	ok, err := os.ReadFile(eventsFixture(t, "ok-embedding-100x16-with-labels.tfevents"))
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]byte{
		"train/events.out.tfevents.1700000000.host.1.v2": ok,
		"eval/events.out.tfevents.1700000001.host.2.v2":  ok[:12+int(binary.LittleEndian.Uint64(ok))+4], // only its first record
	}
	for name, b := range runs {
		p := filepath.Join(logs, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dropPaths(t, ctx, logs)
	st := waitStatus(t, ctx, 60*time.Second, "the dropped log folder", func(st status) bool {
		return st.Phase == "ready" && st.Points == 100 && st.Dims == 16 || st.Phase == "error"
	})
	if st.Phase != "ready" {
		t.Fatalf("status %+v, want ready 100×16", st)
	}
	if n := searchMatches(t, ctx, `/^w\d+$/`); n != 100 {
		t.Errorf("%d points labelled w0…w99, want 100", n)
	}
}

// hasCode reports whether st holds a diagnostic of code at severity.
func hasCode(st status, code, severity string) bool {
	for _, d := range st.Diagnostics {
		if d.Code == code && d.Severity == severity {
			return true
		}
	}
	return false
}

// BenchmarkEventsScanInPage measures, in headless Chromium, the scan of a
// 200 MB event file (scalar records, then the 100×16 embedding with labels):
// MB/s from choosing the file to ready, and the page's longest main-thread task
// meanwhile (reported, not asserted).
func BenchmarkEventsScanInPage(b *testing.B) {
	ok, err := os.ReadFile(eventsFixture(b, "ok-embedding-100x16-with-labels.tfevents"))
	if err != nil {
		b.Fatal(err)
	}
	// The fixture's second record is a scalar summary: repeat it, then the fixture.
	first := 12 + int(binary.LittleEndian.Uint64(ok)) + 4
	scalar := ok[first : first+12+int(binary.LittleEndian.Uint64(ok[first:]))+4]
	big := bytes.Repeat(scalar, (200<<20)/len(scalar))
	path := filepath.Join(b.TempDir(), "events.out.tfevents.200mb.host")
	if err := os.WriteFile(path, slices.Concat(big, ok), 0o644); err != nil {
		b.Fatal(err)
	}
	size := float64(len(big) + len(ok))
	for i := 0; i < b.N; i++ {
		s := startServer(b)
		ctx, closeBrowser := startBrowserFor(b, s, 10*time.Minute)
		open(b, ctx, s)
		watchLongTasks(b, ctx)
		start := time.Now()
		upload(b, ctx, path)
		st := waitStatus(b, ctx, 5*time.Minute, "the 200 MB event file", func(st status) bool {
			return st.Phase == "ready" && st.Points == 100 && st.Dims == 16 || st.Phase == "error"
		})
		secs := time.Since(start).Seconds()
		if st.Phase != "ready" {
			b.Fatalf("status %+v", st)
		}
		long := longTasks(b, ctx)
		b.Logf("long tasks while scanning (ms): %v", long)
		b.ReportMetric(size/secs/1e6, "MB/s-to-ready")
		b.ReportMetric(slices.Max(append(long, 0)), "longest-task-ms")
		closeBrowser()
	}
}
