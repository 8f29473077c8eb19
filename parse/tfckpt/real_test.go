package tfckpt

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataDir returns the shared real checkpoints: $TFCKPT_DATA, else ../../../shared/data/
// tf-logdirs from this package. Missing data fails the test: these are the only real files.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TFCKPT_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "tf-logdirs")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("real checkpoints not found at %s (set TFCKPT_DATA to the tf-logdirs folder): %v", dir, err)
	}
	return dir
}

func osFile(t *testing.T, path string) File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return File{Name: filepath.Base(path), R: f, Size: st.Size()}
}

// openReal opens dir/prefix.index with every data shard FindFiles finds next to it.
func openReal(t *testing.T, dir, prefix string) *Checkpoint {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	index, shards := FindFiles(names, prefix)
	if index == "" {
		t.Fatalf("no index for %s in %v", prefix, names)
	}
	var files []File
	for _, s := range shards {
		files = append(files, osFile(t, filepath.Join(dir, s)))
	}
	c, err := Open(osFile(t, filepath.Join(dir, index)), files)
	if err != nil {
		t.Fatalf("Open %s: %v", index, err)
	}
	return c
}

func near(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-5*math.Max(1, math.Abs(float64(b))) }

func checkValues(t *testing.T, got []float32, at int, want ...float32) {
	t.Helper()
	for i, w := range want {
		if at+i >= len(got) || !near(got[at+i], w) {
			t.Fatalf("value %d: got %v, want %v (dump_tf.py)", at+i, got[at:min(at+len(want), len(got))], want)
		}
	}
}

func TestRealTF2Tutorial(t *testing.T) {
	dir := filepath.Join(dataDir(t), "tf2-tutorial-checkpoint")
	st, err := ParseState(mustRead(t, filepath.Join(dir, "checkpoint")))
	if err != nil {
		t.Fatal(err)
	}
	prefix, ok := LatestPrefix([]string{"embedding.ckpt-1.index", "embedding.ckpt-1.data-00000-of-00001", "checkpoint"}, st)
	if !ok || prefix != "embedding.ckpt-1" {
		t.Fatalf("LatestPrefix = %q, %v", prefix, ok)
	}
	c := openReal(t, dir, prefix)
	if n := len(c.Entries()); n != 3 {
		t.Fatalf("%d entries, want 3 (dump_tf.py)", n)
	}
	e, rule, err := c.Resolve("embedding/.ATTRIBUTES/VARIABLE_VALUE")
	if err != nil || rule != RuleExact || e.DType != DTFloat || !sameInts(e.Shape, 4305, 100) || e.FullName != "word_embeddings" {
		t.Fatalf("Resolve: %+v %q %v", e, rule, err)
	}
	for name, want := range map[string]Rule{"embedding": RuleAttributes, "embedding:0": RuleAttributes, "word_embeddings:0": RuleFullName} {
		if got, rule, err := c.Resolve(name); err != nil || got.Key != e.Key || rule != want {
			t.Errorf("Resolve(%q) = %q, %q, %v; want rule %q", name, got.Key, rule, err, want)
		}
	}
	var calls int
	v, notes, err := c.ReadFloat32(e, ReadOptions{Progress: func(done, total int64) {
		calls++
		if done > total || total != 1722000 {
			t.Errorf("progress %d/%d", done, total)
		}
	}})
	if err != nil || len(v) != 430500 || len(notes) != 0 || calls == 0 {
		t.Fatalf("ReadFloat32: %d values, notes %v, %d progress calls, %v", len(v), notes, calls, err)
	}
	checkValues(t, v, 0, -0.404628, 0.721136, 0.20194, 0.276878, 0.0563002, -1.4033, 0.492071, 1.61413)
	checkValues(t, v, 430496, -0.00493707, -0.00804972, -0.00754491, 0.00547109)
	cands := c.Candidates()
	if len(cands) != 1 || cands[0].Key != e.Key || !strings.Contains(cands[0].Reason, "word_embeddings") {
		t.Fatalf("Candidates = %+v", cands)
	}
	sc, _, _ := c.Resolve("save_counter")
	if _, _, err := c.ReadFloat32(sc, ReadOptions{}); code(err) != CodeDType || !strings.Contains(err.Error(), "DT_INT64") {
		t.Fatalf("reading DT_INT64 as float32: %v", err)
	}
}

