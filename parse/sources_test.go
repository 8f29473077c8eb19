package parse

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// tfLogdirs holds the real TensorBoard log folders of the shared data folder
// (../shared/data/tf-logdirs beside the repository). Tests using it fail when
// it is absent.
const tfLogdirs = "../../shared/data/tf-logdirs"

func find(rep Report, code Code) *Diagnostic {
	for i := range rep.Diagnostics {
		if rep.Diagnostics[i].Code == code {
			return &rep.Diagnostics[i]
		}
	}
	return nil
}

func f32bytes(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// (a) The first embedding's files are absent: the first drawable one is shown
// and every undrawable one is reported.
func TestConfigFirstEmbeddingMissing(t *testing.T) {
	cfg := `embeddings { tensor_name: "gone" tensor_path: "gone.tsv" }
embeddings { tensor_name: "also gone" tensor_path: "x/also.tsv" metadata_path: "x/m.tsv" }
embeddings { tensor_name: "here" tensor_path: "here.tsv" }`
	files := []File{{Name: "projector_config.pbtxt", Data: []byte(cfg)}, {Name: "here.tsv", Data: []byte(t3)}}
	ds, rep := Load(files, Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	if ds.Embedding != 2 || ds.N != 3 || !slices.Equal(rep.Embeddings, []string{"gone", "also gone", "here"}) {
		t.Errorf("embedding %d of %v, N %d", ds.Embedding, rep.Embeddings, ds.N)
	}
	var missing []string
	for _, d := range rep.Diagnostics {
		if d.Code == CodeConfigMissingFile && d.Severity == Warning && strings.Contains(d.Message, "tensorPath") {
			missing = append(missing, d.Message)
		}
	}
	if len(missing) != 2 || !strings.Contains(missing[0], `"gone"`) || !strings.Contains(missing[1], `"also gone"`) {
		t.Errorf("want one warning per missing embedding, got %q", missing)
	}
	// None drawable: an error for the shown one, warnings for the others.
	ds, rep = Load(files[:1], Options{})
	if ds != nil || find(rep, CodeConfigMissingFile).Severity != Error {
		t.Errorf("nothing drawable: %+v", rep.Diagnostics)
	}
}

// (b) A config without tensor_path next to a tensor file uses it, says so,
// and still checks the sprite.
func TestConfigWithoutTensorPath(t *testing.T) {
	cfg := `embeddings { tensor_name: "w" metadata_path: "labels.tsv" sprite { image_path: "sprite.png" single_image_dim: 10 single_image_dim: 10 } }`
	files := []File{
		{Name: "projector_config.pbtxt", Data: []byte(cfg)},
		{Name: "vectors.tsv", Data: []byte(t3)},
		{Name: "labels.tsv", Data: []byte("a\nb\nc\n")},
		{Name: "sprite.png", Data: pngOf(t, 20, 10)},
	}
	ds, rep := Load(files, Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	d := find(rep, CodeConfigNoTensor)
	if d == nil || d.Severity != Info || !strings.Contains(d.Message, "vectors.tsv") {
		t.Errorf("no notice: %+v", rep.Diagnostics)
	}
	if ds.TensorFile != "vectors.tsv" || ds.MetadataFile != "labels.tsv" || ds.Sprite == nil {
		t.Errorf("tensor %q metadata %q sprite %v", ds.TensorFile, ds.MetadataFile, ds.Sprite)
	}
	if d := find(rep, CodeSpriteTooFew); d == nil {
		t.Errorf("the sprite (2 cells for 3 points) was not checked: %+v", rep.Diagnostics)
	}
	// Without a tensor file its values live in a checkpoint, which was not given.
	_, rep = Load([]File{files[0], files[2]}, Options{})
	if d := find(rep, CodeNoTensor); d == nil || d.Severity != Error || !strings.Contains(d.Message, "checkpoint") {
		t.Errorf("no no-tensor naming the checkpoint: %+v", rep.Diagnostics)
	}
}

// (c) A tensorPath naming a checkpoint shard says what it is, with numbers.
func TestTensorPathIsCheckpointShard(t *testing.T) {
	shard := make([]byte, 4*10*8+4*7) // a 10×8 embedding and 7 other values
	cfg := `embeddings { tensor_name: "emb" tensor_path: "model.ckpt-1.data-00000-of-00001" tensor_shape: 10 tensor_shape: 8 }`
	files := []File{{Name: "projector_config.pbtxt", Data: []byte(cfg)}, {Name: "model.ckpt-1.data-00000-of-00001", Data: shard}}
	ds, rep := Load(files, Options{})
	d := find(rep, CodeTensorCheckpoint)
	if ds != nil || d == nil || d.Severity != Error {
		t.Fatalf("want tensor-is-checkpoint: %+v", rep.Diagnostics)
	}
	for _, want := range []string{"348 bytes", "87 float32", "/ 8 dimensions = 10 rows", "data shard"} {
		if !strings.Contains(d.Message, want) {
			t.Errorf("message lacks %q: %s", want, d.Message)
		}
	}
	if !strings.Contains(d.Fix, "model.ckpt-1.index") {
		t.Errorf("fix does not ask for the index: %s", d.Fix)
	}
	if find(rep, CodeNonNumeric) != nil {
		t.Errorf("still non-numeric: %+v", rep.Diagnostics)
	}
	files[1].Name, files[0].Data = "model.ckpt-1.index", []byte(strings.Replace(cfg, ".data-00000-of-00001", ".index", 1))
	if _, rep = Load(files, Options{}); !strings.Contains(find(rep, CodeTensorCheckpoint).Message, "index of a TensorFlow checkpoint") {
		t.Errorf(".index: %+v", rep.Diagnostics)
	}
}

// (d) A .bytes shape inferred from the metadata row count is said.
func TestShapeInferredFromMetadata(t *testing.T) {
	files := []File{{Name: "t.bytes", Data: f32bytes(1, 2, 3, 4, 5, 6)}, {Name: "m.tsv", Data: []byte("a\nb\nc\n")}}
	ds, rep := Load(files, Options{})
	if ds == nil || ds.N != 3 || ds.D != 2 {
		t.Fatalf("%+v", rep.Diagnostics)
	}
	d := find(rep, CodeShapeInferred)
	if d == nil || d.Severity != Info || !strings.Contains(d.Message, "3 rows of the metadata m.tsv") || !strings.Contains(d.Message, "6 float32 values / 3 rows = 2 dimensions") {
		t.Errorf("no shape-inferred saying from what: %+v", rep.Diagnostics)
	}
	_, rep = Load(files[:1], Options{Shape: [2]int{0, 3}})
	if d := find(rep, CodeShapeInferred); d == nil || !strings.Contains(d.Message, "given 3 dimensions") {
		t.Errorf("from a given D: %+v", rep.Diagnostics)
	}
	// A config's full tensorShape infers nothing.
	cfg := `{"embeddings":[{"tensorPath":"t.bytes","tensorShape":[3,2]}]}`
	if _, rep = Load([]File{{Name: "projector_config.json", Data: []byte(cfg)}, files[0]}, Options{}); find(rep, CodeShapeInferred) != nil {
		t.Errorf("inferred with a full shape: %+v", rep.Diagnostics)
	}
}

// (e) Identical points are warned about; nearly identical ones and all-zero ones are not.
func TestPointsIdentical(t *testing.T) {
	ds, rep := Load([]File{{Name: "v.tsv", Data: []byte("0.5\t1\n0.5\t1\n0.5\t1\n")}}, Options{})
	if ds == nil {
		t.Fatal(rep.Diagnostics)
	}
	if d := find(rep, CodePointsIdentical); d == nil || d.Severity != Warning || !strings.Contains(d.Message, "All 3 points") {
		t.Errorf("no points-identical: %+v", rep.Diagnostics)
	}
	for _, data := range []string{"0.5\t1\n0.5\t1\n0.5\t1.0001\n", "0\t0\n0\t0\n", "1\t2\n"} {
		if _, rep := Load([]File{{Name: "v.tsv", Data: []byte(data)}}, Options{}); find(rep, CodePointsIdentical) != nil {
			t.Errorf("%q: %+v", data, rep.Diagnostics)
		}
	}
}

func torchZip(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"archive/data.pkl", "archive/data/0", "archive/version"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("\x80\x02}q\x00."))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Model files are recognised by content and explained, never read as text or floats.
func TestModelFiles(t *testing.T) {
	hdf5 := append([]byte("\x89HDF\r\n\x1a\n"), make([]byte, 600)...)
	cases := []struct {
		name string
		data []byte
		want string // in the message
	}{
		{"model.weights.h5", hdf5, "Keras 3 weights"},
		{"weights.bin", hdf5, "HDF5 file"},
		{"model.ckpt", hdf5, "named like a TensorFlow checkpoint"},
		{"model.pt", torchZip(t), "PyTorch file saved with torch.save"},
		{"emb.pth", []byte("\x80\x02\x8a\x0alZ\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."), "pickle"},
		{"saved_model.pb", []byte("\x08\x01\x12\x04"), "SavedModel"},
	}
	for _, c := range cases {
		ds, rep := Load([]File{{Name: c.name, Data: c.data}}, Options{})
		d := find(rep, CodeModelFile)
		if ds != nil || d == nil || d.Severity != Error || !strings.Contains(d.Message, c.want) || d.Fix == "" {
			t.Errorf("%s: %+v", c.name, rep.Diagnostics)
		}
		if Classify(File{Name: c.name, Data: c.data}) != KindModel {
			t.Errorf("%s: Classify = %s", c.name, Classify(File{Name: c.name, Data: c.data}))
		}
	}
	// Beside real data a model file is only noted.
	ds, rep := Load([]File{{Name: "vectors.tsv", Data: []byte(t3)}, {Name: "model.pt", Data: torchZip(t)}}, Options{})
	if ds == nil || find(rep, CodeModelFile).Severity != Info {
		t.Errorf("beside data: %+v", rep.Diagnostics)
	}
	// Raw float32 that happens to start like a pickle stays data.
	raw := f32bytes(math.Float32frombits(0x8a0280), 1, 2, 3)
	if k := Classify(File{Name: "t.bytes", Data: raw}); k == KindModel {
		t.Errorf("raw floats classified as a model")
	}
}

// The real PyTorch run: its one step loads with metadata and sprite.
func TestPyTorchRunReal(t *testing.T) {
	dir := tfLogdirs + "/pytorch-add-embedding"
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the shared log folders are needed: %v", err)
	}
	ds, rep := Load(readDir(t, dir), Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	checkDataset(t, ds)
	if ds.N != 100 || ds.D != 784 || ds.Sprite == nil || ds.Sprite.CellWidth != 28 || ds.MetadataFile != "00010/default/metadata.tsv" {
		t.Errorf("%d×%d metadata %q sprite %+v", ds.N, ds.D, ds.MetadataFile, ds.Sprite)
	}
	if !slices.Equal(rep.Embeddings, []string{"default:00010"}) || ds.Columns[0].Values[0] != "Sneaker" {
		t.Errorf("embeddings %v, first label %q", rep.Embeddings, ds.Columns[0].Values[0])
	}
}

// A synthesised run: several steps and tags, the config listing only some,
// with Windows paths; each is an embedding of the choice with its own files.
func TestPyTorchRunSteps(t *testing.T) {
	cfg := `embeddings {
  tensor_name: "default:00000"
  metadata_path: "00000\\default\\metadata.tsv"
  tensor_path: "00000\\default\\tensors.tsv"
}
`
	files := []File{{Name: "run/projector_config.pbtxt", Data: []byte(cfg)}}
	add := func(step, tag, vecs, labels string) {
		p := "run/" + step + "/" + tag + "/"
		files = append(files, File{Name: p + "tensors.tsv", Data: []byte(vecs)}, File{Name: p + "metadata.tsv", Data: []byte(labels)})
	}
	add("00000", "default", "1\t2\n3\t4\n", "a\nb\n")
	add("00010", "default", "1\t2\t3\n4\t5\t6\n7\t8\t9\n", "c\nd\ne\n")
	add("00010", "words", "1\n2\n3\n4\n", "w\nx\ny\nz\n")
	ds, rep := Load(files, Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	want := []string{"default:00000", "default:00010", "words:00010"}
	if !slices.Equal(rep.Embeddings, want) || ds.N != 2 || ds.Columns[0].Values[1] != "b" {
		t.Errorf("embeddings %v, N %d, cols %+v", rep.Embeddings, ds.N, ds.Columns)
	}
	for i, n := range []int{2, 3, 4} {
		ds, rep := Load(files, Options{Embedding: i})
		if ds == nil || ds.N != n || ds.Embedding != i || len(ds.Columns) != 1 {
			t.Errorf("embedding %d: %+v", i, rep.Diagnostics)
		}
	}
}

// A config's tensorShape is compared with a JSON tensor's rows too: a warning,
// and the file's shape is used.
func TestJSONRowsStatedShape(t *testing.T) {
	cfg := File{Name: "projector_config.json", Data: []byte(`{"embeddings":[{"tensorName":"v","tensorPath":"rows.json","tensorShape":[10,4]}]}`)}
	rows := File{Name: "rows.json", Data: []byte(`[[1,2],[3,4],[5,6]]`)}
	ds, rep := Load([]File{cfg, rows}, Options{})
	if ds == nil || ds.N != 3 || ds.D != 2 {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	d := find(rep, CodeShapeMismatch)
	if d == nil || d.Severity != Warning || !strings.Contains(d.Message, "[10, 4]") || !strings.Contains(d.Message, "3×2") || !strings.Contains(d.Fix, "[3, 2]") {
		t.Errorf("want a shape-mismatch warning: %+v", rep.Diagnostics)
	}
}
