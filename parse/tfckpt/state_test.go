package tfckpt

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestParseStateForeignPaths(t *testing.T) {
	data := `model_checkpoint_path: "E:\\runs\\train\\keras_embedding.ckpt-3"
all_model_checkpoint_paths: "/home/ann/runs/keras_embedding.ckpt-2"
all_model_checkpoint_paths: 'C:/Users/adi/keras_embedding.ckpt-3'
all_model_checkpoint_timestamps: 1650000000.5
last_preserved_timestamp: 1649999999.25
`
	st, err := ParseState([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if st.ModelCheckpointPath != `E:\runs\train\keras_embedding.ckpt-3` || len(st.AllModelCheckpointPaths) != 2 {
		t.Fatalf("%+v", st)
	}
	files := []string{"logs/train/keras_embedding.ckpt-2.index", "logs/train/keras_embedding.ckpt-3.index",
		"logs/train/keras_embedding.ckpt-3.data-00001-of-00002", "logs/train/keras_embedding.ckpt-3.data-00000-of-00002",
		"logs/train/keras_embedding.ckpt-30.data-00000-of-00001"}
	p, ok := LatestPrefix(files, st)
	if !ok || p != "logs/train/keras_embedding.ckpt-3" {
		t.Fatalf("LatestPrefix = %q %v", p, ok)
	}
	idx, shards := FindFiles(files, p)
	if idx != "logs/train/keras_embedding.ckpt-3.index" || len(shards) != 2 || !strings.HasSuffix(shards[0], "00000-of-00002") {
		t.Fatalf("FindFiles = %q %q", idx, shards)
	}
	// Only an older checkpoint present: the newest listed one that exists wins.
	if p, ok := LatestPrefix(files[:1], st); !ok || p != "logs/train/keras_embedding.ckpt-2" {
		t.Fatalf("fallback = %q %v", p, ok)
	}
	if _, ok := LatestPrefix([]string{"other.index"}, st); ok {
		t.Fatal("matched nothing-like files")
	}
}

func TestParseStateV1AndErrors(t *testing.T) {
	dir := filepath.Join(dataDir(t), "tf-v1-checkpoint", "chatbot", "checkpoints-archive", "24,1")
	st, err := ParseState(mustRead(t, filepath.Join(dir, "checkpoint")))
	if err != nil {
		t.Fatal(err)
	}
	// The state names ckpt-200, which is absent; ckpt-100 (a V1 single file) is found.
	p, ok := LatestPrefix([]string{"checkpoint", "translate.ckpt-100"}, st)
	if !ok || p != "translate.ckpt-100" {
		t.Fatalf("LatestPrefix = %q %v", p, ok)
	}
	if idx, shards := FindFiles([]string{"translate.ckpt-100"}, p); idx != "translate.ckpt-100" || shards != nil {
		t.Fatalf("FindFiles V1 = %q %v", idx, shards)
	}
	for _, bad := range []string{"", "model_checkpoint_path \"x\"", `model_checkpoint_path: "x`, `model_checkpoint_path: "x\"`, `model_checkpoint_path: "\q"`} {
		if _, err := ParseState([]byte(bad)); code(err) != CodeState {
			t.Errorf("%q: %v", bad, err)
		}
	}
	st, err = ParseState([]byte(`model_checkpoint_path: "caf\303\251\x21\'\""`))
	if err != nil || st.ModelCheckpointPath != `café!'"` {
		t.Fatalf("escapes: %q %v", st.ModelCheckpointPath, err)
	}
}

func TestNames(t *testing.T) {
	if got := DataFilename("model.ckpt-1", 0, 1); got != "model.ckpt-1.data-00000-of-00001" {
		t.Fatal(got)
	}
	if p, i, n, ok := ParseDataFilename("a.b.data-00003-of-00010"); !ok || p != "a.b" || i != 3 || n != 10 {
		t.Fatal(p, i, n, ok)
	}
	for _, bad := range []string{"a.data-1-of-2", "a.index", "a.data-00001-of-0000x", "a.data-00001-of-00000"} {
		if _, _, _, ok := ParseDataFilename(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	for in, want := range map[string]string{"emb:0": "emb", "a/b:12": "a/b", "a:b": "a:b", "x:": "x:", "default:00010": "default"} {
		if got := stripPort(in); got != want {
			t.Errorf("stripPort(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{`E:\\runs\\x.ckpt`: "x.ckpt", "/home/u/x": "x", `C:\Users\x\`: "x", "x": "x"} {
		if got := BaseName(in); got != want {
			t.Errorf("BaseName(%q) = %q", in, got)
		}
	}
}

func TestSniff(t *testing.T) {
	root := dataDir(t)
	for _, p := range []string{"tf2-tutorial-checkpoint/embedding.ckpt-1.index", "tf1-saver-checkpoint/model.ckpt-1.index",
		"tf-v1-checkpoint/chatbot/checkpoints-archive/24,1/translate.ckpt-100"} {
		b := mustRead(t, filepath.Join(root, p))
		if !Sniff(b[:16]) || !IsSSTable(b[len(b)-8:]) {
			t.Errorf("%s not recognised", p)
		}
	}
	for _, p := range []string{"tf1-saver-checkpoint/model.ckpt-1.data-00000-of-00001", "tf2-tutorial-checkpoint/metadata.tsv",
		"tf1-saver-checkpoint/events.out.tfevents.1524316900.BVAN8BUYTZ7Q5D6"} {
		b := mustRead(t, filepath.Join(root, p))
		if Sniff(b[:16]) || IsSSTable(b[len(b)-8:]) {
			t.Errorf("%s taken for a checkpoint", p)
		}
	}
	if Sniff(nil) || IsSSTable([]byte{1}) {
		t.Error("empty input recognised")
	}
}
