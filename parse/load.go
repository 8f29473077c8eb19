package parse

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Kind is what a file holds, judged by its content (magic bytes, text shape) and,
// only where content cannot tell, by its name.
type Kind string

// Kinds of files.
const (
	KindUnknown    Kind = "unknown"
	KindConfig     Kind = "config"     // projector_config.json / .pbtxt
	KindCheckpoint Kind = "checkpoint" // TensorFlow checkpoint files
	KindNpy        Kind = "npy"
	KindNpz        Kind = "npz"
	KindImage      Kind = "image" // PNG, JPEG, GIF (sprite)
	KindLFS        Kind = "lfs-pointer"
	KindHTML       Kind = "html"
	KindBinary     Kind = "bytes"    // raw floats
	KindTensorText Kind = "tensor"   // numeric delimited text
	KindText       Kind = "metadata" // other text: labels
	KindJSON       Kind = "json"     // JSON that is not a config: rows of vectors, or bookmarks
)

// Classify says what a file holds by its content. It reads at most the first 64 KiB.
func Classify(f File) Kind {
	data := f.Data
	lower := strings.ToLower(path.Base(f.Name))
	switch {
	case looksLFS(data):
		return KindLFS
	case bytes.HasPrefix(data, npyMagic):
		return KindNpy
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return KindNpz
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(data, []byte("GIF8")):
		return KindImage
	case strings.Contains(lower, ".ckpt") || strings.Contains(lower, ".data-0") || strings.HasSuffix(lower, ".index"):
		return KindCheckpoint
	case strings.Contains(lower, "tfevents") || strings.HasSuffix(lower, ".pb") || strings.HasSuffix(lower, ".h5") || strings.HasSuffix(lower, ".pkl"):
		return KindUnknown // TensorBoard event logs, saved models, pickles: not readable here
	case lower == "checkpoint" && bytes.Contains(data[:min(len(data), 4096)], []byte("model_checkpoint_path")):
		return KindCheckpoint
	}
	if looksHTML(data) {
		return KindHTML
	}
	head := bytes.TrimLeft(data[:min(len(data), 65536)], " \t\r\n\xef\xbb\xbf")
	if strings.HasSuffix(lower, ".pbtxt") || bytes.HasPrefix(head, []byte("embeddings {")) || bytes.HasPrefix(head, []byte("embeddings{")) {
		return KindConfig
	}
	if len(head) > 0 && head[0] == '[' && json.Valid(bytes.TrimSpace(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}))) {
		return KindJSON
	}
	if strings.HasSuffix(lower, ".json") || strings.HasSuffix(lower, ".jsonl") || (len(head) > 0 && head[0] == '{') {
		if bytes.Contains(head, []byte(`"embeddings"`)) {
			return KindConfig
		}
		if len(head) > 0 && (head[0] == '{' || head[0] == '[') {
			return KindJSON
		}
	}
	if looksBinary(data) {
		return KindBinary
	}
	if textLooksNumeric(data) {
		return KindTensorText
	}
	return KindText
}

// textLooksNumeric reports whether the first lines of a text split into at least two
// fields that are numbers (apart from a first column and a first line, which may be
// labels and a header).
func textLooksNumeric(data []byte) bool {
	data = bytes.TrimPrefix(data[:min(len(data), 65536)], []byte{0xEF, 0xBB, 0xBF})
	lr := lineReader{data: data}
	var sample [][]byte
	for len(sample) < 32 {
		l, ok := lr.next()
		if !ok {
			break
		}
		if !isBlank(l) {
			sample = append(sample, l)
		}
	}
	if len(sample) > 1 && lr.pos < len(data) {
		sample = sample[:len(sample)-1] // the last line may be cut
	}
	if len(sample) == 0 {
		return false
	}
	delim := sniffDelimiter(sample)
	if delim == 0 {
		return false
	}
	rows := sample
	if len(rows) > 1 {
		rows = rows[1:]
	}
	num, cells := 0, 0
	var buf []string
	for _, l := range rows {
		buf = splitFields(l, delim, buf[:0])
		for j, c := range buf {
			if j == 0 && len(buf) > 2 {
				continue
			}
			cells++
			if isNum(c) {
				num++
			} else if _, ok := parseList(c, nil); ok {
				num++
			}
		}
	}
	return cells > 0 && num*10 >= cells*8 && cells >= len(rows)
}

// Load reads the files as one dataset: a tensor file and an optional metadata
// file, or a config (projector_config.json / .pbtxt) with the files it names, or
// a folder or .zip of these, each possibly .gz or .zst compressed. Roles are
// decided by content (see Classify), so misnamed or swapped files still load.
// opts carries the user's one-click fixes (see Options.Apply).
//
// The Dataset is nil exactly when the Report is Blocking(). Load never panics on
// bad input and never allocates more than the bytes given can justify (bounded
// by opts.MaxBytes).
func Load(files []File, opts Options) (ds *Dataset, rep Report) {
	return load(files, opts, nil)
}

// load is Load, time-sliced by step when it is not nil.
func load(files []File, opts Options, step *Stepper) (ds *Dataset, rep Report) {
	r := &reporter{step: step}
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(stepCanceled); ok {
				r.errorf(CodeCanceled, "", 0, "", "", "Loading was canceled.")
			} else {
				r.errorf(CodeInternal, "", 0, "Please report this file.", "", "The reader failed unexpectedly: %v.", p)
			}
			ds = nil
		}
		rep.Diagnostics = r.diags
		if rep.Diagnostics == nil {
			rep.Diagnostics = []Diagnostic{}
		}
		if rep.Blocking() {
			ds = nil
		}
	}()
	l := &loader{opts: opts, r: r}
	ds = l.load(files)
	rep.Embeddings = l.embeddings
	return ds, rep
}

