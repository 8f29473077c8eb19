package parse

import (
	"fmt"
	"math"
	"strings"
)

// load runs the pipeline (see candidate.go): gather the files, let every
// source offer candidates, choose one, build the Dataset from it.
func (l *loader) load(in []File) *Dataset {
	if len(in) == 0 {
		l.r.errorf(CodeNoFiles, "", 0, "Choose a tensor file.", "", "No file was given.")
		return nil
	}
	if !l.gather(in) {
		return nil
	}
	cands := l.offer()
	if l.r.blocking() {
		return nil
	}
	if len(cands) == 0 {
		l.r.errorf(CodeNoTensor, "", 0, "Add the tensor file.", "", "None of the files given holds vectors.")
		return nil
	}
	c := l.choose(cands)
	if c == nil {
		return nil
	}
	ds := l.build(c)
	if ds != nil && l.listed {
		ds.Embeddings, ds.Embedding = l.embeddings, l.chosen
	}
	return ds
}

// gather unpacks the files, classifies them and notes the placeholders
// (LFS pointers, saved web pages) and model files among them. It returns false
// when a file could not be read or unpacked.
func (l *loader) gather(in []File) bool {
	l.wrap = map[string]string{}
	l.files = l.expand(l.prepareStreams(in))
	if l.r.blocking() {
		return false
	}
	l.kinds = make([]Kind, len(l.files))
	for i, f := range l.files {
		if f.kind != "" {
			l.kinds[i] = f.kind
		} else {
			l.kinds[i] = Classify(f)
		}
	}
	l.notePlaceholders()
	return true
}

// notePlaceholders reports LFS pointers and saved web pages (warnings) and
// model files (info). Each becomes an error if it turns out to be the tensor
// or the metadata (see settleRoles).
func (l *loader) notePlaceholders() {
	l.placeholder = map[int]int{}
	for i, k := range l.kinds {
		f := l.files[i]
		switch k {
		case KindLFS:
			l.placeholder[i] = len(l.r.diags)
			l.r.warnf(CodeLFSPointer, f.Name, 1, "Run `git lfs pull` (or download the file from the LFS server) and use the real file.", "",
				"%s is a Git LFS pointer (%d bytes of text), not the data itself: %s.", f.Name, len(f.Data), quote(firstLine(f.Data)))
		case KindHTML:
			l.placeholder[i] = len(l.r.diags)
			l.r.warnf(CodeHTMLPage, f.Name, 1, "Download the raw file (on GitHub: the Raw button) instead of saving the web page.", "",
				"%s is an HTML web page, not data: the page around the file was saved instead of the file.", f.Name)
		case KindModel:
			l.placeholder[i] = len(l.r.diags)
			what, how := explainModel(f)
			l.r.add(Diagnostic{Severity: Info, Code: CodeModelFile, File: f.Name,
				Message: fmt.Sprintf("%s is %s, not a table of embeddings; it was not read.", f.Name, what), Fix: how})
		}
	}
}

// offer asks every source for its candidates, in order, and puts the
// event-file candidates last: a run's events come beside the files that
// were meant to be shown, not instead of them.
func (l *loader) offer() []*candidate {
	var cands []*candidate
	for _, s := range sources {
		cands = append(cands, s.offer(l, cands)...)
	}
	var events []*candidate
	out := cands[:0:0]
	for _, c := range cands {
		if c.source == "events" {
			events = append(events, c)
		} else {
			out = append(out, c)
		}
	}
	return append(out, events...)
}

// choose picks the candidate to show: the one Options.Embedding asks for, or,
// when that is the default and cannot be drawn, the first that can. It reports
// the chosen candidate's findings, the choice, and every other candidate that
// cannot be drawn (as warnings). It returns nil when the chosen one cannot be
// drawn.
func (l *loader) choose(cands []*candidate) *candidate {
	l.listed = len(cands) > 1 || cands[0].source != "files"
	for _, c := range cands {
		l.embeddings = append(l.embeddings, c.name)
		l.offers = append(l.offers, l.offerOf(c))
	}
	want := l.opts.Embedding
	if want < 0 || want >= len(cands) {
		l.r.warnf(CodeConfigEmbeddings, "", 0, "", "", "There are %d embeddings; there is no number %d, so the first was used.", len(cands), want+1)
		want = 0
	}
	pick := want
	if cands[pick].missing && want == 0 {
		if j := firstDrawable(cands); j >= 0 {
			pick = j
		}
	}
	l.chosen = pick
	c := cands[pick]
	for _, d := range c.diags {
		l.r.add(d)
	}
	l.noteChoice(cands, want, pick)
	if c.missing {
		l.offerOther(cands, pick)
		return nil
	}
	return c
}

