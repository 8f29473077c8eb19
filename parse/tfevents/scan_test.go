package tfevents

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// scanBytes scans b with opts and checks the invariants.
func scanBytes(t *testing.T, b []byte, opts Options) *Result {
	t.Helper()
	res := Scan("run/events.out.tfevents.1.host", bytes.NewReader(b), int64(len(b)), opts)
	checkResult(t, res, int64(len(b)))
	sameResult(t, res, scan("run/events.out.tfevents.1.host", bytes.NewReader(b), int64(len(b)), opts, false))
	return res
}

// TestValueSources: the same 3×2 values stored in tensor_content, packed and unpacked
// float_val, double_val, half_val (DT_HALF and DT_BFLOAT16) and a single broadcast
// float_val all decode to the expected float32.
func TestValueSources(t *testing.T) {
	want := []float32{0.5, -1, 2, 0, 65504, -0.25}
	halfBitsOf := []uint16{0x3800, 0xbc00, 0x4000, 0x0000, 0x7bff, 0xb400}
	bf16 := make([]uint16, len(want))
	bfWant := make([]float32, len(want)) // bfloat16 keeps 8 bits of mantissa: 65504 → 65280
	f64 := make([]float64, len(want))
	for i, v := range want {
		bf16[i] = uint16(math.Float32bits(v) >> 16)
		bfWant[i] = math.Float32frombits(uint32(bf16[i]) << 16)
		f64[i] = float64(v)
	}
	if bfWant[4] != 65280 || bfWant[0] != 0.5 {
		t.Fatalf("bfloat16 expectations %v", bfWant)
	}
	cases := []struct {
		name   string
		tensor []byte
		dtype  string
		want   []float32
	}{
		{"tensor_content", contentTensor(want, 3, 2), "float32", want},
		{"float_val packed", floatValTensor(want, true, 3, 2), "float32", want},
		{"float_val unpacked", floatValTensor(want, false, 3, 2), "float32", want},
		{"double_val", doubleValTensor(f64, 3, 2), "float64", want},
		{"half_val", halfValTensor(dtHalf, halfBitsOf, 3, 2), "float16", want},
		{"bfloat16 half_val", halfValTensor(dtBFloat16, bf16, 3, 2), "bfloat16", bfWant},
		{"broadcast", floatValTensor([]float32{7}, true, 3, 2), "float32", []float32{7, 7, 7, 7, 7, 7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := file(versionEvent(), summaryEvent(5, tensorValue("emb", "", c.tensor)))
			res := scanBytes(t, b, Options{})
			if len(res.Embeddings) != 1 {
				t.Fatalf("%d embeddings; findings %v", len(res.Embeddings), res.Findings)
			}
			e := res.Embeddings[0]
			if e.Rows != 3 || e.Cols != 2 || e.Step != 5 || e.DType != c.dtype || e.WallTime != 1700000005 || e.Offset != 40 {
				t.Errorf("got %dx%d step %d %s wall %v offset %d", e.Rows, e.Cols, e.Step, e.DType, e.WallTime, e.Offset)
			}
			if !slices.Equal(e.Values, c.want) {
				t.Errorf("values %v, want %v", e.Values, c.want)
			}
		})
	}
}

// TestHalf checks binary16 conversion on its special values.
func TestHalf(t *testing.T) {
	for bits, want := range map[uint16]float32{
		0x0001: 5.960464477539063e-08, 0x03ff: 6.097555160522461e-05, 0x0400: 6.103515625e-05,
		0x3c00: 1, 0xc000: -2, 0x7c00: float32(math.Inf(1)), 0xfc00: float32(math.Inf(-1)), 0x8000: 0,
	} {
		if got := halfToFloat32(bits); got != want {
			t.Errorf("half %#04x = %v, want %v", bits, got, want)
		}
	}
	if got := halfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("half 0x7e00 = %v, want NaN", got)
	}
	if math.Signbit(float64(halfToFloat32(0x8000))) != true {
		t.Error("half 0x8000 lost its sign")
	}
}