type loader struct {
	opts        Options
	placeholder map[int]int // file index -> index of its lfs-pointer/html-page diagnostic
	r           *reporter
	files       []File
	kinds       []Kind
	wrap        map[string]string // file name -> compression it came out of
	embeddings  []string
}

func (l *loader) load(in []File) *Dataset {
	r := l.r
	if len(in) == 0 {
		r.errorf(CodeNoFiles, "", 0, "Choose a tensor file.", "", "No file was given.")
		return nil
	}
	l.wrap = map[string]string{}
	l.files = l.expand(l.prepareStreams(in))
	if r.blocking() {
		return nil
	}
	l.kinds = make([]Kind, len(l.files))
	for i, f := range l.files {
		if f.kind != "" {
			l.kinds[i] = f.kind
		} else {
			l.kinds[i] = Classify(f)
		}
	}
	// Placeholders (LFS pointers, saved web pages) are warnings until one of them
	// turns out to be the tensor or the metadata, which makes it an error.
	l.placeholder = map[int]int{}
	for i, k := range l.kinds {
		f := l.files[i]
		switch k {
		case KindLFS:
			l.placeholder[i] = len(r.diags)
			r.warnf(CodeLFSPointer, f.Name, 1, "Run `git lfs pull` (or download the file from the LFS server) and use the real file.", "",
				"%s is a Git LFS pointer (%d bytes of text), not the data itself: %s.", f.Name, len(f.Data), quote(firstLine(f.Data)))
		case KindHTML:
			l.placeholder[i] = len(r.diags)
			r.warnf(CodeHTMLPage, f.Name, 1, "Download the raw file (on GitHub: the Raw button) instead of saving the web page.", "",
				"%s is an HTML web page, not data: the page around the file was saved instead of the file.", f.Name)
		}
	}

	ds := &Dataset{}
	tIdx, mIdx, sIdx, bIdx := -1, -1, -1, -1
	var shape [2]int
	var cellDim []int
	cfgIdx := -1
	for i, k := range l.kinds {
		if k == KindConfig && (cfgIdx < 0 || strings.Count(l.files[i].Name, "/") < strings.Count(l.files[cfgIdx].Name, "/")) {
			cfgIdx = i
		}
	}
	if cfgIdx >= 0 {
		for i, k := range l.kinds {
			if k == KindConfig && i != cfgIdx {
				r.infof(CodeExtraFile, l.files[i].Name, 0, "%s was not used: %s is the config nearest the top of the folder.", l.files[i].Name, l.files[cfgIdx].Name)
			}
		}
		cf := l.files[cfgIdx]
		var cfg *Config
		var err error
		if strings.HasSuffix(strings.ToLower(cf.Name), ".json") || bytes.HasPrefix(bytes.TrimLeft(cf.Data, " \t\r\n\xef\xbb\xbf"), []byte("{")) {
			cfg, err = ParseConfigJSON(cf.Data)
		} else {
			cfg, err = ParseConfigPbtxt(cf.Data)
		}
		if err != nil {
			d := r.add(Diagnostic{Severity: Error, Code: CodeConfigSyntax, File: cf.Name, Message: fmt.Sprintf("%s cannot be read: %v.", cf.Name, err), Fix: "Correct the config, or drop the tensor and metadata files without it."})
			if ce, ok := err.(*ConfigError); ok {
				d.Line, d.Column = ce.Line, ce.Column
			}
			return nil
		}
		if len(cfg.Embeddings) == 0 {
			r.errorf(CodeConfigSyntax, cf.Name, 0, "", "", "%s lists no embeddings.", cf.Name)
			return nil
		}
		for i, e := range cfg.Embeddings {
			name := e.TensorName
			if name == "" {
				name = fmt.Sprintf("embedding %d", i+1)
			}
			l.embeddings = append(l.embeddings, name)
		}
		ei := l.opts.Embedding
		if ei < 0 || ei >= len(cfg.Embeddings) {
			r.warnf(CodeConfigEmbeddings, cf.Name, 0, "", "", "%s has %d embeddings; there is no number %d, so the first was used.", cf.Name, len(cfg.Embeddings), ei+1)
			ei = 0
		}
		if len(cfg.Embeddings) > 1 {
			r.infof(CodeConfigEmbeddings, cf.Name, 0, "%s offers %d embeddings; showing %q (choose another with the embedding option).", cf.Name, len(cfg.Embeddings), l.embeddings[ei])
		}
		ds.Embeddings, ds.Embedding = l.embeddings, ei
		e := cfg.Embeddings[ei]
		dir := path.Dir(cf.Name)
		if e.TensorPath == "" {
			ck := cfg.ModelCheckpointPath
			if ck == "" {
				ck = "a TensorFlow checkpoint"
			}
			r.errorf(CodeCheckpointUnsupported, cf.Name, 0, "Export the tensor to a TSV or .npy file (e.g. with numpy.savetxt) and add tensor_path.", "",
				"Embedding %q of %s has no tensor path: its values live in %s, which cannot be read in the browser.", e.TensorName, cf.Name, ck)
			return nil
		}
		tIdx = l.resolve(cf.Name, dir, "tensorPath", e.TensorPath, true)
		if e.MetadataPath != "" {
			mIdx = l.resolve(cf.Name, dir, "metadataPath", e.MetadataPath, false)
		}
		if e.BookmarksPath != "" {
			bIdx = l.resolve(cf.Name, dir, "bookmarksPath", e.BookmarksPath, false)
		}
		if e.Sprite != nil && e.Sprite.ImagePath != "" {
			sIdx = l.resolve(cf.Name, dir, "sprite.imagePath", e.Sprite.ImagePath, false)
			cellDim = e.Sprite.SingleImageDim
		}
		if len(e.TensorShape) == 2 {
			shape = [2]int{e.TensorShape[0], e.TensorShape[1]}
		} else if len(e.TensorShape) != 0 {
			r.warnf(CodeShapeMismatch, cf.Name, 0, "", "", "tensorShape in %s has %d numbers; it needs two, [N, D]. It was ignored.", cf.Name, len(e.TensorShape))
		}
		if tIdx < 0 {
			// Offer another embedding of the config whose tensor file is here.
			for j, o := range cfg.Embeddings {
				if j == ei || o.TensorPath == "" {
					continue
				}
				quiet := &reporter{}
				saved := l.r
				l.r = quiet
				k := l.resolve(cf.Name, dir, "tensorPath", o.TensorPath, true)
				l.r = saved
				if k >= 0 {
					for i := len(r.diags) - 1; i >= 0; i-- {
						if r.diags[i].Severity == Error {
							r.diags[i].Action = fmt.Sprintf("embedding=%d", j)
							r.diags[i].Fix += fmt.Sprintf(" Or show the embedding %q, whose tensor %s is here.", l.embeddings[j], l.files[k].Name)
							break
						}
					}
					break
				}
			}
			return nil
		}
		// Config roles swapped by content?
		if mIdx >= 0 && l.kinds[tIdx] == KindText && (l.kinds[mIdx] == KindTensorText || l.kinds[mIdx] == KindBinary || l.kinds[mIdx] == KindNpy) {
			r.warnf(CodeFilesSwapped, cf.Name, 0, "", "",
				"%s names %s as the tensor and %s as the metadata, but their contents say the opposite; they were used the other way round.",
				cf.Name, l.files[tIdx].Name, l.files[mIdx].Name)
			tIdx, mIdx = mIdx, tIdx
		}
	} else {
		tIdx, mIdx, sIdx = l.rolesByContent()
		if tIdx < 0 {
			return nil
		}
	}
	for _, i := range []int{tIdx, mIdx} {
		if d, ok := l.placeholder[i]; ok && i >= 0 {
			r.diags[d].Severity = Error
			return nil
		}
	}
	if _, ok := l.placeholder[sIdx]; ok && sIdx >= 0 {
		sIdx = -1 // the warning stands; points draw without thumbnails
	}
	if l.opts.Swap && mIdx >= 0 {
		tIdx, mIdx = mIdx, tIdx
		r.infof(CodeFilesSwapped, "", 0, "As asked, %s was read as the tensor and %s as the metadata.", l.files[tIdx].Name, l.files[mIdx].Name)
	}
	if l.opts.Shape != [2]int{} {
		shape = l.opts.Shape
	}

	// Metadata first: its row count may give the shape of a raw tensor.
	var m *metadata
	if mIdx >= 0 {
		m = parseMetadata(l.files[mIdx], l.opts, r)
		if m == nil {
			return nil
		}
		if r.step != nil {
			r.step.base = int64(len(l.files[mIdx].Data))
		}
	}
	tf := l.files[tIdx]
	hint := shapeHint{shape: shape, fromOpts: l.opts.Shape != [2]int{}}
	if m != nil {
		hint.metaRows = m.n
		if m.trailingBlank > 0 && shape[0] != m.n {
			hint.metaRows = m.n - m.trailingBlank
			if shape[0] == 0 && l.kinds[tIdx] == KindBinary && tf.size()%int64(4*max(m.n, 1)) == 0 {
				hint.metaRows = m.n
			}
		}
		hint.metaMulti = !m.single
	}
	var t *tensor
	switch l.kinds[tIdx] {
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
	case KindImage, KindConfig, KindCheckpoint:
		r.errorf(CodeNotATensor, tf.Name, 0, "Choose the tensor file.", "", "%s is a %s file, not a tensor.", tf.Name, l.kinds[tIdx])
		return nil
	default:
		t = parseTextTensor(tf, l.opts, r)
		if t != nil && shape != [2]int{} && (shape[0] != t.n || shape[1] != t.d) && !hint.fromOpts {
			msg := fmt.Sprintf("The config's tensorShape [%d, %d] does not match %s, which holds %d×%d; the file's shape was used.", shape[0], shape[1], tf.Name, t.n, t.d)
			if shape == [2]int{1000, 50} {
				msg += " [1000, 50] is the template's example value."
			}
			if shape[0] == t.d && shape[1] == t.n {
				msg = fmt.Sprintf("The config's tensorShape [%d, %d] is transposed: %s holds %d points of %d dimensions.", shape[0], shape[1], tf.Name, t.n, t.d)
			}
			r.warnf(CodeShapeMismatch, tf.Name, 0, "Correct tensorShape in the config.", "", "%s", msg)
		}
	}
	if t == nil {
		return nil
	}
	if t.format == "bytes" || t.format == "npy" || t.format == "npz" {
		if hint.shape != [2]int{} && (t.n != hint.shape[0] || t.d != hint.shape[1]) && t.format != "bytes" {
			r.warnf(CodeShapeMismatch, tf.Name, 0, "Correct tensorShape in the config.", "",
				"The tensorShape [%d, %d] does not match %s, which holds %d×%d; the file's shape was used.", hint.shape[0], hint.shape[1], tf.Name, t.n, t.d)
		}
		t.rows = make([]int32, t.n)
		for i := range t.rows {
			t.rows[i] = int32(i + 1)
		}
	}
	if l.opts.DropTensorRows > 0 {
		k := min(l.opts.DropTensorRows, t.n)
		t.vals = t.vals[k*t.d:]
		t.rows = t.rows[k:]
		for j := range t.labels {
			t.labels[j].Values = t.labels[j].Values[k:]
		}
		t.n -= k
		t.firstSeq = false
		r.infof(CodeTensorHeaderRow, tf.Name, 0, "Dropped the first %s of %s as asked.", plural(k, "row", "rows"), tf.Name)
		if t.n == 0 {
			r.errorf(CodeNonNumeric, tf.Name, 0, "", "", "%s has no vectors left after dropping %d rows.", tf.Name, k)
			return nil
		}
	}

	// Reconcile counts.
	if m != nil && !l.reconcile(t, m) {
		return nil
	}

	// Non-finite and all-zero points, before any computation.
	if !l.cleanRows(t, m) {
		return nil
	}

	ds.N, ds.D, ds.Vectors = t.n, t.d, t.vals
	ds.Format = t.format
	ds.TensorFile = tf.Name
	ds.Compression = l.wrap[tf.Name]
	ds.Delimiter = delimiterName(t.delim)
	if t.format == "bytes" || t.format == "npy" || t.format == "npz" {
		ds.Delimiter = ""
	}
	ds.Rows = t.rows
	if m != nil {
		ds.MetadataFile = m.file
		ds.Columns = m.cols
		if len(t.labels) > 0 {
			r.infof(CodeTensorLabelColumn, tf.Name, 0, "The label columns inside %s were ignored: the labels come from %s.", tf.Name, m.file)
		}
	} else {
		ds.Columns = t.labels
	}
	if bIdx >= 0 {
		ds.BookmarksFile = l.files[bIdx].Name
		ds.Bookmarks = l.files[bIdx].Data
	}
	if sIdx >= 0 {
		ds.Sprite = l.sprite(l.files[sIdx], cellDim, ds.N)
	}
	return ds
}