// noteChoice says which of several embeddings is shown and reports every other
// one that cannot be drawn. Errors repeating one already reported (same code,
// file and fix: the tensors of a checkpoint whose data file is missing) are
// counted in one warning instead.
func (l *loader) noteChoice(cands []*candidate, want, pick int) {
	if len(cands) < 2 {
		return
	}
	why := ""
	if pick != want {
		why = fmt.Sprintf(", the first whose files are all here (%q is not drawable)", cands[want].name)
	}
	l.r.infof(CodeConfigEmbeddings, "", 0, "There are %d embeddings; showing %q%s (choose another with the embedding option).", len(cands), cands[pick].name, why)
	seen := map[string]int{}
	for _, d := range cands[pick].diags {
		seen[sameKey(d)] = 0
	}
	var same []Diagnostic
	for j, o := range cands {
		if j == pick || !o.missing {
			continue
		}
		for _, d := range o.diags {
			if d.Severity != Error {
				continue
			}
			if n, dup := seen[sameKey(d)]; dup {
				if n == 0 {
					same = append(same, d)
				}
				seen[sameKey(d)]++
				continue
			}
			seen[sameKey(d)] = -1
			d.Severity = Warning
			d.Message = fmt.Sprintf("Embedding %q cannot be shown: %s", o.name, d.Message)
			l.r.add(d)
		}
	}
	for _, d := range same {
		l.r.add(Diagnostic{Severity: Warning, Code: d.Code, File: d.File, Offset: d.Offset, Fix: d.Fix,
			Message: fmt.Sprintf("%s cannot be shown either, for the same reason.", plural(seen[sameKey(d)], "other embedding", "other embeddings"))})
	}
}

// sameKey identifies findings with one cause: code, file and fix.
func sameKey(d Diagnostic) string { return string(d.Code) + "\x00" + d.File + "\x00" + d.Fix }

// offerOther points the last error at another embedding that can be drawn.
func (l *loader) offerOther(cands []*candidate, pick int) {
	j := firstDrawable(cands)
	if j < 0 || j == pick {
		return
	}
	for i := len(l.r.diags) - 1; i >= 0; i-- {
		if d := &l.r.diags[i]; d.Severity == Error {
			d.Action = fmt.Sprintf("embedding=%d", j)
			d.Fix += fmt.Sprintf(" Or show the embedding %q, whose files are here.", cands[j].name)
			return
		}
	}
}

// offerOf describes c for Report.Offers.
func (l *loader) offerOf(c *candidate) Offer {
	o := Offer{Name: c.name, Source: c.source, Drawable: !c.missing}
	if c.tensor >= 0 {
		o.TensorFile = l.files[c.tensor].Name
	} else {
		o.TensorFile = c.file
	}
	if c.metadata >= 0 {
		o.MetadataFile = l.files[c.metadata].Name
	}
	return o
}

func firstDrawable(cands []*candidate) int {
	for j, c := range cands {
		if !c.missing {
			return j
		}
	}
	return -1
}

// build reads the chosen candidate and reconciles its parts into a Dataset.
func (l *loader) build(c *candidate) *Dataset {
	if !l.settleRoles(c) {
		return nil
	}
	m, ok := l.readMetadata(c)
	if !ok {
		return nil
	}
	t := l.readTensor(c, m)
	if t == nil || !l.dropTensorRows(t) {
		return nil
	}
	if m != nil && !l.reconcile(t, m) {
		return nil
	}
	if !l.cleanRows(t, m) {
		return nil
	}
	l.checkIdentical(t)
	return l.assemble(c, t, m)
}