// TestStepsTagsPairing: two embedding tags over two steps and label sets per step;
// Pair keeps tag order, latest step first, pairs same-step labels and explains.
func TestStepsTagsPairing(t *testing.T) {
	b := file(versionEvent(),
		summaryEvent(1, tensorValue("words/embedding", "", contentTensor(seq(20, 0), 10, 2)),
			tensorValue("words/labels", "text", stringTensor(words(10), 10))),
		summaryEvent(1, tensorValue("chars", "", doubleValTensor(make([]float64, 12), 4, 3))),
		summaryEvent(2, tensorValue("words/embedding", "", floatValTensor(seq(20, 100), true, 10, 2)),
			tensorValue("other", "text", stringTensor(words(10), 10, 1)),
			tensorValue("words/labels", "text", stringTensor(words(10), 10))),
		summaryEvent(3, scalarValue("loss", 1)),
	)
	res := scanBytes(t, b, Options{})
	if len(res.Embeddings) != 3 || len(res.Labels) != 3 {
		t.Fatalf("%d embeddings, %d labels; findings %v", len(res.Embeddings), len(res.Labels), res.Findings)
	}
	if res.Counts.Text != 3 || res.Counts.Tensors != 3 || res.Counts.Scalars != 1 {
		t.Errorf("counts %+v", res.Counts)
	}
	cands, finds := Pair(res.Embeddings, res.Labels)
	type got struct {
		emb      string
		step     int64
		lab      string
		labStep  int64
		hasLabel bool
	}
	var gots []got
	for _, c := range cands {
		g := got{emb: c.Embedding.Tag, step: c.Embedding.Step}
		if c.Labels != nil {
			g.lab, g.labStep, g.hasLabel = c.Labels.Tag, c.Labels.Step, true
		}
		gots = append(gots, g)
	}
	want := []got{
		{"words/embedding", 2, "words/labels", 2, true},
		{"words/embedding", 1, "words/labels", 1, true},
		{"chars", 1, "", 0, false},
	}
	if !slices.Equal(gots, want) {
		t.Errorf("candidates %+v, want %+v", gots, want)
	}
	if w := cands[0].Why; !strings.Contains(w, "same step") || !strings.Contains(w, "same tag stem") || !strings.Contains(w, "2 other text summaries also have 10 rows") {
		t.Errorf("why %q", w)
	}
	// chars has 4 rows, no label set has: count-mismatch names both numbers.
	f := find(t, finds, "count-mismatch")
	if !strings.Contains(f.Msg, "embedding `chars` has 4 rows but text `") || !strings.Contains(f.Msg, "has 10") || f.Severity != Warning {
		t.Errorf("count-mismatch %v", f)
	}
	find(t, finds, "events-info-not-tensorboard")
	if res.Embeddings[2].Values[0] != 100 {
		t.Errorf("step-2 embedding starts at %v, want 100", res.Embeddings[2].Values[0])
	}
}

// TestPairMismatch100vs90: the brief's example message, read from its fixture.
func TestPairMismatch100vs90(t *testing.T) {
	b := fixtures[0].make()
	res := scanBytes(t, b, Options{})
	cands, finds := Pair(res.Embeddings, res.Labels)
	if len(cands) != 1 || cands[0].Labels != nil {
		t.Fatalf("candidates %+v", cands)
	}
	f := find(t, finds, "count-mismatch")
	if !strings.HasPrefix(f.Msg, "embedding `emb/vectors` has 100 rows but text `emb/labels` has 90") || f.Offset != 82 {
		t.Errorf("finding %v", f)
	}
}