func firstLine(b []byte) string {
	lr := lineReader{data: b}
	line, _ := lr.next()
	return string(line)
}

// expand unpacks .gz and .zst wrappers (by magic) and .zip archives (not .npz ones).
func (l *loader) expand(in []File) []File {
	var out []File
	limit := l.opts.maxBytes()*2 + 1<<20
	queue := append([]File(nil), in...)
	depth := map[string]int{}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if depth[f.Name] > 3 {
			out = append(out, f)
			continue
		}
		var kind string
		var rd io.Reader
		name := f.Name
		switch {
		case bytes.HasPrefix(f.Data, []byte{0x1f, 0x8b}):
			gz, err := gzip.NewReader(bytes.NewReader(f.Data))
			if err != nil {
				l.r.errorf(CodeArchiveBroken, f.Name, 0, "", "", "%s starts like gzip but cannot be opened: %v.", f.Name, err)
				continue
			}
			gz.Multistream(true)
			kind, rd = "gzip", gz
			name = trimSuffixFold(trimSuffixFold(name, ".gz"), ".gzip")
		case bytes.HasPrefix(f.Data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
			// Output is bounded by the LimitReader below; the window (history memory) by 128 MiB.
			zd, err := zstd.NewReader(bytes.NewReader(f.Data), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20), zstd.WithDecoderLowmem(true))
			if err != nil {
				l.r.errorf(CodeArchiveBroken, f.Name, 0, "", "", "%s starts like zstd but cannot be opened: %v.", f.Name, err)
				continue
			}
			defer zd.Close()
			kind, rd = "zstd", zd
			name = trimSuffixFold(trimSuffixFold(name, ".zst"), ".zstd")
		case bytes.HasPrefix(f.Data, []byte("PK\x03\x04")) && !strings.HasSuffix(strings.ToLower(f.Name), ".npz"):
			files, ok := l.unzip(f, limit)
			if !ok {
				out = append(out, f) // maybe an .npz under another name
				continue
			}
			for _, z := range files {
				depth[z.Name] = depth[f.Name] + 1
				l.wrap[z.Name] = "zip"
			}
			queue = append(queue, files...)
			continue
		default:
			out = append(out, f)
			continue
		}
		var buf bytes.Buffer
		n, err := copyTicking(&buf, io.LimitReader(rd, limit+1), l.r.step)
		if n > limit {
			l.r.errorf(CodeTooLarge, f.Name, 0, "", "", "%s unpacks to more than %d MB; the limit is %d MB.", f.Name, limit>>20, limit>>20)
			continue
		}
		if err != nil {
			l.r.errorf(CodeArchiveBroken, f.Name, 0, "Check that the file was copied completely.", "", "%s could not be decompressed (%s): %v.", f.Name, kind, err)
			continue
		}
		if name == f.Name {
			name += ".unpacked"
		}
		depth[name] = depth[f.Name] + 1
		l.wrap[name] = kind
		queue = append(queue, File{Name: name, Data: buf.Bytes()})
	}
	return out
}

