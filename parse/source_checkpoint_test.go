package parse

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/embproj/projector/parse/tfckpt"
)

// logdir reads one of the shared real log folders; the test fails when it is absent.
func logdir(t *testing.T, rel string) []File {
	t.Helper()
	dir := filepath.Join(tfLogdirs, rel)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the shared log folders are needed: %v", err)
	}
	return readDir(t, dir)
}

// without returns files minus those whose name contains any of drop.
func without(files []File, drop ...string) []File {
	var out []File
	for _, f := range files {
		if !slices.ContainsFunc(drop, func(s string) bool { return strings.Contains(f.Name, s) }) {
			out = append(out, f)
		}
	}
	return out
}

func wantFirst(t *testing.T, ds *Dataset, want ...float32) {
	t.Helper()
	for i, w := range want {
		if d := ds.Vectors[i] - w; d > 1e-5 || d < -1e-5 {
			t.Errorf("value %d = %v, want %v (dump_tf.py)", i, ds.Vectors[i], w)
		}
	}
}

// The TF2 tutorial folder: tensor_name "embedding/.ATTRIBUTES/VARIABLE_VALUE",
// a checkpoint state file, metadata.tsv. Values as dump_tf.py prints them.
func TestCheckpointTF2Tutorial(t *testing.T) {
	ds, rep := Load(logdir(t, "tf2-tutorial-checkpoint"), Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	checkDataset(t, ds)
	if ds.N != 4305 || ds.D != 100 || ds.Format != "checkpoint" || ds.TensorFile != "embedding.ckpt-1.index" {
		t.Errorf("%d×%d %s from %s", ds.N, ds.D, ds.Format, ds.TensorFile)
	}
	wantFirst(t, ds, -0.404628, 0.721136, 0.20194, 0.276878, 0.0563002, -1.4033, 0.492071, 1.61413)
	if ds.MetadataFile != "metadata.tsv" || ds.Columns[0].Values[0] != "하/V" || ds.Columns[0].Values[4304] == "" {
		t.Errorf("metadata %q, labels %q…", ds.MetadataFile, ds.Columns[0].Values[:3])
	}
	if rep.Blocking() || len(rep.Diagnostics) != 0 {
		t.Errorf("findings on a clean folder: %+v", rep.Diagnostics)
	}
	want := []TensorInfo{
		{Name: "_CHECKPOINTABLE_OBJECT_GRAPH", Dtype: "DT_STRING", Shape: []int64{}},
		{Name: "embedding/.ATTRIBUTES/VARIABLE_VALUE", Dtype: "DT_FLOAT", Shape: []int64{4305, 100}},
		{Name: "save_counter/.ATTRIBUTES/VARIABLE_VALUE", Dtype: "DT_INT64", Shape: []int64{}},
	}
	if !slices.EqualFunc(rep.Tensors, want, func(a, b TensorInfo) bool {
		return a.Name == b.Name && a.Dtype == b.Dtype && slices.Equal(a.Shape, b.Shape)
	}) {
		t.Errorf("Tensors = %+v", rep.Tensors)
	}
	if len(rep.Offers) != 1 || rep.Offers[0].TensorFile != "embedding.ckpt-1.index" || !rep.Offers[0].Drawable {
		t.Errorf("offers %+v", rep.Offers)
	}
}

// countingReader records every range read from a file.
type countingReader struct {
	r     io.ReaderAt
	mu    sync.Mutex
	reads [][2]int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	c.reads = append(c.reads, [2]int64{off, off + int64(len(p))})
	c.mu.Unlock()
	return c.r.ReadAt(p, off)
}

// Given by ReaderAt (as the page's Blobs and the CLI's files are), the shard
// is read only where the wanted tensor lies, never whole.
func TestCheckpointReadsOnlyTheTensor(t *testing.T) {
	defer func(p int) { prefixSize = p }(prefixSize)
	prefixSize = 4096                // files above it stay behind their ReaderAt
	other := make([]float32, 200000) // 800 KB of another variable first
	files := ckptFiles("m.ckpt-1", f32Tensor("dense/kernel", []int64{1, 200000}, other...),
		f32Tensor("embedding", []int64{3, 2}, 1, 2, 3, 4, 5, 6))
	cfg := File{Name: "projector_config.pbtxt", Data: []byte(`embeddings { tensor_name: "embedding:0" }`)}
	var shard *countingReader
	in := []File{cfg}
	for _, f := range files {
		cr := &countingReader{r: strings.NewReader(string(f.Data))}
		if strings.Contains(f.Name, ".data-") {
			shard = cr
		}
		in = append(in, File{Name: f.Name, ReaderAt: cr, Size: int64(len(f.Data))})
	}
	ds, rep := Load(in, Options{})
	if ds == nil || ds.N != 3 || ds.D != 2 || ds.Vectors[5] != 6 {
		t.Fatalf("%+v", rep.Diagnostics)
	}
	const tensorAt = 800000
	var past int64
	for _, r := range shard.reads {
		if r[0] >= 65536 && r[0] != tensorAt {
			t.Errorf("read bytes %d–%d of the shard, outside the tensor at %d", r[0], r[1], tensorAt)
		}
		if r[0] == tensorAt {
			past += r[1] - r[0]
		}
	}
	if past != 24 {
		t.Errorf("read %d bytes of the 24-byte tensor: %v", past, shard.reads)
	}
}

// The TF1 saver folder: "NAME_TO_VISUALISE_VARIABLE:0" resolves; its metadata
// and sprite are absolute /mnt/c/… paths, absent: warnings, the points load.
func TestCheckpointTF1Saver(t *testing.T) {
	ds, rep := Load(logdir(t, "tf1-saver-checkpoint"), Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	checkDataset(t, ds)
	if ds.N != 100 || ds.D != 784 || ds.Sprite != nil || len(ds.Columns) != 0 {
		t.Errorf("%d×%d sprite %v columns %d", ds.N, ds.D, ds.Sprite, len(ds.Columns))
	}
	wantFirst(t, ds, 0, 0, 0)
	if v := ds.Vectors[210:213]; v[0] != 0.14901961 || v[1] != 0.3019608 || v[2] != 0.19215688 {
		t.Errorf("values 210–212 = %v, want 0.14902 0.301961 0.192157 (dump_tf.py)", v)
	}
	var missing []string
	for _, d := range rep.Diagnostics {
		if d.Code == CodeConfigMissingFile && d.Severity == Warning && strings.Contains(d.Message, "/mnt/c/") {
			missing = append(missing, d.Message)
		}
	}
	if len(missing) != 2 {
		t.Errorf("want a warning for the metadata and the sprite: %+v", rep.Diagnostics)
	}
	if !slices.Equal(rep.Embeddings, []string{"NAME_TO_VISUALISE_VARIABLE:0"}) {
		t.Errorf("embeddings %v", rep.Embeddings)
	}
}

// The V1 folder's gui checkpoint has its V2 index but not its data shard: the
// error names the exact file to add. Its V1 translate.ckpt-100 reads.
func TestCheckpointShardMissingAndV1(t *testing.T) {
	for _, files := range [][]File{logdir(t, "tf-v1-checkpoint"), logdir(t, "tf-v1-checkpoint/gui")} {
		ds, rep := Load(files, Options{})
		d := find(rep, tfckpt.CodeShardMiss)
		if ds != nil || d == nil || d.Severity != Error || d.File != "chatbot-char.ckpt-6800.data-00000-of-00001" ||
			!strings.Contains(d.Fix, "Add chatbot-char.ckpt-6800.data-00000-of-00001") {
			t.Errorf("want checkpoint-shard-missing naming the shard: %+v", rep.Diagnostics)
		}
		if n := strings.Count(diagText(rep), "checkpoint-shard-missing"); n > 2 {
			t.Errorf("%d shard-missing findings: one error and at most one summary warning: %+v", n, rep.Diagnostics)
		}
	}
	// The whole folder: the config's tensor in gui/ (step 6800, its checkpoint file) wins over the archive's.
	_, rep := Load(logdir(t, "tf-v1-checkpoint"), Options{})
	if d := find(rep, CodeExtraFile); d == nil || !strings.Contains(d.Message, "translate.ckpt-100 was not read") {
		t.Errorf("the other checkpoint is not named: %+v", rep.Diagnostics)
	}
	ds, rep := Load(logdir(t, "tf-v1-checkpoint/chatbot"), Options{})
	if ds == nil {
		t.Fatalf("V1: %+v", rep.Diagnostics)
	}
	if ds.N != 45 || ds.D != 24 || rep.Embeddings[0] != "embedding_attention_seq2seq/RNN/EmbeddingWrapper/embedding" {
		t.Errorf("%d×%d, embeddings %v", ds.N, ds.D, rep.Embeddings)
	}
	wantFirst(t, ds, -0.5820404291152954, 1.2575793266296387, -1.1550267934799194, 1.1808477640151978)
	if d := find(rep, tfckpt.CodeState); d == nil || d.Severity != Warning || !strings.Contains(d.Message, "translate.ckpt-200") {
		t.Errorf("the state file's absent latest checkpoint is not said: %+v", rep.Diagnostics)
	}
}

func diagText(rep Report) string {
	var b strings.Builder
	for _, d := range rep.Diagnostics {
		b.WriteString(string(d.Code) + " ")
	}
	return b.String()
}

// The checkpoint is chosen by the config's model_checkpoint_path, else the
// `checkpoint` state file (absolute paths from another machine by base
// name), else the highest step.
func TestCheckpointLatest(t *testing.T) {
	one := ckptFiles("run/model.ckpt-1", f32Tensor("emb", []int64{1, 2}, 1, 1))
	two := ckptFiles("run/model.ckpt-2", f32Tensor("emb", []int64{2, 2}, 2, 2, 2, 2))
	both := append(append([]File{}, two...), one...)
	cases := []struct {
		name  string
		extra []File
		n     int
		info  Code
	}{
		{"highest step", nil, 2, ""},
		{"state file, Windows path", []File{{Name: "run/checkpoint", Data: []byte(`model_checkpoint_path: "C:\\Users\\me\\run\\model.ckpt-1"` + "\n")}}, 1, ""},
		{"state file, older kept", []File{{Name: "run/checkpoint", Data: []byte("model_checkpoint_path: \"model.ckpt-3\"\nall_model_checkpoint_paths: \"model.ckpt-1\"\nall_model_checkpoint_paths: \"model.ckpt-3\"\n")}}, 1, tfckpt.CodeState},
		{"config path", []File{{Name: "run/projector_config.pbtxt", Data: []byte("embeddings { tensor_name: \"emb:0\" }\nmodel_checkpoint_path: \"/home/me/run/model.ckpt-1\"\n")}}, 1, CodeConfigMissingFile},
	}
	for _, c := range cases {
		ds, rep := Load(append(append([]File{}, both...), c.extra...), Options{})
		if ds == nil || ds.N != c.n {
			t.Errorf("%s: want model.ckpt-%d: %+v", c.name, c.n, rep.Diagnostics)
			continue
		}
		if c.info != "" && find(rep, c.info) == nil {
			t.Errorf("%s: no %s: %+v", c.name, c.info, rep.Diagnostics)
		}
		if d := find(rep, CodeExtraFile); d == nil || !strings.Contains(d.Message, "was not read") {
			t.Errorf("%s: the other checkpoint is not named: %+v", c.name, rep.Diagnostics)
		}
	}
}

// Without a config (or with one without tensor_name) the rank-2 float tensors
// are the embeddings offered: the likely embedding first, named by key,
// optimizer slots and other ranks and dtypes left out.
func TestCheckpointCandidates(t *testing.T) {
	tensors := []ckT{
		f32Tensor("dense/kernel/.ATTRIBUTES/VARIABLE_VALUE", []int64{5, 2}, make([]float32, 10)...),
		f32Tensor("dense/bias/.ATTRIBUTES/VARIABLE_VALUE", []int64{2}, 0, 0),
		f32Tensor("layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE", []int64{3, 2}, 1, 2, 3, 4, 5, 6),
		f32Tensor("layer_with_weights-0/embeddings/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE", []int64{3, 2}, make([]float32, 6)...),
		{"step", tfckpt.DTInt64, []int64{2, 1}, make([]byte, 16)},
	}
	files := ckptFiles("ckpt-7", tensors...)
	want := []string{"layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE", "dense/kernel/.ATTRIBUTES/VARIABLE_VALUE"}
	labels := File{Name: "metadata.tsv", Data: []byte("a\nb\nc\n")}
	ds, rep := Load(append(files, labels), Options{})
	if ds == nil || !slices.Equal(rep.Embeddings, want) || ds.N != 3 || ds.MetadataFile != "metadata.tsv" {
		t.Fatalf("embeddings %v: %+v", rep.Embeddings, rep.Diagnostics)
	}
	if ds, _ := Load(append(files, labels), Options{Embedding: 1}); ds == nil || ds.N != 5 || ds.MetadataFile != "" {
		t.Errorf("the second embedding: %+v", ds)
	}
	// A config without tensor_name: its metadata goes with the likely embedding.
	cfg := File{Name: "projector_config.pbtxt", Data: []byte(`embeddings { metadata_path: "labels.tsv" }`)}
	labels.Name = "labels.tsv"
	ds, rep = Load(append(files, cfg, labels), Options{})
	if ds == nil || !slices.Equal(rep.Embeddings, want) || ds.MetadataFile != "labels.tsv" || ds.Columns[0].Values[2] != "c" {
		t.Errorf("config without tensor_name: %v %+v", rep.Embeddings, rep.Diagnostics)
	}
	if rep.Offers[0].Source != "config" || rep.Offers[1].Source != "checkpoint" {
		t.Errorf("offers %+v", rep.Offers)
	}
	// No rank-2 float tensor at all: said, with the tensors there are.
	_, rep = Load(ckptFiles("ckpt-1", tensors[1], tensors[4]), Options{})
	if d := find(rep, CodeNoTensor); d == nil || !strings.Contains(d.Message, "step DT_INT64 [2 1]") {
		t.Errorf("no matrix: %+v", rep.Diagnostics)
	}
}

// DT_DOUBLE, DT_HALF and DT_BFLOAT16 are converted with an info note; a
// wrong rank or dtype, or an unknown name, is a clear error.
func TestCheckpointDtypesAndErrors(t *testing.T) {
	load := func(name string, tensors ...ckT) (*Dataset, Report) {
		cfg := File{Name: "projector_config.pbtxt", Data: []byte(`embeddings { tensor_name: "` + name + `" }`)}
		return Load(append(ckptFiles("m.ckpt-1", tensors...), cfg), Options{})
	}
	conv := []ckT{
		f64Tensor("e", []int64{2, 2}, 0.5, -1.25, 3, 1e-3),
		u16Tensor("e", tfckpt.DTHalf, []int64{2, 2}, 0x3800, 0xBD00, 0x4200, 0x1419),
		u16Tensor("e", tfckpt.DTBfloat16, []int64{2, 2}, 0x3F00, 0xBFA0, 0x4040, 0x3A83),
	}
	for _, c := range conv {
		ds, rep := load("e", c)
		if ds == nil {
			t.Errorf("%s: %+v", c.dtype, rep.Diagnostics)
			continue
		}
		wantFirst(t, ds, 0.5, -1.25, 3)
		d := find(rep, tfckpt.CodeDType)
		if d == nil || d.Severity != Info || !strings.Contains(d.Message, c.dtype.String()+" converted to float32") {
			t.Errorf("%s: no conversion note: %+v", c.dtype, rep.Diagnostics)
		}
	}
	bad := []struct {
		name   string
		tensor ckT
		code   Code
		msg    string
	}{
		{"e:0", f32Tensor("e", []int64{4}, 1, 2, 3, 4), CodeShapeMismatch, "rank 1"},
		{"e", ckT{"e", tfckpt.DTInt32, []int64{2, 1}, make([]byte, 8)}, tfckpt.CodeDType, "DT_INT32"},
		{"e", f32Tensor("e", []int64{0, 3}), CodeShapeMismatch, "no points"},
		{"embedding", f32Tensor("embeddings", []int64{1, 1}, 1), tfckpt.CodeNotFound, `closest: "embeddings"`},
	}
	for _, c := range bad {
		ds, rep := load(c.name, c.tensor)
		d := find(rep, c.code)
		if ds != nil || d == nil || d.Severity != Error || !strings.Contains(d.Message, c.msg) || d.Fix == "" || d.File != "m.ckpt-1.index" {
			t.Errorf("%s %v: want %s saying %q: %+v", c.name, c.tensor.shape, c.code, c.msg, rep.Diagnostics)
		}
	}
}

// Reader errors keep the reader's code, file and byte offset, with a fix.
func TestCheckpointCorrupt(t *testing.T) {
	files := ckptFiles("m.ckpt-1", f32Tensor("emb", []int64{2, 2}, 1, 2, 3, 4))
	files[1].Data[5] ^= 0xFF // a flipped bit in the data: CRC mismatch
	ds, rep := Load(files, Options{})
	d := find(rep, tfckpt.CodeCRC)
	if ds != nil || d == nil || d.File != "m.ckpt-1.data-00000-of-00001" || d.Offset == nil || *d.Offset != 0 || d.Fix == "" {
		t.Errorf("want checkpoint-crc at byte 0 of the shard: %+v", rep.Diagnostics)
	}
	files = ckptFiles("m.ckpt-1", f32Tensor("emb", []int64{2, 2}, 1, 2, 3, 4))
	files[0].Data = files[0].Data[:len(files[0].Data)-3]
	if _, rep = Load(files, Options{}); !rep.Blocking() || !strings.HasPrefix(string(rep.Diagnostics[0].Code), "checkpoint-") || rep.Diagnostics[0].Fix == "" {
		t.Errorf("a cut index: %+v", rep.Diagnostics)
	}
	// A data shard alone names the index to add.
	if _, rep = Load(files[1:], Options{}); find(rep, CodeNoTensor) == nil || !strings.Contains(find(rep, CodeNoTensor).Fix, "m.ckpt-1.index") {
		t.Errorf("shard alone: %+v", rep.Diagnostics)
	}
}

// A data file whose first value happens to start with the gzip magic
// (1f 8b) is still a data file, not a broken archive.
func TestCheckpointShardLooksGzipped(t *testing.T) {
	v := math.Float32frombits(0x3f008b1f)
	files := ckptFiles("m.ckpt-1", f32Tensor("emb", []int64{2, 1}, v, 1))
	ds, rep := Load(files, Options{})
	if ds == nil || ds.Vectors[0] != v {
		t.Errorf("%+v", rep.Diagnostics)
	}
}

// TF2 keys escape a "/" inside a local name as ".S" and a "." as "..". A
// config's tensor_name written as the model names the variable (a layer called
// "dense/block", a variable "emb.v2") finds the escaped key, and the names
// offered to the user are the readable ones.
func TestCheckpointEscapedNames(t *testing.T) {
	key := "model/dense.Sblock/emb..v2/.ATTRIBUTES/VARIABLE_VALUE"
	readable := "model/dense/block/emb.v2/.ATTRIBUTES/VARIABLE_VALUE"
	files := ckptFiles("ckpt-3",
		f32Tensor(key, []int64{3, 2}, 1, 2, 3, 4, 5, 6),
		f32Tensor("model/other/.ATTRIBUTES/VARIABLE_VALUE", []int64{2, 2}, 9, 9, 9, 8))
	config := func(name string) File {
		return File{Name: "projector_config.pbtxt", Data: []byte(`embeddings { tensor_name: "` + name + `" }`)}
	}
	for _, name := range []string{"dense/block/emb.v2:0", "model/dense/block/emb.v2", "emb.v2", readable, key} {
		ds, rep := Load(append(slices.Clone(files), config(name)), Options{})
		if ds == nil || ds.N != 3 || ds.D != 2 {
			t.Errorf("tensor_name %q: %+v", name, rep.Diagnostics)
			continue
		}
		wantFirst(t, ds, 1, 2, 3)
	}
	ds, rep := Load(files, Options{})
	want := []string{readable, "model/other/.ATTRIBUTES/VARIABLE_VALUE"}
	if ds == nil || !slices.Equal(rep.Embeddings, want) || rep.Offers[0].Name != readable {
		t.Errorf("embeddings %v, offers %+v", rep.Embeddings, rep.Offers)
	}
	if len(rep.Tensors) != 2 || rep.Tensors[0].Name != key || rep.Tensors[0].Readable != readable || rep.Tensors[1].Readable != "" {
		t.Errorf("tensors %+v", rep.Tensors)
	}
	_, rep = Load(append(slices.Clone(files), config("dense/blok/emb.v2")), Options{})
	if d := find(rep, tfckpt.CodeNotFound); d == nil || !strings.Contains(d.Message, `closest: "`+readable+`"`) {
		t.Errorf("near miss: %+v", rep.Diagnostics)
	}
}

// A config's tensor_shape that disagrees with the checkpoint tensor's shape is
// a warning naming the config, both shapes, the checkpoint and the likely
// cause; the points load with the checkpoint's shape.
func TestCheckpointStatedShape(t *testing.T) {
	files := ckptFiles("ckpt-2", f32Tensor("emb/.ATTRIBUTES/VARIABLE_VALUE", []int64{3, 2}, 1, 2, 3, 4, 5, 6))
	load := func(shape string) (*Dataset, Report) {
		cfg := File{Name: "logs/projector_config.pbtxt", Data: []byte(`embeddings { tensor_name: "emb" ` + shape + ` }`)}
		return Load(append(slices.Clone(files), cfg), Options{})
	}
	for shape, says := range map[string][]string{
		"tensor_shape: [4305, 100]":           {"tensor_shape [4305, 100] in logs/projector_config.pbtxt", `"emb/.ATTRIBUTES/VARIABLE_VALUE"`, "ckpt-2.index, which is [3, 2]", "another run or checkpoint"},
		"tensor_shape: 2 tensor_shape: 3":     {"tensor_shape [2, 3]", "swapped", "3 points of 2 dimensions"},
		"tensor_shape: 1000 tensor_shape: 50": {"[1000, 50]", "example value"},
	} {
		ds, rep := load(shape)
		if ds == nil || ds.N != 3 || ds.D != 2 {
			t.Errorf("%s: blocked: %+v", shape, rep.Diagnostics)
			continue
		}
		wantFirst(t, ds, 1, 2, 3)
		d := find(rep, CodeShapeMismatch)
		if d == nil || d.Severity != Warning || d.File != "logs/projector_config.pbtxt" || !strings.Contains(d.Fix, "[3, 2]") {
			t.Errorf("%s: want a shape-mismatch warning on the config: %+v", shape, rep.Diagnostics)
			continue
		}
		for _, s := range says {
			if !strings.Contains(d.Message, s) {
				t.Errorf("%s: message %q lacks %q", shape, d.Message, s)
			}
		}
	}
	if _, rep := load("tensor_shape: [3, 2]"); find(rep, CodeShapeMismatch) != nil || len(rep.Diagnostics) != 0 {
		t.Errorf("a right tensor_shape: %+v", rep.Diagnostics)
	}
}