// settleRoles applies the content checks and Options.Swap to the roles of c's
// files. It returns false when a placeholder stands where data is needed.
func (l *loader) settleRoles(c *candidate) bool {
	t, m := c.tensor, c.metadata
	if c.byContent && t >= 0 && m >= 0 && l.kinds[t] == KindText && (l.kinds[m] == KindTensorText || l.kinds[m] == KindBinary || l.kinds[m] == KindNpy) {
		l.r.warnf(CodeFilesSwapped, "", 0, "", "",
			"The config names %s as the tensor and %s as the metadata, but their contents say the opposite; they were used the other way round.",
			l.files[t].Name, l.files[m].Name)
		c.tensor, c.metadata = m, t
	}
	for _, i := range []int{c.tensor, c.metadata} {
		if d, ok := l.placeholder[i]; ok && i >= 0 {
			l.r.diags[d].Severity = Error
			return false
		}
	}
	if _, ok := l.placeholder[c.sprite]; ok && c.sprite >= 0 {
		c.sprite = -1 // the warning stands; points draw without thumbnails
	}
	if l.opts.Swap && c.metadata >= 0 && c.tensor >= 0 {
		c.tensor, c.metadata = c.metadata, c.tensor
		l.r.infof(CodeFilesSwapped, "", 0, "As asked, %s was read as the tensor and %s as the metadata.", l.files[c.tensor].Name, l.files[c.metadata].Name)
	}
	if l.opts.Shape != [2]int{} {
		c.shape = l.opts.Shape
	}
	return true
}

// readMetadata parses c's metadata file, if any; ok is false when it blocks.
func (l *loader) readMetadata(c *candidate) (m *metadata, ok bool) {
	if c.metadata < 0 {
		return nil, true
	}
	f := l.files[c.metadata]
	m = parseMetadata(f, l.opts, l.r)
	if m == nil {
		return nil, false
	}
	if l.r.step != nil {
		l.r.step.base = int64(len(f.Data))
	}
	return m, true
}

// shapeHint gathers what is known of the tensor's shape before reading it.
func (l *loader) shapeHint(c *candidate, m *metadata) shapeHint {
	h := shapeHint{shape: c.shape, fromOpts: l.opts.Shape != [2]int{}}
	if m == nil {
		return h
	}
	tf := l.files[c.tensor]
	h.metaRows, h.metaFile, h.metaMulti = m.n, m.file, !m.single
	if m.trailingBlank > 0 && c.shape[0] != m.n {
		h.metaRows = m.n - m.trailingBlank
		if c.shape[0] == 0 && l.kinds[c.tensor] == KindBinary && tf.size()%int64(4*max(m.n, 1)) == 0 {
			h.metaRows = m.n
		}
	}
	return h
}

// readTensor reads c's vectors by the tensor file's kind (or c.read).
func (l *loader) readTensor(c *candidate, m *metadata) *tensor {
	if c.read != nil {
		return c.read(l)
	}
	r, tf, hint := l.r, l.files[c.tensor], l.shapeHint(c, m)
	var t *tensor
	switch l.kinds[c.tensor] {
	case KindNpy:
		if low := strings.ToLower(tf.Name); strings.HasSuffix(low, ".bytes") || strings.HasSuffix(low, ".bin") {
			r.warnf(CodeBytesDtype, tf.Name, 0, "", "",
				"%s is a NumPy .npy file, not raw float32 .bytes (TensorBoard would read its header as numbers); it was read as .npy.", tf.Name)
		}
		t = parseNpy(tf, hint, l.opts, r)
	case KindNpz:
		t = parseNpz(tf.Name, tf.Data, hint, l.opts, r)
	case KindBinary:
		t = parseBytes(tf, hint, l.opts, r)
	case KindJSON:
		t = parseJSONRows(tf, l.opts, r)
		l.checkTextShape(t, tf.Name, hint)
	case KindCheckpoint:
		l.checkpointAsTensor(tf, hint)
		return nil
	case KindImage, KindConfig, KindModel, KindEvents:
		r.errorf(CodeNotATensor, tf.Name, 0, "Choose the tensor file.", "", "%s is a %s file, not a tensor.", tf.Name, l.kinds[c.tensor])
		return nil
	default:
		t = parseTextTensor(tf, l.opts, r)
		l.checkTextShape(t, tf.Name, hint)
	}
	if t != nil {
		l.checkBinaryShape(t, tf.Name, hint)
	}
	return t
}

// checkTextShape warns when a config's tensorShape disagrees with a text or
// JSON tensor.
func (l *loader) checkTextShape(t *tensor, name string, hint shapeHint) {
	if t == nil || hint.fromOpts {
		return
	}
	l.warnStatedShape(hint.shape, t, name)
}

// checkBinaryShape checks a .npy/.npz shape against the config's and numbers the rows of binary tensors.
func (l *loader) checkBinaryShape(t *tensor, name string, hint shapeHint) {
	if t.format != "bytes" && t.format != "npy" && t.format != "npz" {
		return
	}
	if t.format != "bytes" {
		l.warnStatedShape(hint.shape, t, name)
	}
	t.rows = make([]int32, t.n)
	for i := range t.rows {
		t.rows[i] = int32(i + 1)
	}
}