func trimSuffixFold(s, suf string) string {
	if strings.HasSuffix(strings.ToLower(s), suf) {
		return s[:len(s)-len(suf)]
	}
	return s
}

// unzip returns the members of a .zip archive; ok is false when it holds only
// .npy members (an .npz) or cannot be read.
func (l *loader) unzip(f File, limit int64) ([]File, bool) {
	zr, err := zip.NewReader(bytes.NewReader(f.Data), int64(len(f.Data)))
	if err != nil {
		return nil, false
	}
	allNpy := true
	for _, z := range zr.File {
		if !z.FileInfo().IsDir() && !strings.HasSuffix(z.Name, ".npy") {
			allNpy = false
		}
	}
	if allNpy {
		return nil, false
	}
	dir := path.Dir(f.Name)
	var out []File
	total := int64(0)
	for _, z := range zr.File {
		if z.FileInfo().IsDir() || strings.HasPrefix(z.Name, "__MACOSX/") || path.Base(z.Name) == ".DS_Store" {
			continue
		}
		data, err := readZipPrefix(z, limit+1-total)
		total += int64(len(data))
		if total > limit {
			l.r.errorf(CodeTooLarge, f.Name, 0, "", "", "%s unpacks to more than %d MB; the limit is %d MB.", f.Name, limit>>20, limit>>20)
			return nil, true
		}
		if err != nil {
			l.r.errorf(CodeArchiveBroken, f.Name, 0, "", "", "%s: member %s cannot be read: %v.", f.Name, z.Name, err)
			continue
		}
		name := z.Name
		if dir != "." {
			name = dir + "/" + name
		}
		out = append(out, File{Name: name, Data: data})
	}
	return out, true
}

