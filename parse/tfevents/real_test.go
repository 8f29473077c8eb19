package tfevents

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData is ../shared/data/tf-logdirs, or $TFEVENTS_DATA. Its absence fails the
// test: these are the only real files the package is checked against.
func sharedData(t *testing.T, parts ...string) string {
	t.Helper()
	dir := os.Getenv("TFEVENTS_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "tf-logdirs")
	}
	p := filepath.Join(append([]string{dir}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("real test data missing: %v (set TFEVENTS_DATA to the tf-logdirs folder of the shared data)", err)
	}
	return p
}

// scanFile scans a file from disk.
func scanFile(t *testing.T, path string, opts Options) *Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res := Scan(filepath.Base(path), bytes.NewReader(b), int64(len(b)), opts)
	checkResult(t, res, int64(len(b)))
	sameResult(t, res, scan(filepath.Base(path), bytes.NewReader(b), int64(len(b)), opts, false))
	return res
}

// checkResult asserts what every Result must satisfy.
func checkResult(t *testing.T, res *Result, size int64) {
	t.Helper()
	for _, f := range res.Findings {
		if _, ok := Codes[f.Code]; !ok {
			t.Errorf("finding code %q is not in Codes: %v", f.Code, f)
		}
		if f.Offset < -1 || f.Offset >= max(size, 1) || f.Msg == "" {
			t.Errorf("finding offset %d outside the file (%d bytes) or empty message: %v", f.Offset, size, f)
		}
	}
	for _, e := range res.Embeddings {
		if e.Rows <= 0 || e.Cols <= 0 || len(e.Values) != e.Rows*e.Cols {
			t.Errorf("embedding %q: %d×%d with %d values", e.Tag, e.Rows, e.Cols, len(e.Values))
		}
	}
}

// findingCodes lists the codes of fs in order.
func findingCodes(fs []Finding) []string {
	var c []string
	for _, f := range fs {
		c = append(c, f.Code)
	}
	return c
}

// find returns the first finding with code, failing the test when there is none.
func find(t *testing.T, fs []Finding, code string) Finding {
	t.Helper()
	for _, f := range fs {
		if f.Code == code {
			return f
		}
	}
	t.Fatalf("no %s finding in %v", code, fs)
	return Finding{}
}

// TestRealPyTorchScalarsImages: a PyTorch run's events file holds 6 scalars
// (simple_value) and 6 images and no embedding (dump_tf.py: records at 0, 40, 92, …).
func TestRealPyTorchScalarsImages(t *testing.T) {
	p := sharedData(t, "pytorch-add-embedding", "events.out.tfevents.1655101300.ziorathe.9443.15")
	res := scanFile(t, p, Options{})
	want := Counts{Records: 13, Scalars: 6, Images: 6, Other: 1}
	if res.Counts != want {
		t.Errorf("counts %+v, want %+v", res.Counts, want)
	}
	if len(res.Embeddings) != 0 || len(res.Labels) != 0 {
		t.Errorf("found %d embeddings and %d labels in a scalars/images file", len(res.Embeddings), len(res.Labels))
	}
	f := find(t, res.Findings, "events-no-embedding")
	if !strings.Contains(f.Msg, "6 scalars, 6 images and 1 other event") {
		t.Errorf("no-embedding message does not say what the file holds: %q", f.Msg)
	}
	if len(res.Findings) != 1 {
		t.Errorf("findings %v, want only events-no-embedding", res.Findings)
	}
}

