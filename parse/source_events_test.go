package parse

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/embproj/projector/parse/internal/tfwire"
	"github.com/embproj/projector/parse/tfevents"
)

// The event files these tests read are the fixtures of parse/tfevents/testdata,
// written by that package's writer (go test ./parse/tfevents -run TestFixtures
// -update rewrites them).

// eventsFixture reads a fixture of parse/tfevents/testdata as a File called name.
func eventsFixture(t testing.TB, fixture, name string) File {
	t.Helper()
	b, err := os.ReadFile("tfevents/testdata/" + fixture)
	if err != nil {
		t.Fatal(err)
	}
	return File{Name: name, Data: b}
}

// eventsRecords splits a TFRecord stream into its framed records.
func eventsRecords(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 12 {
			t.Fatalf("%d bytes left, not a record", len(b))
		}
		n := 12 + int(binary.LittleEndian.Uint64(b)) + 4
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// eventCodes returns the diagnostics of rep whose code starts with "events-" or
// is count-mismatch.
func eventCodes(rep Report) []Diagnostic {
	var out []Diagnostic
	for _, d := range rep.Diagnostics {
		if strings.HasPrefix(string(d.Code), EventsCodePrefix) || d.Code == CodeCountMismatch {
			out = append(out, d)
		}
	}
	return out
}

// An events file with a 100×16 tensor summary and 100 labels in a text summary
// loads as 100 × 16 with the labels as its one column, in memory and through
// ReaderAt, and says TensorBoard would not have shown it.
func TestEventsEmbeddingWithLabels(t *testing.T) {
	f := eventsFixture(t, "ok-embedding-100x16-with-labels.tfevents", "run/events.out.tfevents.1700000000.host")
	saved := prefixSize
	defer func() { prefixSize = saved }()
	prefixSize = 64 // so that the ReaderAt file stays streamed
	for _, in := range []File{f, asReaderAt(f)} {
		ds, rep := Load([]File{in}, Options{})
		if ds == nil {
			t.Fatalf("blocked: %+v", rep.Diagnostics)
		}
		checkDataset(t, ds)
		if ds.N != 100 || ds.D != 16 || ds.Format != "events" || ds.TensorFile != f.Name {
			t.Errorf("%d×%d %s from %s", ds.N, ds.D, ds.Format, ds.TensorFile)
		}
		if len(ds.Columns) != 1 || ds.Columns[0].Name != "emb/labels" || ds.Columns[0].Values[0] != "w0" || ds.Columns[0].Values[99] != "w99" {
			t.Errorf("columns %+v", ds.Columns)
		}
		// Row 2, column 3 of the writer's wave: sin(2·3·0.37).
		if got, want := ds.Vectors[1*16+2], float32(math.Sin(2*3*0.37)); got != want {
			t.Errorf("value [1][2] = %v, want %v", got, want)
		}
		if ds.Rows[99] != 100 || !slices.Equal(rep.Embeddings, []string{"emb/vectors"}) {
			t.Errorf("rows end %d, embeddings %v", ds.Rows[99], rep.Embeddings)
		}
		got := eventCodes(rep)
		if len(got) != 1 || got[0].Code != "events-info-not-tensorboard" || got[0].Severity != Info || got[0].File != f.Name || got[0].Fix == "" {
			t.Errorf("event diagnostics %+v", got)
		}
	}
}

// 100 vectors but 90 labels: the points load without labels, and a
// count-mismatch warning names both numbers, the file and the byte offset.
func TestEventsCountMismatch(t *testing.T) {
	f := eventsFixture(t, "count-mismatch-100-vectors-90-labels.tfevents", "events.out.tfevents.1.host")
	ds, rep := Load([]File{f}, Options{})
	if ds == nil {
		t.Fatalf("blocked: %+v", rep.Diagnostics)
	}
	if ds.N != 100 || ds.D != 4 || len(ds.Columns) != 0 {
		t.Errorf("%d×%d, columns %+v", ds.N, ds.D, ds.Columns)
	}
	d := find(rep, CodeCountMismatch)
	if d == nil || d.Severity != Warning || d.File != f.Name || d.Offset == nil {
		t.Fatalf("count-mismatch %+v in %+v", d, rep.Diagnostics)
	}
	if !strings.Contains(d.Message, "100 rows") || !strings.Contains(d.Message, "has 90") || !strings.Contains(d.Fix, "exactly 100 strings") {
		t.Errorf("message %q, fix %q", d.Message, d.Fix)
	}
	if !strings.HasPrefix(d.Location(), f.Name+", byte ") {
		t.Errorf("location %q", d.Location())
	}
}

// Several tags and steps are several candidates of the embedding choice, by
// tag and latest step first; embedding=J picks one.
func TestEventsSeveralTagsAndSteps(t *testing.T) {
	files := []File{eventsFixture(t, "several-tags-and-steps.tfevents", "events.out.tfevents.2.host")}
	ds, rep := Load(files, Options{})
	want := []string{"a @ step 10", "a @ step 0", "b"}
	if ds == nil || !slices.Equal(rep.Embeddings, want) {
		t.Fatalf("embeddings %v, want %v: %+v", rep.Embeddings, want, rep.Diagnostics)
	}
	for j, c := range []struct {
		n, d   int
		first  float32
		labels bool
	}{{5, 3, 1, true}, {5, 3, float32(math.Sin(0.37)), true}, {4, 2, float32(math.Sin(0.37)), false}} {
		ds, rep := Load(files, Options{Embedding: j})
		if ds == nil || ds.Embedding != j || ds.N != c.n || ds.D != c.d || ds.Vectors[0] != c.first || (len(ds.Columns) == 1) != c.labels {
			t.Errorf("embedding %d: %+v %+v", j, ds, rep.Diagnostics)
			continue
		}
		if rep.Offers[j].Source != "events" || rep.Offers[j].TensorFile != files[0].Name || !rep.Offers[j].Drawable {
			t.Errorf("offer %d: %+v", j, rep.Offers[j])
		}
		// b has 4 rows and the only labels 5: its count-mismatch shows with it alone.
		if mm := find(rep, CodeCountMismatch) != nil; mm != (j == 2) {
			t.Errorf("embedding %d: count-mismatch %v", j, mm)
		}
	}
}

// A record with a bad data CRC in the middle is a warning with the file and
// byte offset, and the records after it are still read; a truncated file warns
// and keeps what came before.
func TestEventsDamaged(t *testing.T) {
	for _, c := range []struct {
		fixture string
		code    Code
		offset  int64
		embs    int
	}{
		{"bad-data-crc-in-the-middle.tfevents", "events-crc", 116, 2},
		{"truncated-last-record.tfevents", "events-truncated", 116, 1},
	} {
		f := eventsFixture(t, c.fixture, "events.out.tfevents."+c.fixture)
		ds, rep := Load([]File{f}, Options{})
		if ds == nil || ds.N != 3 || ds.D != 2 || len(rep.Offers) != c.embs {
			t.Errorf("%s: %+v, offers %+v: %+v", c.fixture, ds, rep.Offers, rep.Diagnostics)
			continue
		}
		d := find(rep, c.code)
		if d == nil || d.Severity != Warning || d.File != f.Name || d.Offset == nil || *d.Offset != c.offset || d.Fix == "" {
			t.Errorf("%s: %s = %+v", c.fixture, c.code, d)
		}
	}
}

// A file named like an event file that is not a TFRecord stream is one clear
// error, with its file and offset; an event file of scalars only says what it
// holds and that no file holds vectors.
func TestEventsNotAnEmbedding(t *testing.T) {
	f := eventsFixture(t, "not-tfrecord.txt", "events.out.tfevents.x")
	ds, rep := Load([]File{f}, Options{})
	if ds != nil || len(rep.Diagnostics) != 1 {
		t.Fatalf("%+v", rep.Diagnostics)
	}
	if d := rep.Diagnostics[0]; d.Code != "events-not-tfrecord" || d.Severity != Error || d.Location() != "events.out.tfevents.x, byte 0" || d.Fix == "" {
		t.Errorf("%+v", d)
	}

	ok := eventsFixture(t, "ok-embedding-100x16-with-labels.tfevents", "")
	scalars := File{Name: "events.out.tfevents.3.host", Data: slices.Concat(eventsRecords(t, ok.Data)[:3]...)}
	ds, rep = Load([]File{scalars}, Options{})
	if ds != nil || len(rep.Diagnostics) != 2 {
		t.Fatalf("%+v", rep.Diagnostics)
	}
	info, noTensor := rep.Diagnostics[0], rep.Diagnostics[1]
	if info.Code != "events-no-embedding" || info.Severity != Info || !strings.Contains(info.Message, "2 scalars") || !strings.Contains(info.Fix, "tf.summary.write") {
		t.Errorf("%+v", info)
	}
	if noTensor.Code != CodeNoTensor || noTensor.Severity != Error {
		t.Errorf("%+v", noTensor)
	}
}

// Beside a projector config or a plain tensor file, the config's (or file's)
// embedding is shown first and the event file's embeddings are listed after
// it; the events' findings appear only when one of them is chosen.
func TestEventsBesideConfigAndTensor(t *testing.T) {
	ev := eventsFixture(t, "count-mismatch-100-vectors-90-labels.tfevents", "logs/events.out.tfevents.4.host")
	tsv := File{Name: "logs/vectors.tsv", Data: []byte("1\t2\t3\n4\t5\t6\n")}
	meta := File{Name: "logs/metadata.tsv", Data: []byte("a\nb\n")}
	cfg := File{Name: "logs/projector_config.pbtxt", Data: []byte(`embeddings { tensor_name: "words" tensor_path: "vectors.tsv" metadata_path: "metadata.tsv" }` + "\n")}
	for _, c := range []struct {
		name  string
		files []File
		first string
	}{
		{"config", []File{ev, cfg, tsv, meta}, "words"},
		{"tensor file", []File{ev, tsv, meta}, "logs/vectors.tsv"},
	} {
		ds, rep := Load(c.files, Options{})
		if ds == nil || ds.N != 2 || ds.D != 3 || ds.Columns[0].Values[1] != "b" {
			t.Fatalf("%s: %+v", c.name, rep.Diagnostics)
		}
		if want := []string{c.first, "emb/vectors"}; !slices.Equal(rep.Embeddings, want) {
			t.Errorf("%s: embeddings %v, want %v", c.name, rep.Embeddings, want)
		}
		if got := eventCodes(rep); len(got) != 0 {
			t.Errorf("%s: events findings with the config's embedding shown: %+v", c.name, got)
		}
		ds, rep = Load(c.files, Options{Embedding: 1})
		if ds == nil || ds.N != 100 || ds.D != 4 || find(rep, CodeCountMismatch) == nil || find(rep, "events-info-not-tensorboard") == nil {
			t.Errorf("%s: embedding 1: %+v", c.name, rep.Diagnostics)
		}
	}
}

// The real PyTorch run folder loads its TSV embedding as before; its event
// files (scalars, images, pr_curves) are named in one info and nothing else.
func TestPyTorchRunEventsQuiet(t *testing.T) {
	dir := tfLogdirs + "/pytorch-add-embedding"
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the shared log folders are needed: %v", err)
	}
	ds, rep := Load(readDir(t, dir), Options{})
	if ds == nil || ds.N != 100 || ds.D != 784 || ds.Format != "tsv" || !slices.Equal(rep.Embeddings, []string{"default:00010"}) {
		t.Fatalf("%+v", rep.Diagnostics)
	}
	got := eventCodes(rep)
	if len(got) != 1 || got[0].Code != "events-no-embedding" || got[0].Severity != Info || !strings.Contains(got[0].Message, "6 scalars, 6 images") {
		t.Errorf("event diagnostics %+v", got)
	}
}