// resolve finds the file a config path names: relative to the config's folder,
// then by base name (for URLs and absolute paths from another machine). It
// reports config-url or config-missing-file; required paths make them errors.
func (l *loader) resolve(cfgName, dir, field, p string, required bool) int {
	find := func(name string) int {
		for i, f := range l.files {
			if f.Name == name {
				return i
			}
		}
		return -1
	}
	findBase := func(base string) int {
		for i, f := range l.files {
			if path.Base(f.Name) == base {
				return i
			}
		}
		return -1
	}
	sev := Warning
	if required {
		sev = Error
	}
	low := strings.ToLower(p)
	if strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://") {
		u, err := url.Parse(p)
		base := path.Base(p)
		if err == nil {
			base = path.Base(u.Path)
		}
		if i := findBase(base); i >= 0 {
			l.r.infof(CodeConfigURL, cfgName, 0, "%s of %s is a URL (%s); the dropped file %s was used instead (nothing is downloaded).", field, cfgName, p, l.files[i].Name)
			return i
		}
		l.r.add(Diagnostic{Severity: sev, Code: CodeConfigURL, File: cfgName,
			Message: fmt.Sprintf("%s of %s is a URL (%s). This projector never downloads anything: drop %s together with the config.", field, cfgName, p, base),
			Fix:     fmt.Sprintf("Download %s and drop it with the config.", base)})
		return -1
	}
	clean := p
	if u, err := url.PathUnescape(p); err == nil {
		clean = u
	}
	clean = strings.ReplaceAll(clean, "\\", "/")
	abs := strings.HasPrefix(clean, "/") || len(clean) > 2 && clean[1] == ':' && clean[2] == '/'
	if !abs {
		if i := find(path.Join(dir, clean)); i >= 0 {
			return i
		}
		if i := find(path.Clean(clean)); i >= 0 {
			return i
		}
	}
	if i := findBase(path.Base(clean)); i >= 0 {
		l.r.infof(CodeConfigMissingFile, cfgName, 0, "%s of %s is %s, which is not next to the config; the dropped file %s was used.", field, cfgName, p, l.files[i].Name)
		return i
	}
	var names []string
	for _, f := range l.files {
		names = append(names, f.Name)
	}
	msg := fmt.Sprintf("%s of %s names %s, which is not among the files given (%s).", field, cfgName, p, strings.Join(names, ", "))
	if abs {
		msg = fmt.Sprintf("%s of %s is the absolute path %s (from the machine that wrote the config); drop that file too.", field, cfgName, p)
	}
	l.r.add(Diagnostic{Severity: sev, Code: CodeConfigMissingFile, File: cfgName, Message: msg, Fix: fmt.Sprintf("Drop %s together with the config (or the whole folder).", path.Base(clean))})
	return -1
}

var tensorHints = []string{"tensor", "vector", "vec", "emb", "feature", ".bytes", ".npy"}
var metaHints = []string{"meta", "label", "vocab", "word", "name", "class"}

func nameHints(name string, hints []string) bool {
	low := strings.ToLower(path.Base(name))
	for _, h := range hints {
		if strings.Contains(low, h) {
			return true
		}
	}
	return false
}

