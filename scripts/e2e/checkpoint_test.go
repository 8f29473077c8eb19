package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// tfLogdir returns a real TensorBoard log folder of the shared data folder
// (../shared/data/tf-logdirs beside the repository), failing when it is absent.
func tfLogdir(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "tf-logdirs", rel))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test input missing: %v", err)
	}
	return p
}

// folderFiles lists the files of dir (not recursive), leaving out any whose
// name contains skip.
func folderFiles(t *testing.T, dir, skip string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && (skip == "" || !strings.Contains(e.Name(), skip)) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// The TF2 tutorial's log folder (projector_config.pbtxt naming
// embedding/.ATTRIBUTES/VARIABLE_VALUE, embedding.ckpt-1.index + its 1.7 MB
// .data-00000-of-00001 read through the Blob reader, metadata.tsv) reaches
// ready with 4305 × 100, chosen as files and dropped as a folder; the labels
// are metadata.tsv's (311 of them contain "/V").
func TestCheckpointFolderLoads(t *testing.T) {
	dir := tfLogdir(t, "tf2-tutorial-checkpoint")
	for _, tc := range []struct {
		name string
		give func(ctx context.Context)
	}{
		{"files chosen", func(ctx context.Context) { upload(t, ctx, folderFiles(t, dir, "")...) }},
		{"folder dropped", func(ctx context.Context) { dropPaths(t, ctx, dir) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ctx := demoPage(t) // a fresh page each: the demo has 1,797 points
			tc.give(ctx)
			st := waitStatus(t, ctx, 90*time.Second, "the checkpoint to be ready", func(st status) bool {
				return st.Phase == "ready" && st.Points == 4305 || st.Phase == "error"
			})
			if st.Phase != "ready" || st.Points != 4305 || st.Dims != 100 {
				t.Fatalf("status %+v, want ready 4305×100", st)
			}
			searchLabels(t, ctx, "/V", 311)
		})
	}
}

// searchLabels types query into the search field and checks the matches.
func searchLabels(t *testing.T, ctx context.Context, query string, want int) {
	t.Helper()
	if n := searchMatches(t, ctx, query); n != want {
		t.Errorf("search %q: %d matches, want %d (labels from metadata.tsv)", query, n, want)
	}
}

// The gui folder of the V1 log folder has a checkpoint index whose data file
// is missing: the page says so and names the exact file to add.
func TestCheckpointShardMissingNamed(t *testing.T) {
	_, ctx := demoPage(t)
	upload(t, ctx, folderFiles(t, tfLogdir(t, "tf-v1-checkpoint/gui"), ".data-")...)
	st := waitStatus(t, ctx, 60*time.Second, "the error", func(st status) bool { return st.Phase == "error" })
	if !slices.Contains(st.codes(), "checkpoint-shard-missing") {
		t.Fatalf("codes %v lack checkpoint-shard-missing", st.codes())
	}
	for _, d := range st.Diagnostics {
		if d.Code == "checkpoint-shard-missing" && d.Severity == "error" && !strings.Contains(d.Message, "chatbot-char.ckpt-6800.data-00000-of-00001") {
			t.Errorf("the error does not name the file to add: %+v", d)
		}
	}
	if st.Points != 0 {
		t.Errorf("status claims %d points", st.Points)
	}
}