func TestRealTF1Saver(t *testing.T) {
	c := openReal(t, filepath.Join(dataDir(t), "tf1-saver-checkpoint"), "model.ckpt-1")
	e, rule, err := c.Resolve("NAME_TO_VISUALISE_VARIABLE:0")
	if err != nil || rule != RuleStripPort || !sameInts(e.Shape, 100, 784) {
		t.Fatalf("Resolve: %+v %q %v", e, rule, err)
	}
	v, _, err := c.ReadFloat32(e, ReadOptions{})
	if err != nil || len(v) != 78400 {
		t.Fatalf("ReadFloat32: %d, %v", len(v), err)
	}
	checkValues(t, v, 208, 0, 0, 0.14902, 0.301961, 0.192157, 0.282353)
	if _, _, err := c.ReadFloat32(e, ReadOptions{MaxElements: 78399}); code(err) != CodeTooLarge {
		t.Fatalf("MaxElements: %v", err)
	}
	_, _, err = c.Resolve("NAME_TO_VISUALISE")
	if code(err) != CodeNotFound || !strings.Contains(err.Error(), `"NAME_TO_VISUALISE_VARIABLE"`) {
		t.Fatalf("unknown name: %v", err)
	}
}

func TestRealMissingShard(t *testing.T) {
	dir := filepath.Join(dataDir(t), "tf-v1-checkpoint", "gui")
	st, err := ParseState(mustRead(t, filepath.Join(dir, "checkpoint")))
	if err != nil || len(st.AllModelCheckpointPaths) != 5 {
		t.Fatalf("ParseState: %+v %v", st, err)
	}
	c := openReal(t, dir, st.ModelCheckpointPath)
	want := "chatbot-char.ckpt-6800.data-00000-of-00001"
	if m := c.MissingShards(); len(m) != 1 || m[0] != want {
		t.Fatalf("MissingShards = %v", m)
	}
	e, _, err := c.Resolve("embedding_attention_seq2seq/RNN/EmbeddingWrapper/embedding:0")
	if err != nil || !sameInts(e.Shape, 60, 256) {
		t.Fatalf("Resolve: %+v %v", e, err)
	}
	_, _, err = c.ReadFloat32(e, ReadOptions{})
	var te *Error
	if !errors.As(err, &te) || te.Code != CodeShardMiss || te.File != want || !strings.Contains(te.Msg, "add "+want) {
		t.Fatalf("ReadFloat32 without shard: %v", err)
	}
	if got := len(c.Candidates()); got != 14 { // the rank-2 tensors of dump_tf.py's list; no slots
		t.Errorf("%d candidates, want 14", got)
	}
	if cs := c.Candidates(); !strings.Contains(cs[0].Key, "embedding") {
		t.Errorf("first candidate %q", cs[0].Key)
	}
}

func TestRealV1(t *testing.T) {
	dir := filepath.Join(dataDir(t), "tf-v1-checkpoint", "chatbot", "checkpoints-archive", "24,1")
	c, err := Open(osFile(t, filepath.Join(dir, "translate.ckpt-100")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsV1() || len(c.Entries()) != 22 {
		t.Fatalf("V1 %v, %d entries", c.IsV1(), len(c.Entries()))
	}
	e, _, err := c.Resolve("embedding_attention_seq2seq/RNN/EmbeddingWrapper/embedding:0")
	if err != nil || !sameInts(e.Shape, 45, 24) {
		t.Fatalf("Resolve: %+v %v", e, err)
	}
	v, _, err := c.ReadFloat32(e, ReadOptions{})
	if err != nil || len(v) != 1080 {
		t.Fatalf("ReadFloat32: %d %v", len(v), err)
	}
	checkValues(t, v, 0, -0.5820404291152954, 1.2575793266296387, -1.1550267934799194, 1.1808477640151978, -0.6620864272117615, -1.0022547245025635)
	s, _, _ := c.Resolve("Variable")
	if v, _, err := c.ReadFloat32(s, ReadOptions{}); err != nil || len(v) != 1 || v[0] != 0.5 {
		t.Fatalf("scalar Variable: %v %v", v, err)
	}
	i, _, _ := c.Resolve("Variable_1")
	if _, _, err := c.ReadFloat32(i, ReadOptions{}); code(err) != CodeDType {
		t.Fatalf("DT_INT32: %v", err)
	}
	if len(c.MissingShards()) != 0 {
		t.Fatalf("V1 has no shards: %v", c.MissingShards())
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameInts(s []int64, want ...int64) bool {
	if len(s) != len(want) {
		return false
	}
	for i := range s {
		if s[i] != want[i] {
			return false
		}
	}
	return true
}

// code returns err's *Error code, or "" for nil and other errors.
func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