// rolesByContent picks the tensor, metadata and sprite files among files without a config.
func (l *loader) rolesByContent() (tIdx, mIdx, sIdx int) {
	r := l.r
	tIdx, mIdx, sIdx = -1, -1, -1
	byName := func(n string) int {
		for i, f := range l.files {
			if f.Name == n {
				return i
			}
		}
		return -1
	}
	if l.opts.Tensor != "" {
		tIdx = byName(l.opts.Tensor)
	}
	if l.opts.Metadata != "" {
		mIdx = byName(l.opts.Metadata)
	}
	rank := func(k Kind) int {
		switch k {
		case KindNpy, KindNpz, KindBinary:
			return 3
		case KindTensorText:
			return 2
		case KindJSON:
			return 1
		}
		return 0
	}
	var tensors, texts []int
	for i, k := range l.kinds {
		switch {
		case rank(k) > 0:
			tensors = append(tensors, i)
		case k == KindText:
			texts = append(texts, i)
		case k == KindImage && sIdx < 0:
			sIdx = i
		}
	}
	sort.SliceStable(tensors, func(a, b int) bool {
		ka, kb := rank(l.kinds[tensors[a]]), rank(l.kinds[tensors[b]])
		if ka != kb {
			return ka > kb
		}
		return l.files[tensors[a]].size() > l.files[tensors[b]].size()
	})
	if tIdx < 0 {
		switch {
		case len(tensors) > 0:
			tIdx = tensors[0]
			// Two numeric texts: the narrower single-column one is metadata (numeric labels).
		case len(l.placeholder) > 0:
			for i := range l.kinds {
				if _, ok := l.placeholder[i]; ok {
					tIdx = i // an LFS pointer or web page where the tensor should be
					break
				}
			}
		case len(texts) > 0:
			tIdx = texts[0] // reported as non-numeric by the parser
			texts = texts[1:]
		default:
			ck := false
			for _, k := range l.kinds {
				ck = ck || k == KindCheckpoint
			}
			if ck {
				r.errorf(CodeCheckpointUnsupported, "", 0, "Export the tensor to TSV or .npy.", "", "Only TensorFlow checkpoint files were given; their tensors cannot be read in the browser.")
			} else {
				r.errorf(CodeNoTensor, "", 0, "Add the tensor file.", "", "None of the files given holds vectors.")
			}
			return -1, -1, -1
		}
	}
	if mIdx < 0 {
		// Several candidates: the one whose name shares the longest start with the
		// tensor's (glove_tensors.bytes goes with glove_labels.tsv).
		best := -1
		for _, i := range texts {
			if i != tIdx {
				if p := commonPrefix(l.files[i].Name, l.files[tIdx].Name); p > best {
					mIdx, best = i, p
				}
			}
		}
		if mIdx < 0 {
			// Numeric single-column text (numeric labels) among the tensor candidates.
			for _, i := range tensors {
				if i != tIdx && l.kinds[i] == KindTensorText && l.kinds[tIdx] != KindTensorText {
					mIdx = i
					break
				}
			}
		}
		if mIdx < 0 && len(tensors) > 1 {
			// Two numeric texts: the one with more text in it (a header, a label
			// column) is metadata; if equal, the one with fewer fields per line.
			for _, i := range tensors {
				if i != tIdx && l.kinds[i] == KindTensorText && l.kinds[tIdx] == KindTensorText {
					sa, sb := numericShare(l.files[tIdx].Data), numericShare(l.files[i].Data)
					a, b := fieldsPerLine(l.files[tIdx].Data), fieldsPerLine(l.files[i].Data)
					if sb > sa || sb == sa && b > a {
						tIdx, i = i, tIdx
					}
					mIdx = i
					break
				}
			}
		}
	}
	// Extra files are named, not silently dropped.
	for i, k := range l.kinds {
		if i == tIdx || i == mIdx || i == sIdx || k == KindConfig || k == KindCheckpoint || k == KindJSON {
			continue
		}
		r.infof(CodeExtraFile, l.files[i].Name, 0, "%s was not used (already have %s as the tensor).", l.files[i].Name, l.files[tIdx].Name)
	}
	if mIdx >= 0 && tIdx >= 0 {
		tn, mn := l.files[tIdx].Name, l.files[mIdx].Name
		if nameHints(tn, metaHints) && !nameHints(tn, tensorHints) && nameHints(mn, tensorHints) && !nameHints(mn, metaHints) {
			r.warnf(CodeFilesSwapped, "", 0, "", "",
				"%s holds the vectors and %s the labels, although their names say the opposite; they were used by content.", tn, mn)
		}
	}
	return tIdx, mIdx, sIdx
}

// fieldsPerLine returns the number of fields of the first non-blank line.
func fieldsPerLine(data []byte) int {
	lr := lineReader{data: data[:min(len(data), 65536)]}
	for {
		line, ok := lr.next()
		if !ok {
			return 0
		}
		if !isBlank(line) {
			d := sniffDelimiter([][]byte{line})
			if d == 0 {
				return 1
			}
			return len(splitFields(line, d, nil))
		}
	}
}

var padTokens = map[string]bool{"<pad>": true, "[pad]": true, "<unk>": true, "[unk]": true, "<s>": true, "</s>": true,
	"pad": true, "unk": true, "<padding>": true, "[cls]": true, "<oov>": true, "[oov]": true, "": true}

