package tfevents

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// tbPlugins are the plugins TensorBoard ships: their tensors are scalars, images,
// curves, histograms… and are embeddings only with Options.AnyPlugin.
var tbPlugins = map[string]bool{
	"scalars": true, "images": true, "audio": true, "histograms": true, "distributions": true,
	"text": true, "pr_curves": true, "hparams": true, "mesh": true, "custom_scalars": true,
	"graphs": true, "graph_keras_model": true, "graph_run_metadata": true,
	"graph_run_metadata_graph": true, "graph_tagged_run_metadata": true, "timeseries": true,
	"npmi": true, "profile": true, "debugger-v2": true,
}

// event handles one record's Event.
func (s *scanner) event(data []byte, off int64) {
	ev, err := decodeEvent(data, false)
	if err != nil {
		s.malformed(off, err)
		return
	}
	if ev.summary == nil {
		s.countEvent(ev.graphs)
		return
	}
	r := reader{b: ev.summary}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		if num == sumValue && typ == protowire.BytesType {
			s.value(r.bytes(), &ev, off)
		} else {
			r.skip(num, typ)
		}
	}
	if r.err != nil {
		s.malformed(off, r.err)
	}
}

// malformed reports a record that is not a valid Event.
func (s *scanner) malformed(off int64, err error) {
	s.add(Warning, "events-malformed", off, "the record at byte %d is not a valid TensorBoard Event (%v); it was skipped", off, err)
}

// countEvent counts an event without a summary.
func (s *scanner) countEvent(graphs int) {
	if graphs > 0 {
		s.res.Counts.Graphs++
	} else {
		s.res.Counts.Other++
	}
}

// count counts one Summary.Value by kind and, for tensors, plugin.
func (s *scanner) count(kind valueKind, plugin string) {
	c := &s.res.Counts
	switch kind {
	case kindScalar:
		c.Scalars++
	case kindImage:
		c.Images++
	case kindHisto:
		c.Histograms++
	case kindAudio:
		c.Audio++
	case kindTensor:
		s.countTensor(plugin)
	default:
		c.Other++
	}
}

// countTensor counts a tensor summary by its plugin.
func (s *scanner) countTensor(plugin string) {
	c := &s.res.Counts
	switch plugin {
	case "scalars":
		c.Scalars++
	case "images":
		c.Images++
	case "histograms", "distributions":
		c.Histograms++
	case "audio":
		c.Audio++
	case "text":
		c.Text++
	default:
		c.Tensors++
	}
}

// value handles one Summary.Value of an event.
func (s *scanner) value(b []byte, ev *event, off int64) {
	v, err := decodeValue(b, false)
	if err != nil {
		s.malformed(off, err)
		return
	}
	if v.kind != kindTensor {
		s.count(v.kind, "")
		return
	}
	plugin := pluginName(v.meta, false)
	s.countTensor(plugin)
	emb, lab := s.wanted(plugin)
	if !emb && !lab {
		return
	}
	h, err := decodeTensorHeader(v.tensor, false)
	if err != nil {
		s.malformed(off, err)
		return
	}
	switch {
	case h.dtype%dtRefOffset == dtString && lab && !h.unknownRank:
		s.labels(&v, &h, plugin, ev, off)
	case len(h.dims) == 2 && h.dtype%dtRefOffset != dtString && emb:
		s.embedding(&v, &h, plugin, ev, off)
	}
}

// wanted says whether tensors of plugin may be embeddings and may be labels.
func (s *scanner) wanted(plugin string) (emb, lab bool) {
	if s.opts.AnyPlugin {
		return true, plugin != "images" && plugin != "audio"
	}
	return plugin == "" || !tbPlugins[plugin], plugin == "" || plugin == "text"
}