// A large event file is scanned through ReaderAt in Stepper slices (the
// page's frame loop goes on), with progress, and gives what Load gives.
func TestEventsStepper(t *testing.T) {
	ok := eventsFixture(t, "ok-embedding-100x16-with-labels.tfevents", "")
	version := eventsRecords(t, ok.Data)[0]
	big := slices.Concat(slices.Repeat(version, (20<<20)/len(version)), ok.Data)
	f := asReaderAt(File{Name: "events.out.tfevents.5.host", Data: big})
	s := NewStepper([]File{f}, Options{})
	steps, last := 0, int64(0)
	for !s.Step(1) {
		steps++
		done, _ := s.Progress()
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		last = done
	}
	ds, rep := s.Result()
	if ds == nil || ds.N != 100 || ds.D != 16 || len(ds.Columns) != 1 {
		t.Fatalf("%+v", rep.Diagnostics)
	}
	if steps < 2 || last == 0 {
		t.Errorf("%d steps before the end, last progress %d", steps, last)
	}
	if done, total := s.Progress(); done != total || total != f.Size {
		t.Errorf("progress %d/%d, size %d", done, total, f.Size)
	}
}

// An event file whose embeddings have no text summary takes its labels from
// the one metadata file given with it, by TensorBoard's metadata rules.
func TestEventsWithMetadataFile(t *testing.T) {
	ev := eventsFixture(t, "truncated-last-record.tfevents", "events.out.tfevents.6.host")
	meta := File{Name: "metadata.tsv", Data: []byte("cat\ndog\nbird\n")}
	ds, rep := Load([]File{ev, meta}, Options{})
	if ds == nil || ds.N != 3 || ds.MetadataFile != "metadata.tsv" || len(ds.Columns) != 1 || ds.Columns[0].Values[2] != "bird" {
		t.Fatalf("%+v: %+v", ds, rep.Diagnostics)
	}
	short := File{Name: "metadata.tsv", Data: []byte("cat\ndog\n")}
	if ds, rep := Load([]File{ev, short}, Options{}); ds != nil || find(rep, CodeCountMismatch) == nil {
		t.Errorf("2 labels for 3 points: %+v", rep.Diagnostics)
	}
}