// reconcile matches tensor and metadata row counts, explaining any mismatch. It
// returns false when the mismatch blocks drawing.
func (l *loader) reconcile(t *tensor, m *metadata) bool {
	r := l.r
	// Trailing blank lines at the end of the metadata are not points when the counts
	// match without them.
	if m.n > t.n && m.n-t.n <= m.trailingBlank {
		k := m.n - t.n
		m.truncate(t.n)
		r.infof(CodeBlankLine, m.file, t.n+m.lineOff, "%s ends with %s after the last label; %s ignored.", m.file,
			plural(k, "blank line", "blank lines"), map[bool]string{true: "it was", false: "they were"}[k == 1])
	}
	if n := l.opts.FirstN; n > 0 {
		n = min(n, t.n, m.n)
		if n < t.n || n < m.n {
			r.infof(CodeCountMismatch, "", 0, "Using the first %d points of %s (%d vectors) and %s (%d labels), as asked.", n, t.file, t.n, m.file, m.n)
		}
		t.truncate(n)
		m.truncate(n)
	}
	if t.n == m.n {
		return true
	}
	nt, nm := t.n, m.n
	base := fmt.Sprintf("%s has %d vectors but %s has %d labels", t.file, nt, m.file, nm)
	firstN := fmt.Sprintf("firstN=%d", min(nt, nm))
	firstNFix := fmt.Sprintf("Use the first %d points of both.", min(nt, nm))
	newlineNote := ""
	if nt-nm == 1 || nm-nt == 1 {
		if m.noFinalNewline {
			newlineNote = fmt.Sprintf(" (%s does not end with a newline; its last line %s was counted as a row)", m.file, quote(m.lastLine))
		} else if t.noFinalNewline && t.format != "bytes" {
			newlineNote = fmt.Sprintf(" (%s does not end with a newline; its last line was counted as a vector)", t.file)
		}
	}
	first := ""
	if len(m.first) > 0 {
		first = strings.Join(m.first, "\t")
	}
	switch {
	case nm == nt+1 && m.header == false && padTokens[strings.ToLower(strings.TrimSpace(first))] && l.opts.DropMetadataRows == 0:
		r.errorf(CodeCountMismatch, m.file, 1, "Drop the first metadata row.", "dropMetadataRows=1",
			"%s: one label too many. The first label %s is a padding/unknown token that the tensor does not have a row for.", base, quote(first))
	case m.interiorBlank > 0 && nm-m.interiorBlank == nt:
		r.errorf(CodeCountMismatch, m.file, m.firstBlank, "Remove the blank lines from the metadata, or give them labels and the tensor rows they stand for.", firstN,
			"%s. The difference is exactly the %d blank lines of %s (first on line %d), which are rows by TensorBoard's rule.", base, m.interiorBlank, m.file, m.firstBlank)
	case nm == nt+1 && m.single && !m.header && l.opts.MetadataHeader == "":
		r.errorf(CodeMetadataHeaderSingleColumn, m.file, 1, "Treat the first metadata line as a header.", "metadataHeader=yes",
			"%s: one label too many. Its first line %s is probably a column name, but TensorBoard's rule is that metadata with a single column has no header line, so it was read as a label%s.", base, quote(first), newlineNote)
	case nm == nt-1 && t.firstSeq:
		r.errorf(CodeTensorHeaderRow, t.file, 1, "Drop the first row of the tensor file.", "dropTensorRows=1",
			"%s: one vector too many. The first line of %s reads %s: it is a header of column numbers (pandas writes one), not a vector. TensorBoard would blame the metadata for this.", base, t.file, seqText(t.d))
	case nm == nt-1 && m.header && !m.single && l.opts.MetadataHeader == "":
		r.errorf(CodeMetadataHeaderMissing, m.file, 1, "Treat the first metadata line as data.", "metadataHeader=no",
			"%s: one label too few. Metadata with several columns must start with a header line, so its first line %s was read as column names; it looks like the header is missing%s.", base, quote(first), newlineNote)
	case nm == nt-1 && allZero(t.vals[:t.d]):
		r.errorf(CodeCountMismatch, t.file, int(t.rows[0]), "Drop the first row of the tensor file.", "dropTensorRows=1",
			"%s: one vector too many. The first vector is all zeros: probably the padding row 0 of an embedding layer, which the vocabulary does not list.", base)
	case nm == t.d && nt == len(m.first):
		r.errorf(CodeFilesSwapped, "", 0, "Swap the files.", "swap=true", "%s; the counts fit the other way round, so the tensor may be transposed.", base)
	case nm == nt-1 && t.noFinalNewline:
		r.errorf(CodeCountMismatch, t.file, int(t.rows[nt-1]), firstNFix, firstN,
			"%s: one vector too many%s. Some tools drop a last line without a newline, so the files may have been counted differently.", base, newlineNote)
	case nm == nt-1:
		r.errorf(CodeCountMismatch, t.file, 0, "Drop the first tensor row, or use the first points of both.", "dropTensorRows=1",
			"%s: one vector too many%s. An extra first row (a header, or a padding/unknown token the vocabulary omits) is the usual cause.", base, newlineNote)
	default:
		r.errorf(CodeCountMismatch, "", 0, firstNFix, firstN, "%s%s; they do not belong together, or one of them was cut or extended.", base, newlineNote)
	}
	return false
}

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func (t *tensor) truncate(n int) {
	t.n = n
	t.vals = t.vals[:n*t.d]
	t.rows = t.rows[:n]
	for j := range t.labels {
		t.labels[j].Values = t.labels[j].Values[:n]
	}
}