// embedding decodes a rank-2 tensor summary into Result.Embeddings.
func (s *scanner) embedding(v *value, h *tensorHeader, plugin string, ev *event, off int64) {
	tag, rows, cols, shape := string(v.tag), h.dims[0], h.dims[1], shapeString(h.dims)
	dname, esize, ok := floatDType(h.dtype)
	switch {
	case !ok:
		s.add(Warning, "events-dtype", off, "the rank-2 tensor `%s` %s at byte %d (step %d) holds %s values; only float32, float64, float16 and bfloat16 can be projected", tag, shape, off, ev.step, dtypeName(h.dtype))
		return
	case rows < 0 || cols < 0:
		s.add(Warning, "events-tensor-shape", off, "the tensor `%s` at byte %d (step %d) has an unknown or invalid shape %s; it was skipped", tag, off, ev.step, shape)
		return
	case rows == 0 || cols == 0:
		s.add(Info, "events-empty-tensor", off, "the tensor `%s` at byte %d (step %d) has shape %s: no values to show", tag, off, ev.step, shape)
		return
	case rows > s.opts.MaxTensorBytes/4/cols:
		s.add(Warning, "events-tensor-too-large", off, "the tensor `%s` %s at byte %d needs more than the limit of %d bytes as float32; it was skipped", tag, shape, off, s.opts.MaxTensorBytes)
		return
	}
	vals := s.floats(v, h, tag, rows*cols, esize, off)
	if vals == nil {
		return
	}
	s.res.Embeddings = append(s.res.Embeddings, Tensor{Tag: tag, Plugin: plugin, Step: ev.step, WallTime: ev.wall,
		Rows: int(rows), Cols: int(cols), DType: dname, Values: vals, File: s.name, Offset: off})
}

// floats returns the elems values of a float tensor (elems × 4 is within the limit),
// or nil after a finding when they are not all there.
func (s *scanner) floats(v *value, h *tensorHeader, tag string, elems int64, esize int, off int64) []float32 {
	shape := shapeString(h.dims)
	if len(h.content) > 0 {
		if int64(len(h.content))/int64(esize) != elems || len(h.content)%esize != 0 {
			s.add(Warning, "events-tensor-shape", off, "the tensor `%s` %s at byte %d needs %d values (%d bytes) but its tensor_content holds %d bytes; it was skipped", tag, shape, off, elems, elems*int64(esize), len(h.content))
			return nil
		}
		return fromContent(h.content, h.dtype, int(elems))
	}
	field, n := h.repeatedField()
	switch {
	case int64(n) == elems:
		return fromRepeated(v.tensor, h.dtype, field, n)
	case n == 1 && elems*4 <= s.size:
		one := fromRepeated(v.tensor, h.dtype, field, 1)[0]
		vals := make([]float32, elems)
		for i := range vals {
			vals[i] = one
		}
		return vals
	case n == 1:
		s.add(Warning, "events-tensor-too-large", off, "the tensor `%s` %s at byte %d stores one value to be repeated %d times (TensorProto's broadcast rule), more than the file's size allows; it was skipped", tag, shape, off, elems)
	case n == 0:
		s.add(Warning, "events-tensor-shape", off, "the tensor `%s` %s at byte %d stores no values (TensorFlow would read zeros); it was skipped", tag, shape, off)
	default:
		s.add(Warning, "events-tensor-shape", off, "the tensor `%s` %s at byte %d needs %d values but stores %d; it was skipped", tag, shape, off, elems, n)
	}
	return nil
}

// labels decodes a string tensor summary into Result.Labels when it is one column.
func (s *scanner) labels(v *value, h *tensorHeader, plugin string, ev *event, off int64) {
	tag, dims := string(v.tag), h.dims
	limit := int64(len(v.tensor)) + 1 // no tensor stores more strings than it has bytes
	elems := int64(1)
	for _, d := range dims {
		if d < 0 {
			s.add(Warning, "events-tensor-shape", off, "the text `%s` at byte %d has an invalid shape %s; it was skipped", tag, off, shapeString(dims))
			return
		}
		if d != 0 && elems > limit/d {
			s.add(Warning, "events-tensor-shape", off, "the text `%s` at byte %d has shape %s, more strings than its %d bytes can hold; it was skipped", tag, off, shapeString(dims), len(v.tensor))
			return
		}
		elems *= d
	}
	oneColumn := len(dims) == 1 || len(dims) == 2 && dims[1] == 1
	if !oneColumn && elems != 1 || elems == 0 {
		return // a table (or nothing): shown by the text plugin, not one label column
	}
	vals := s.strings(v, h, tag, elems, off)
	if vals == nil {
		return
	}
	if len(vals) == 1 && strings.Contains(vals[0], "\n") {
		vals = splitLines(vals[0])
		s.add(Info, "events-labels-several-lines", off, "the text `%s` at byte %d (step %d) is one string of %d lines; each line was taken as one label", tag, off, ev.step, len(vals))
	}
	s.res.Labels = append(s.res.Labels, Labels{Tag: tag, Plugin: plugin, Step: ev.step, WallTime: ev.wall,
		Values: vals, File: s.name, Offset: off})
}

