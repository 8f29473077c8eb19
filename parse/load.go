package parse

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"path"
	"strings"

	"github.com/embproj/projector/parse/tfevents"
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
	KindModel      Kind = "model"    // a model file: HDF5/Keras, PyTorch, pickle, SavedModel (model.go)
	KindEvents     Kind = "events"   // TensorBoard event file (events.out.tfevents.*, or any name by content)
)

// Classify says what a file holds by its content. It reads at most the first 64 KiB.
// An event file is recognised by content whatever its name (run1.events,
// events.bin): a first TFRecord with both checksums right holding an Event.
func Classify(f File) Kind {
	data := f.Data
	lower := strings.ToLower(path.Base(f.Name))
	if tfevents.SniffEvents(data[:min(len(data), 65536)]) {
		return KindEvents
	}
	if _, ok := modelFormat(f); ok {
		return KindModel
	}
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
	case strings.Contains(lower, "tfevents"):
		return KindEvents
	case strings.HasSuffix(lower, ".pb") || strings.HasSuffix(lower, ".h5") || strings.HasSuffix(lower, ".pkl"):
		return KindUnknown // graphs, HDF5 and pickles whose content was not recognised
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
	if l.listed {
		rep.Embeddings = l.embeddings
	}
	rep.Offers = l.offers
	rep.Tensors = l.tensors
	return ds, rep
}

type loader struct {
	opts        Options
	placeholder map[int]int // file index -> index of its lfs-pointer/html-page diagnostic
	r           *reporter
	files       []File
	kinds       []Kind
	wrap        map[string]string // file name -> compression it came out of
	// embeddings names every candidate offered; chosen is the index shown;
	// listed is set when they form a choice (a config, a log folder, several).
	embeddings []string
	chosen     int
	listed     bool
	offers     []Offer
	// eventsExplained is set when the event files were the only possible
	// source, held no embedding and said so (filesSource then stays quiet).
	eventsExplained bool
	// ckpt is what the files hold of TensorFlow checkpoints (checkpoints());
	// tensors lists the opened checkpoint's tensors for Report.Tensors.
	ckpt    *ckptSet
	tensors []TensorInfo
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
		if _, model := modelFormat(f); depth[f.Name] > 3 || f.kind != "" || model || isShardName(f.Name) {
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