// cleanRows reports (and, when asked, drops) points holding NaN/±Inf and all-zero
// points. It returns false when non-finite values block drawing.
func (l *loader) cleanRows(t *tensor, m *metadata) bool {
	r := l.r
	var bad, zero problems
	var badIdx, zeroIdx []int
	d := t.d
	every := max(1, (1<<20)/max(d, 1)) // rows per million values, between Stepper checks
	for i := 0; i < t.n; i++ {
		if i%every == every-1 {
			r.step.tick(0)
		}
		row := t.vals[i*d : (i+1)*d]
		// One pass over the bits: exponent all ones = NaN or ±Inf; any bit but the sign = non-zero.
		var nonFinite, any uint32
		for _, v := range row {
			b := math.Float32bits(v)
			if b&0x7f800000 == 0x7f800000 {
				nonFinite = 1
			}
			any |= b &^ 0x80000000
		}
		finite, nz := nonFinite == 0, any != 0
		if !finite {
			for j, v := range row {
				if math.Float32bits(v)&0x7f800000 == 0x7f800000 {
					bad.add(int(t.rows[i]), j+1, "", 0)
					break
				}
			}
		}
		if !finite {
			badIdx = append(badIdx, i)
		} else if !nz {
			zero.add(int(t.rows[i]), 0, "", 0)
			zeroIdx = append(zeroIdx, i)
		}
	}
	unit := "line"
	if t.format == "bytes" || t.format == "npy" || t.format == "npz" {
		unit = "row"
	}
	var drop []int
	if bad.count > 0 {
		if l.opts.SkipNonFinite {
			r.infof(CodeNonFinite, t.file, bad.lines[0], "Skipped %s holding NaN or ±Inf (%s %s), as asked.", plural(bad.count, "point", "points"), unit, lineList(bad.lines, bad.count))
			drop = append(drop, badIdx...)
		} else {
			r.add(Diagnostic{Severity: Error, Code: CodeNonFinite, File: t.file, Line: bad.lines[0], Column: bad.cols[0],
				Message: fmt.Sprintf("%s of %d %s NaN or ±Inf (%ss %s). Projections cannot use them.", plural(bad.count, "point", "points"), t.n, verb(bad.count, "holds", "hold"), unit, lineList(bad.lines, bad.count)),
				Fix:     "Skip the points with NaN or ±Inf.", Action: "skipNonFinite=true"})
		}
	}
	if zero.count > 0 {
		if l.opts.SkipZero {
			r.infof(CodeZeroVector, t.file, zero.lines[0], "Skipped %s that are all zeros (%s %s), as asked.", plural(zero.count, "point", "points"), unit, lineList(zero.lines, zero.count))
			drop = append(drop, zeroIdx...)
		} else {
			r.add(Diagnostic{Severity: Warning, Code: CodeZeroVector, File: t.file, Line: zero.lines[0],
				Message: fmt.Sprintf("%s of %d %s all zeros (%ss %s): without a direction, cosine distances to them are undefined.", plural(zero.count, "point", "points"), t.n, verb(zero.count, "is", "are"), unit, lineList(zero.lines, zero.count)),
				Fix:     "Skip the all-zero points.", Action: "skipZero=true"})
		}
	}
	if bad.count > 0 && !l.opts.SkipNonFinite {
		return false
	}
	if len(drop) > 0 {
		sort.Ints(drop)
		keep := make([]bool, t.n)
		for i := range keep {
			keep[i] = true
		}
		for _, i := range drop {
			keep[i] = false
		}
		w := 0
		for i := 0; i < t.n; i++ {
			if !keep[i] {
				continue
			}
			copy(t.vals[w*d:(w+1)*d], t.vals[i*d:(i+1)*d])
			t.rows[w] = t.rows[i]
			for j := range t.labels {
				t.labels[j].Values[w] = t.labels[j].Values[i]
			}
			if m != nil {
				for j := range m.cols {
					m.cols[j].Values[w] = m.cols[j].Values[i]
				}
			}
			w++
		}
		t.truncate(w)
		if m != nil {
			m.truncate(w)
		}
		if w == 0 {
			r.errorf(CodeNonFinite, t.file, 0, "", "", "No points are left after skipping.")
			return false
		}
	}
	return true
}

// copyTicking copies src to dst in 1 MiB pieces, letting a Stepper pause between them.
func copyTicking(dst io.Writer, src io.Reader, step *Stepper) (int64, error) {
	var n int64
	for {
		k, err := io.CopyN(dst, src, 1<<20)
		n += k
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		step.tick(0)
	}
}

// seqText writes 0, 1, …, d-1 briefly.
func seqText(d int) string {
	if d <= 4 {
		parts := make([]string, d)
		for i := range parts {
			parts[i] = fmt.Sprint(i)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("0, 1, 2, …, %d", d-1)
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// numericShare is the share of number cells in the first lines of a text, header
// and label columns included (1 for a plain tensor file).
func numericShare(data []byte) float64 {
	lr := lineReader{data: data[:min(len(data), 65536)]}
	var lines [][]byte
	for len(lines) < 32 {
		line, ok := lr.next()
		if !ok {
			break
		}
		if !isBlank(line) {
			lines = append(lines, line)
		}
	}
	d := sniffDelimiter(lines)
	if d == 0 {
		d = '\t'
	}
	num, all := 0, 0
	var buf []string
	for _, line := range lines {
		buf = splitFields(line, d, buf[:0])
		for _, c := range buf {
			all++
			if isNum(c) {
				num++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(num) / float64(all)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