// TestRealPyTorchPRCurve: add_pr_curve writes a [6, 127] DT_FLOAT tensor in float_val
// with plugin pr_curves (dump_tf.py: @40 step=0 tag='Sneaker', 762 values, first
// 1000, 1000, 999, 999; value 127 = 9000, 128 = 1262; the last two 0.178 and 0).
// It is a curve, not an embedding, unless AnyPlugin.
func TestRealPyTorchPRCurve(t *testing.T) {
	p := sharedData(t, "pytorch-add-embedding", "events.out.tfevents.1655101228.ziorathe.9443.10")
	res := scanFile(t, p, Options{})
	if len(res.Embeddings) != 0 || res.Counts.Tensors != 1 || res.Counts.Records != 2 {
		t.Fatalf("default options: %d embeddings, counts %+v; want none and 1 tensor in 2 records", len(res.Embeddings), res.Counts)
	}
	find(t, res.Findings, "events-no-embedding")

	res = scanFile(t, p, Options{AnyPlugin: true})
	if len(res.Embeddings) != 1 {
		t.Fatalf("AnyPlugin: %d embeddings, want 1; findings %v", len(res.Embeddings), res.Findings)
	}
	e := res.Embeddings[0]
	if e.Tag != "Sneaker" || e.Plugin != "pr_curves" || e.Step != 0 || e.Rows != 6 || e.Cols != 127 ||
		e.DType != "float32" || e.Offset != 40 || e.WallTime != 1655101228.8740945 {
		t.Errorf("embedding %+v", Tensor{Tag: e.Tag, Plugin: e.Plugin, Step: e.Step, Rows: e.Rows, Cols: e.Cols, DType: e.DType, Offset: e.Offset, WallTime: e.WallTime})
	}
	v := e.Values
	if v[0] != 1000 || v[1] != 1000 || v[2] != 999 || v[3] != 999 || v[127] != 9000 || v[128] != 1262 ||
		v[760] != float32(0.178) || v[761] != 0 {
		t.Errorf("values %v … %v %v … %v", v[:4], v[127], v[128], v[760:])
	}
	cands, finds := Pair(res.Embeddings, res.Labels)
	if len(cands) != 1 || cands[0].Labels != nil {
		t.Errorf("Pair: %+v", cands)
	}
	if find(t, finds, "events-info-not-tensorboard").Severity != Info {
		t.Error("not-tensorboard finding is not info")
	}
}

// TestRealTF1Graph: a TF1 Saver run's events file holds file_version, a graph_def and
// a meta_graph_def (dump_tf.py: @0, @40, @71).
func TestRealTF1Graph(t *testing.T) {
	p := sharedData(t, "tf1-saver-checkpoint", "events.out.tfevents.1524316900.BVAN8BUYTZ7Q5D6")
	res := scanFile(t, p, Options{})
	want := Counts{Records: 3, Graphs: 2, Other: 1}
	if res.Counts != want {
		t.Errorf("counts %+v, want %+v", res.Counts, want)
	}
	f := find(t, res.Findings, "events-no-embedding")
	if !strings.Contains(f.Msg, "2 graphs and 1 other event") {
		t.Errorf("message %q", f.Msg)
	}
}

// TestRealSniff: real events files sniff as TFRecord and, by content, as event files;
// the files next to them (an index, a data shard of float32, a config) do not.
func TestRealSniff(t *testing.T) {
	for _, c := range []struct {
		path []string
		want bool
	}{
		{[]string{"pytorch-add-embedding", "events.out.tfevents.1655101300.ziorathe.9443.15"}, true},
		{[]string{"tf1-saver-checkpoint", "events.out.tfevents.1524316900.BVAN8BUYTZ7Q5D6"}, true},
		{[]string{"pytorch-add-embedding", "events.out.tfevents.1655101228.ziorathe.9443.10"}, true},
		{[]string{"tf1-saver-checkpoint", "model.ckpt-1.index"}, false},
		{[]string{"tf1-saver-checkpoint", "model.ckpt-1.data-00000-of-00001"}, false},
		{[]string{"tf2-tutorial-checkpoint", "embedding.ckpt-1.data-00000-of-00001"}, false},
		{[]string{"pytorch-add-embedding", "projector_config.pbtxt"}, false},
	} {
		b, err := os.ReadFile(sharedData(t, c.path...))
		if err != nil {
			t.Fatal(err)
		}
		if got := Sniff(b[:min(len(b), 64)]); got != c.want {
			t.Errorf("Sniff(%s) = %v, want %v", c.path[1], got, c.want)
		}
		if got := SniffEvents(b[:min(len(b), 65536)]); got != c.want {
			t.Errorf("SniffEvents(%s) = %v, want %v", c.path[1], got, c.want)
		}
	}
	if Sniff([]byte{0x18, 0, 0, 0}) {
		t.Error("Sniff of 4 bytes = true")
	}
}