// An event file renamed (run1.events, events.bin, a .tfrecord) is recognised
// by its content and loads like the original, in memory and through ReaderAt.
func TestEventsRenamed(t *testing.T) {
	saved := prefixSize
	defer func() { prefixSize = saved }()
	prefixSize = 64 // so that the ReaderAt file stays streamed
	for _, name := range []string{"run1.events", "logs/events.bin", "run/embedding.tfrecord", "data"} {
		f := eventsFixture(t, "ok-embedding-100x16-with-labels.tfevents", name)
		if k := Classify(f); k != KindEvents {
			t.Errorf("Classify(%s) = %s", name, k)
		}
		for _, in := range []File{f, asReaderAt(f)} {
			ds, rep := Load([]File{in}, Options{})
			if ds == nil || ds.N != 100 || ds.D != 16 || ds.Format != "events" || ds.TensorFile != name || len(ds.Columns) != 1 {
				t.Errorf("%s: %+v %+v", name, ds, rep.Diagnostics)
			}
		}
	}
}

// Other binary files go their usual way: random float32 .bytes (also one
// whose first 12 bytes were made to pass the TFRecord length checksum), a
// .npy file, a checkpoint data shard.
func TestEventsSniffLeavesOtherBinaries(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 9))
	vals := make([]float32, 64*8)
	for i := range vals {
		vals[i] = float32(rnd.NormFloat64())
	}
	raw := f32bytes(vals...)
	forged := slices.Clone(raw)
	binary.LittleEndian.PutUint64(forged, 40)
	binary.LittleEndian.PutUint32(forged[8:], tfwire.MaskedCRC32C(forged[:8]))
	if !tfevents.Sniff(forged) {
		t.Fatal("the forged length checksum does not pass")
	}
	for _, f := range []File{
		{Name: "vectors.bytes", Data: raw},
		{Name: "events.bytes", Data: forged},
		npyFile("vectors.npy", "<f4", false, 64, 8, raw),
	} {
		if k := Classify(f); k == KindEvents {
			t.Errorf("Classify(%s) = %s", f.Name, k)
		}
		ds, rep := Load([]File{f}, Options{Shape: [2]int{64, 8}})
		if ds == nil || ds.N != 64 || ds.D != 8 || ds.Format == "events" {
			t.Errorf("%s: %+v %+v", f.Name, ds, rep.Diagnostics)
		}
	}
	shard := ckptFiles("m.ckpt-1", f32Tensor("emb", []int64{64, 8}, vals...))[1]
	if k := Classify(shard); k != KindCheckpoint {
		t.Errorf("Classify(shard) = %s", k)
	}
}