// strings returns the elems strings of a DT_STRING tensor, or nil after a finding.
func (s *scanner) strings(v *value, h *tensorHeader, tag string, elems int64, off int64) []string {
	if h.nString == 0 && len(h.content) > 0 {
		if vals, ok := stringContent(h.content, elems); ok {
			return vals
		}
		s.add(Warning, "events-tensor-shape", off, "the text `%s` %s at byte %d: its tensor_content is not %d encoded strings; it was skipped", tag, shapeString(h.dims), off, elems)
		return nil
	}
	if int64(h.nString) != elems {
		s.add(Warning, "events-tensor-shape", off, "the text `%s` %s at byte %d needs %d strings but stores %d; it was skipped", tag, shapeString(h.dims), off, elems, h.nString)
		return nil
	}
	return stringVals(v.tensor, h.nString)
}

// splitLines splits text into lines (LF or CRLF); a final newline ends the last line.
func splitLines(text string) []string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// shapeString formats dimensions as "[100, 784]".
func shapeString(dims []int64) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = strconv.FormatInt(d, 10)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// dtypeName names a DataType for messages.
func dtypeName(dt int) string {
	names := map[int]string{3: "int32", 4: "uint8", 5: "int16", 6: "int8", 7: "string", 8: "complex64",
		9: "int64", 10: "bool", 17: "uint16", 18: "complex128", 22: "uint32", 23: "uint64"}
	if n, ok := names[dt%dtRefOffset]; ok {
		return n
	}
	return fmt.Sprintf("DataType %d", dt)
}

// summarize adds the closing findings: what was left out, and what the file held
// when it held no embedding.
func (s *scanner) summarize() {
	codes := make([]string, 0, len(s.perCode))
	for c, n := range s.perCode {
		if n > maxPerCode {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	for _, c := range codes {
		s.res.Findings = append(s.res.Findings, Finding{Severity: Info, Code: "events-more", File: s.name, Offset: -1,
			Msg: fmt.Sprintf("%d more `%s` findings were left out", s.perCode[c]-maxPerCode, c)})
	}
	if len(s.res.Embeddings) > 0 || s.perCode["events-not-tfrecord"] > 0 || s.perCode["events-read-error"] > 0 {
		return
	}
	s.res.Findings = append(s.res.Findings, Finding{Severity: Info, Code: "events-no-embedding", File: s.name, Offset: -1,
		Msg: "this events file holds no embedding (no rank-2 float tensor summary); it holds " + s.res.Counts.Describe()})
}

// Describe lists the non-zero counts, e.g. "6 scalars, 6 images and 1 other event"
// ("nothing" when all are zero).
func (c Counts) Describe() string {
	var parts []string
	for _, k := range []struct {
		n           int
		one, plural string
	}{
		{c.Scalars, "scalar", "scalars"}, {c.Images, "image", "images"}, {c.Histograms, "histogram", "histograms"},
		{c.Audio, "audio clip", "audio clips"}, {c.Text, "text summary", "text summaries"},
		{c.Tensors, "other tensor summary", "other tensor summaries"}, {c.Graphs, "graph", "graphs"},
		{c.Other, "other event", "other events"},
	} {
		switch {
		case k.n == 1:
			parts = append(parts, "1 "+k.one)
		case k.n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", k.n, k.plural))
		}
	}
	switch len(parts) {
	case 0:
		return "nothing"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