// warnStatedShape warns when stated, a config's tensorShape [N, D] (zeros when
// absent), disagrees with tensor t read from the file name, which states its
// own shape (its rows and columns, a .npy header): the file's shape is used.
func (l *loader) warnStatedShape(stated [2]int, t *tensor, name string) {
	if stated == [2]int{} || stated == [2]int{t.n, t.d} {
		return
	}
	msg := fmt.Sprintf("The config's tensorShape [%d, %d] does not match %s, which holds %d×%d; the file's shape was used.", stated[0], stated[1], name, t.n, t.d)
	switch {
	case stated[0] == t.d && stated[1] == t.n:
		msg = fmt.Sprintf("The config's tensorShape [%d, %d] is transposed: %s holds %d points of %d dimensions; the file's shape was used.", stated[0], stated[1], name, t.n, t.d)
	case stated == [2]int{1000, 50}:
		msg += " [1000, 50] is the template's example value."
	default:
		msg += " The config was probably written for other data (another run or export of the tensor)."
	}
	l.r.warnf(CodeShapeMismatch, name, 0, fmt.Sprintf("Correct tensorShape in the config to [%d, %d], or delete it (the file states its shape).", t.n, t.d), "", "%s", msg)
}

// dropTensorRows applies Options.DropTensorRows; false when no vector is left.
func (l *loader) dropTensorRows(t *tensor) bool {
	if l.opts.DropTensorRows <= 0 {
		return true
	}
	k := min(l.opts.DropTensorRows, t.n)
	t.vals = t.vals[k*t.d:]
	t.rows = t.rows[k:]
	for j := range t.labels {
		t.labels[j].Values = t.labels[j].Values[k:]
	}
	t.n -= k
	t.firstSeq = false
	l.r.infof(CodeTensorHeaderRow, t.file, 0, "Dropped the first %s of %s as asked.", plural(k, "row", "rows"), t.file)
	if t.n == 0 {
		l.r.errorf(CodeNonNumeric, t.file, 0, "", "", "%s has no vectors left after dropping %d rows.", t.file, k)
		return false
	}
	return true
}

// checkIdentical warns when every point is the same vector: the projections
// then have nothing to show. All-zero points are zero-vector's business.
func (l *loader) checkIdentical(t *tensor) {
	if t.n < 2 || allZero(t.vals[:t.d]) {
		return
	}
	first := t.vals[:t.d]
	for i := 1; i < t.n; i++ {
		row := t.vals[i*t.d : (i+1)*t.d]
		for j, v := range row {
			if math.Float32bits(v) != math.Float32bits(first[j]) {
				return
			}
		}
	}
	l.r.warnf(CodePointsIdentical, t.file, 0, "Check that the right tensor was exported (e.g. not an untrained layer or a constant).", "",
		"All %d points of %s are the same vector (%s): PCA and t-SNE have nothing to separate and would draw noise.", t.n, t.file, vectorText(first))
}

// vectorText writes the first values of a vector briefly.
func vectorText(v []float32) string {
	var b strings.Builder
	b.WriteByte('[')
	for j, x := range v[:min(len(v), 4)] {
		if j > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%g", x)
	}
	if len(v) > 4 {
		b.WriteString(", …")
	}
	b.WriteByte(']')
	return b.String()
}

// assemble makes the Dataset of a read and reconciled candidate.
func (l *loader) assemble(c *candidate, t *tensor, m *metadata) *Dataset {
	ds := &Dataset{N: t.n, D: t.d, Vectors: t.vals, Format: t.format, TensorFile: t.file, Rows: t.rows}
	if len(t.dimNames) == t.d {
		ds.DimNames = t.dimNames
	}
	ds.Compression = l.wrap[t.file]
	if t.format != "bytes" && t.format != "npy" && t.format != "npz" {
		ds.Delimiter = delimiterName(t.delim)
	}
	ds.Columns = t.labels
	if m != nil {
		ds.MetadataFile, ds.Columns = m.file, m.cols
		if len(t.labels) > 0 {
			l.r.infof(CodeTensorLabelColumn, t.file, 0, "The label columns inside %s were ignored: the labels come from %s.", t.file, m.file)
		}
	}
	if c.bookmarks >= 0 {
		ds.BookmarksFile = l.files[c.bookmarks].Name
		ds.Bookmarks = l.files[c.bookmarks].Data
	}
	if c.sprite >= 0 {
		ds.Sprite = l.sprite(l.files[c.sprite], c.cellDim, ds.N)
	}
	return ds
}