// TestPairNearestStep: without a same-step label set, the nearest step is used.
func TestPairNearestStep(t *testing.T) {
	embs := []Tensor{{Tag: "e", Step: 10, Rows: 2, Cols: 1, Values: []float32{1, 2}}}
	labels := []Labels{{Tag: "a", Step: 1, Values: []string{"x", "y"}}, {Tag: "b", Step: 9, Values: []string{"x", "y"}},
		{Tag: "c", Step: 10, Values: []string{"only one"}}}
	cands, finds := Pair(embs, labels)
	if cands[0].Labels == nil || cands[0].Labels.Tag != "b" || !strings.Contains(cands[0].Why, "nearest") {
		t.Errorf("chose %+v", cands[0])
	}
	if slices.Contains(findingCodes(finds), "count-mismatch") {
		t.Errorf("count-mismatch although labels match: %v", finds)
	}
	if cands, finds := Pair(nil, labels); len(cands) != 0 || len(finds) != 0 {
		t.Errorf("Pair without embeddings: %v %v", cands, finds)
	}
}

// TestStem: tags that name the same thing share a stem; role-only tags have none.
func TestStem(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"emb/vectors", "emb/labels", true},
		{"word_embedding", "word_labels", true},
		{"words", "words/text_summary", true},
		{"embedding", "labels", false},
		{"a/x", "b/x", false},
	} {
		if got := sameStem(c.a, c.b); got != c.same {
			t.Errorf("sameStem(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// TestLabelForms: [N], [N, 1], tensor_content strings, and one multi-line string all
// become one label column; a [N, 2] table and an images tensor do not.
func TestLabelForms(t *testing.T) {
	// EncodeStringList: the lengths, then the bytes.
	contentStrings := appendBytesField(tensorHead(dtString, 3), tpContent, []byte("\x01\x02\x00abb"))
	b := file(versionEvent(), summaryEvent(1,
		tensorValue("rank1", "text", stringTensor([]string{"a", "bb", ""}, 3)),
		tensorValue("col", "", stringTensor([]string{"a", "bb", ""}, 3, 1)),
		tensorValue("content", "text", contentStrings),
		tensorValue("lines", "text", stringTensor([]string{"a\r\nbb\n\n"}))),
		summaryEvent(1, tensorValue("table", "text", stringTensor(words(4), 2, 2)),
			tensorValue("img", "images", stringTensor([]string{"2", "2", "png"}, 3))),
	)
	res := scanBytes(t, b, Options{})
	var tags []string
	for _, l := range res.Labels {
		tags = append(tags, l.Tag)
		if !slices.Equal(l.Values, []string{"a", "bb", ""}) {
			t.Errorf("labels %q = %q", l.Tag, l.Values)
		}
	}
	if !slices.Equal(tags, []string{"rank1", "col", "content", "lines"}) {
		t.Errorf("label tags %q", tags)
	}
	find(t, res.Findings, "events-labels-several-lines")
	if res.Counts.Images != 1 || res.Counts.Text != 4 {
		t.Errorf("counts %+v", res.Counts)
	}
	// With AnyPlugin, images stay images; text tables stay tables.
	if res := scanBytes(t, b, Options{AnyPlugin: true}); len(res.Labels) != 4 {
		t.Errorf("AnyPlugin: %d labels", len(res.Labels))
	}
}

// TestPlugins: TensorBoard's own plugins are skipped unless AnyPlugin; unknown
// plugins and no plugin are taken; old-style values are counted.
func TestPlugins(t *testing.T) {
	b := file(versionEvent(), summaryEvent(1,
		tensorValue("hist", "histograms", contentTensor(seq(6, 0), 2, 3)),
		tensorValue("mine", "my_projector", contentTensor(seq(6, 0), 2, 3)),
		tensorValue("loss", "scalars", contentTensor([]float32{1})),
		scalarValue("old", 1), imageValue("pic", 100)),
		graphEvent(30))
	res := scanBytes(t, b, Options{})
	if len(res.Embeddings) != 1 || res.Embeddings[0].Tag != "mine" || res.Embeddings[0].Plugin != "my_projector" {
		t.Errorf("embeddings %+v", res.Embeddings)
	}
	want := Counts{Records: 3, Scalars: 2, Images: 1, Histograms: 1, Tensors: 1, Graphs: 1, Other: 1}
	if res.Counts != want {
		t.Errorf("counts %+v, want %+v", res.Counts, want)
	}
	if res := scanBytes(t, b, Options{AnyPlugin: true}); len(res.Embeddings) != 2 {
		t.Errorf("AnyPlugin: %d embeddings", len(res.Embeddings))
	}
}

// TestLargeRecords: records bigger than the read window: an embedding read whole, a
// graph checksummed in pieces, an embedding over MaxTensorBytes reported with its tag
// and shape from its first bytes, and a corrupt large record skipped.
func TestLargeRecords(t *testing.T) {
	big := seq(300*1000, 0) // 1.2 MB
	emb := record(summaryEvent(7, tensorValue("big", "", contentTensor(big, 300, 1000))))
	graph := record(graphEvent(3 << 20))
	b := slices.Concat(record(versionEvent()), graph, emb, corrupt(emb, len(emb)/2), emb)
	res := scanBytes(t, b, Options{})
	if len(res.Embeddings) != 2 || res.Embeddings[0].Rows != 300 || res.Embeddings[1].Values[299999] != 299999 {
		t.Fatalf("%d embeddings; findings %v", len(res.Embeddings), res.Findings)
	}
	if res.Counts.Graphs != 1 || res.Counts.Records != 4 {
		t.Errorf("counts %+v", res.Counts)
	}
	if f := find(t, res.Findings, "events-crc"); f.Offset != int64(40+len(graph)+len(emb)) {
		t.Errorf("crc finding at %d", f.Offset)
	}
	res = scanBytes(t, b, Options{MaxTensorBytes: 100 << 10})
	f := find(t, res.Findings, "events-tensor-too-large")
	if !strings.Contains(f.Msg, "`big` [300, 1000]") || len(res.Embeddings) != 0 {
		t.Errorf("too-large finding %q, %d embeddings", f.Msg, len(res.Embeddings))
	}
}

// TestCapPerCode: many bad records give ten findings and one saying how many more.
func TestCapPerCode(t *testing.T) {
	rec := record(summaryEvent(1, scalarValue("loss", 1)))
	b := record(versionEvent())
	for range 15 {
		b = append(b, corrupt(rec, 20)...)
	}
	res := scanBytes(t, b, Options{})
	n := 0
	for _, f := range res.Findings {
		if f.Code == "events-crc" {
			n++
		}
	}
	if n != maxPerCode || !strings.HasPrefix(find(t, res.Findings, "events-more").Msg, "5 more `events-crc`") {
		t.Errorf("%d events-crc findings; %v", n, res.Findings)
	}
}

// TestProgress: Progress is called with growing offsets and ends at the size.
func TestProgress(t *testing.T) {
	rec := record(summaryEvent(1, imageValue("pic", 100000)))
	var b []byte
	for range 200 { // 20 MB
		b = append(b, rec...)
	}
	var calls []int64
	Scan("x", bytes.NewReader(b), int64(len(b)), Options{Progress: func(done, total int64) {
		if total != int64(len(b)) {
			t.Errorf("total %d", total)
		}
		calls = append(calls, done)
	}})
	if len(calls) < 3 || !slices.IsSorted(calls) || calls[len(calls)-1] != int64(len(b)) {
		t.Errorf("progress calls %v", calls)
	}
}

// failingReader fails every read at or after byte at.
type failingReader struct {
	r  *bytes.Reader
	at int64
}

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.at {
		return 0, errors.New("disk on fire")
	}
	return f.r.ReadAt(p, off)
}

// TestReadError: a failing reader gives events-read-error, and a reader shorter than
// the size given gives one too, not a truncation.
func TestReadError(t *testing.T) {
	b := file(versionEvent(), summaryEvent(1, tensorValue("emb", "", contentTensor(seq(4, 0), 2, 2))))
	res := Scan("x", failingReader{bytes.NewReader(b), 10}, int64(len(b)), Options{})
	if f := find(t, res.Findings, "events-read-error"); f.Severity != Error || !strings.Contains(f.Msg, "disk on fire") {
		t.Errorf("finding %v", f)
	}
	res = Scan("x", bytes.NewReader(b[:50]), int64(len(b)), Options{})
	find(t, res.Findings, "events-read-error")
	if res := Scan("x", nil, 100, Options{}); !slices.Equal(findingCodes(res.Findings), []string{"events-read-error"}) {
		t.Errorf("nil reader: %v", res.Findings)
	}
	if res := Scan("x", bytes.NewReader(nil), 0, Options{}); findingCodes(res.Findings)[0] != "events-not-tfrecord" {
		t.Errorf("empty file: %v", res.Findings)
	}
}

// TestCodesDocumented: every code has a one-line meaning that starts with its severity
// or says what it is about.
func TestCodesDocumented(t *testing.T) {
	for c, m := range Codes {
		if m == "" || strings.Contains(m, "\n") || strings.ToLower(c) != c || strings.Contains(c, " ") {
			t.Errorf("code %q: %q", c, m)
		}
	}
}

// metaValue is a tensor Value whose SummaryMetadata is given serialized.
func metaValue(meta []byte) []byte {
	b := appendBytesField(nil, valTag, []byte("loss"))
	b = appendBytesField(b, valMetadata, meta)
	return appendBytesField(b, valTensor, contentTensor([]float32{1}))
}

// fastPathEdges are events at the edges of what the fast path accepts.
func fastPathEdges() [][]byte {
	scalars := appendBytesField(nil, mdPluginData, appendBytesField(nil, pdPluginName, []byte("scalars")))
	withClass := append(slices.Clone(scalars), 4<<3, 1) // data_class = SCALAR
	fieldZero := append(slices.Clone(scalars), 0, 1)    // field number 0: malformed
	bigStep := summaryEvent(1, scalarValue("loss", 1))
	bigStep = slices.Concat([]byte{evStep << 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, bigStep)
	overStep := slices.Concat([]byte{evStep << 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, summaryEvent(1))
	cutScalar := summaryEvent(1, scalarValue("loss", 1))
	cutScalar = appendBytesField(cutScalar[:len(cutScalar)-len(scalarValue("loss", 1))-4], evSummary,
		appendBytesField(nil, sumValue, scalarValue("loss", 1)[:14]))
	node := appendBytesField(appendBytesField(nil, valNodeName, []byte("n")), valHisto, []byte{})
	return [][]byte{
		summaryEvent(1, metaValue(scalars)),
		summaryEvent(1, metaValue(withClass)),
		summaryEvent(1, metaValue(fieldZero)),
		summaryEvent(1, metaValue(appendBytesField(nil, mdPluginData, appendBytesField(nil, pdPluginName, []byte("pr_curves"))))),
		summaryEvent(2, scalarValue("a", 1), imageValue("b", 3), tensorValue("c", "images", stringTensor([]string{"1", "1", "x"}, 3)), node),
		summaryEvent(3, scalarValue("a", 1), tensorValue("emb", "", contentTensor(seq(4, 0), 2, 2))),
		bigStep, overStep, cutScalar, summaryEvent(4),
	}
}

// TestFastPathEdges: on events at the edges of the fast path, Scan finds what it
// finds without it (scanBytes compares), with and without AnyPlugin.
func TestFastPathEdges(t *testing.T) {
	evs := fastPathEdges()
	b := file(append([][]byte{versionEvent()}, evs...)...)
	res := scanBytes(t, b, Options{})
	if res.Counts.Scalars != 6 || len(res.Embeddings) != 1 {
		t.Errorf("counts %+v, %d embeddings, findings %v", res.Counts, len(res.Embeddings), res.Findings)
	}
	scanBytes(t, b, Options{AnyPlugin: true})
	for _, ev := range evs {
		scanBytes(t, record(ev), Options{})
	}
}
