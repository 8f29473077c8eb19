package parse

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// hostLittleEndian is set when float32 values in memory have .bytes' byte order
// (amd64, arm64, wasm).
var hostLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// shapeHint is what Load knows about the shape of a raw tensor before reading it.
type shapeHint struct {
	// shape is [N, D] from Options.Shape or a config's tensorShape (0 = unknown).
	shape     [2]int
	fromOpts  bool
	metaRows  int // metadata rows, 0 when there is no metadata
	metaFile  string
	metaMulti bool
}

var npyMagic = []byte("\x93NUMPY")

func elemSize(dtype string) int {
	switch dtype {
	case "float64":
		return 8
	case "float16":
		return 2
	}
	return 4
}

// parseBytes reads a TensorBoard .bytes tensor: raw little-endian floats (float32
// unless opts.Dtype says otherwise), row-major, with the shape from opts, a config,
// or the metadata row count. Memory: N×D float32.
func parseBytes(f File, h shapeHint, opts Options, r *reporter) *tensor {
	data := f.Data // the whole file, or its first bytes when f.streamed()
	if bytes.HasPrefix(data, npyMagic) {
		r.warnf(CodeBytesDtype, f.Name, 0, "", "",
			"%s is a NumPy .npy file, not raw float32 .bytes (TensorBoard would read its header as numbers); it was read as .npy.", f.Name)
		return parseNpy(f, h, opts, r)
	}
	dtype := opts.Dtype
	if dtype == "" {
		dtype = "float32"
	}
	es := elemSize(dtype)
	total := int(f.size())
	if total == 0 {
		r.errorf(CodeBytesSize, f.Name, 0, "", "", "%s is empty.", f.Name)
		return nil
	}
	if total%es != 0 {
		r.errorf(CodeBytesSize, f.Name, 0, "Check that the file was copied completely.", "",
			"%s has %d bytes, which is not a whole number of %d-byte %s values (%d left over): the file is truncated or not raw %s.",
			f.Name, total, es, dtype, total%es, dtype)
		return nil
	}
	count := total / es
	n, d := h.shape[0], h.shape[1]
	switch {
	case n > 0 && d > 0:
		if n <= count && d <= count && n*d == count && !h.fromOpts && h.metaRows > 0 && h.metaRows != n && h.metaRows == d {
			r.errorf(CodeShapeMismatch, f.Name, 0, "Swap the two numbers of tensorShape.", fmt.Sprintf("shape=%d,%d", d, n),
				"The config's tensorShape [%d, %d] looks transposed: the metadata has %d rows, so the tensor is %d×%d.", n, d, h.metaRows, d, n)
			return nil
		}
		if n > count || d > count || n*d != count {
			switch {
			case es == 4 && n <= count && d <= count && n*d*8 == total:
				r.errorf(CodeBytesDtype, f.Name, 0, "Read it as float64.", "dtype=float64",
					"%s has %d bytes = %d×%d×8: it holds float64 values, not the float32 that .bytes files need.", f.Name, total, n, d)
			case es == 8 && n <= count && d <= count && n*d*4 == total:
				r.errorf(CodeBytesDtype, f.Name, 0, "Read it as float32.", "dtype=float32",
					"%s has %d bytes = %d×%d×4: it holds float32 values, not float64.", f.Name, total, n, d)
			default:
				msg := fmt.Sprintf("The shape [%d, %d] needs %d bytes of %s but %s has %d bytes (%d values).", n, d, int64(n)*int64(d)*int64(es), dtype, f.Name, total, count)
				if n == 1000 && d == 50 {
					msg += " [1000, 50] is the config template's example value, probably never changed."
				}
				action, fix := "", ""
				if h.metaRows > 0 && count%h.metaRows == 0 {
					action = fmt.Sprintf("shape=%d,%d", h.metaRows, count/h.metaRows)
					fix = fmt.Sprintf("Use the shape [%d, %d] given by the metadata row count.", h.metaRows, count/h.metaRows)
				} else if count%d == 0 {
					action = fmt.Sprintf("shape=%d,%d", count/d, d)
					fix = fmt.Sprintf("Use %d points of %d dimensions.", count/d, d)
				} else if count%n == 0 {
					action = fmt.Sprintf("shape=%d,%d", n, count/n)
					fix = fmt.Sprintf("Use %d points of %d dimensions.", n, count/n)
				}
				r.errorf(CodeShapeMismatch, f.Name, 0, fix, action, "%s", msg)
			}
			return nil
		}
	case d > 0:
		if count%d != 0 {
			r.errorf(CodeBytesSize, f.Name, 0, "", "", "%s holds %d values, which is not a multiple of D = %d.", f.Name, count, d)
			return nil
		}
		n = count / d
		r.infof(CodeShapeInferred, f.Name, 0, "The shape of %s, %d×%d, was inferred from the given %d dimensions: %d values / %d = %d points.", f.Name, n, d, d, count, d, n)
	case n > 0:
		if count%n != 0 {
			r.errorf(CodeBytesSize, f.Name, 0, "", "", "%s holds %d values, which is not a multiple of N = %d.", f.Name, count, n)
			return nil
		}
		d = count / n
		r.infof(CodeShapeInferred, f.Name, 0, "The shape of %s, %d×%d, was inferred from the given %d points: %d values / %d = %d dimensions.", f.Name, n, d, n, count, n, d)
	case h.metaRows > 0:
		m := h.metaRows
		if count%m != 0 {
			switch {
			case !h.metaMulti && m > 1 && count%(m-1) == 0 && opts.MetadataHeader == "":
				r.errorf(CodeMetadataHeaderSingleColumn, f.Name, 0, "Treat the first metadata line as a header.", "metadataHeader=yes",
					"%s holds %d values, which do not divide into the %d metadata rows but do into %d: the first metadata line is probably a header, which TensorBoard does not allow in single-column metadata.",
					f.Name, count, m, m-1)
			case h.metaMulti && count%(m+1) == 0 && opts.MetadataHeader == "":
				r.errorf(CodeMetadataHeaderMissing, f.Name, 0, "Treat the first metadata line as data.", "metadataHeader=no",
					"%s holds %d values, which do not divide into the %d metadata rows but do into %d: the metadata with several columns probably lacks its header line.",
					f.Name, count, m, m+1)
			case es == 4 && total%(m*8) == 0 && looksFloat64(mustHead(f, 16384)):
				r.errorf(CodeBytesDtype, f.Name, 0, "Read it as float64.", "dtype=float64",
					"%s looks like float64 values (%d bytes = %d rows × %d × 8), not float32.", f.Name, total, m, total/(m*8))
			default:
				r.errorf(CodeBytesSize, f.Name, 0, "Check that tensor and metadata belong together, or give the shape.", "",
					"%s holds %d %s values, which do not divide into the %d rows of the metadata (%d per row and %d left over).",
					f.Name, count, dtype, m, count/m, count%m)
			}
			return nil
		}
		n, d = m, count/m
		r.infof(CodeShapeInferred, f.Name, 0, "The shape of %s, %d×%d, was inferred from the %d rows of the metadata %s: %d %s values / %d rows = %d dimensions.",
			f.Name, n, d, m, h.metaFile, count, dtype, m, d)
	default:
		r.errorf(CodeShapeMissing, f.Name, 0, "Add the metadata file or a projector_config.json with tensorShape, or give the shape.", "",
			"%s is raw %s with %d values and nothing says how many dimensions a point has (e.g. %s).", f.Name, dtype, count, shapeExamples(count))
		return nil
	}
	n = firstRows(n, opts, f.Name, r)
	if tooLarge(n, d, f.Name, opts, r) {
		return nil
	}
	t := &tensor{file: f.Name, n: n, d: d, format: "bytes"}
	r.step.estimate(n, d)
	if f.streamed() {
		vals, err := readFloatsAt(f.ReaderAt, 0, n*d, dtype, binary.LittleEndian, r.step)
		if err != nil {
			r.errorf(CodeReadError, f.Name, 0, "Choose the file again.", "", "%s: %v.", f.Name, err)
			return nil
		}
		t.vals = vals
	} else {
		t.vals = decodeFloats(data, dtype, binary.LittleEndian, n*d, r.step)
	}
	if head, err := headOf(f, 16384); err == nil && es == 4 && opts.Dtype == "" && looksFloat64(head) {
		r.warnf(CodeBytesDtype, f.Name, 0, "Read it as float64.", "dtype=float64",
			"%s looks like float64 values read as float32 (every other value is tiny or huge).", f.Name)
	}
	return t
}

// shapeExamples lists a few [N, D] splits of count values.
func shapeExamples(count int) string {
	var out []string
	for _, d := range []int{2, 3, 8, 16, 32, 50, 64, 100, 128, 200, 256, 300, 384, 512, 768, 784, 1024, 1536} {
		if count%d == 0 && count/d > 1 {
			out = append(out, fmt.Sprintf("%d×%d", count/d, d))
		}
		if len(out) == 4 {
			break
		}
	}
	if len(out) == 0 {
		return "no common dimension divides it"
	}
	return strings.Join(out, ", ")
}

// looksFloat64 reports whether little-endian data reads as plausible float64 values
// but as implausible float32 ones (the low halves of doubles are tiny or huge floats).
func looksFloat64(data []byte) bool {
	n := min(len(data)/8, 2048)
	if n < 4 {
		return false
	}
	odd32, nonzero := 0, 0
	for i := 0; i < n; i++ {
		v := math.Float64frombits(binary.LittleEndian.Uint64(data[i*8:]))
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e12 || (v != 0 && math.Abs(v) < 1e-12) {
			return false
		}
		lo := math.Float32frombits(binary.LittleEndian.Uint32(data[i*8:]))
		if v != 0 {
			nonzero++
			if lo != 0 && (math.Abs(float64(lo)) < 1e-20 || math.Abs(float64(lo)) > 1e20) || lo != lo {
				odd32++
			}
		}
	}
	return nonzero >= 4 && odd32*3 > nonzero
}

// decodeFloats converts count values of dtype from data to float32.
func decodeFloats(data []byte, dtype string, order binary.ByteOrder, count int, step *Stepper) []float32 {
	out := make([]float32, count)
	const chunk = 1 << 20
	for start := 0; start < count; start += chunk {
		end := min(start+chunk, count)
		decodeInto(out[start:end], data[start*elemSize(dtype):], dtype, order)
		step.tick(int64(end * elemSize(dtype)))
	}
	return out
}

// decodeInto converts len(out) values of dtype from data.
func decodeInto(out []float32, data []byte, dtype string, order binary.ByteOrder) {
	switch dtype {
	case "float32":
		if order == binary.LittleEndian && hostLittleEndian && len(out) > 0 {
			// Same layout as the host: one memmove.
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), len(out)*4), data[:len(out)*4])
		} else if order == binary.LittleEndian {
			for i := range out {
				out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[i*4:]))
			}
		} else {
			for i := range out {
				out[i] = math.Float32frombits(binary.BigEndian.Uint32(data[i*4:]))
			}
		}
	case "float64":
		for i := range out {
			out[i] = float32(math.Float64frombits(order.Uint64(data[i*8:])))
		}
	case "float16":
		for i := range out {
			out[i] = half(order.Uint16(data[i*2:]))
		}
	}
}

// half converts an IEEE 754 binary16 value to float32.
func half(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch exp {
	case 0:
		if frac == 0 {
			return math.Float32frombits(sign)
		}
		v := float32(frac) / 1024 / 16384 // 2^-14 × frac/1024
		if sign != 0 {
			v = -v
		}
		return v
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}

// npyHeader is the decoded header of a .npy file.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
	offset  int // start of the data
}

// readNpyHeader decodes the header of a .npy file (format versions 1, 2 and 3)
// without touching the data, like image.DecodeConfig.
func readNpyHeader(data []byte) (npyHeader, error) {
	var h npyHeader
	if !bytes.HasPrefix(data, npyMagic) || len(data) < 10 {
		return h, fmt.Errorf("not a .npy file (no \\x93NUMPY magic)")
	}
	major := data[6]
	var hl, start int
	switch major {
	case 1:
		hl, start = int(binary.LittleEndian.Uint16(data[8:])), 10
	case 2, 3:
		if len(data) < 12 {
			return h, fmt.Errorf("truncated header")
		}
		hl, start = int(binary.LittleEndian.Uint32(data[8:])), 12
	default:
		return h, fmt.Errorf("unknown .npy format version %d", major)
	}
	if hl < 0 || start+hl > len(data) {
		return h, fmt.Errorf("header length %d runs past the end of the file (%d bytes)", hl, len(data))
	}
	dict := string(data[start : start+hl])
	h.offset = start + hl
	var err error
	if h.descr, err = dictValue(dict, "descr"); err != nil {
		return h, err
	}
	h.descr = strings.Trim(h.descr, "'\"")
	fo, err := dictValue(dict, "fortran_order")
	if err != nil {
		return h, err
	}
	h.fortran = fo == "True"
	sh, err := dictValue(dict, "shape")
	if err != nil {
		return h, err
	}
	sh = strings.TrimSpace(sh)
	if len(sh) < 2 || sh[0] != '(' || sh[len(sh)-1] != ')' {
		return h, fmt.Errorf("shape %q is not a tuple", sh)
	}
	for _, p := range strings.Split(sh[1:len(sh)-1], ",") {
		p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), "L"))
		if p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return h, fmt.Errorf("shape %q holds %q, not a size", sh, p)
		}
		h.shape = append(h.shape, v)
	}
	return h, nil
}

// dictValue extracts the value of 'key' from a Python dict literal of a .npy header.
// Values are strings, booleans or tuples (the dict holds nothing else).
func dictValue(dict, key string) (string, error) {
	i := strings.Index(dict, "'"+key+"'")
	if i < 0 {
		i = strings.Index(dict, "\""+key+"\"")
	}
	if i < 0 {
		return "", fmt.Errorf("header has no %q entry", key)
	}
	rest := dict[i+len(key)+2:]
	j := strings.IndexByte(rest, ':')
	if j < 0 {
		return "", fmt.Errorf("header entry %q has no value", key)
	}
	rest = strings.TrimSpace(rest[j+1:])
	if rest == "" {
		return "", fmt.Errorf("header entry %q has no value", key)
	}
	switch rest[0] {
	case '(':
		k := strings.IndexByte(rest, ')')
		if k < 0 {
			return "", fmt.Errorf("header entry %q: unclosed tuple", key)
		}
		return rest[:k+1], nil
	case '\'', '"':
		k := strings.IndexByte(rest[1:], rest[0])
		if k < 0 {
			return "", fmt.Errorf("header entry %q: unclosed string", key)
		}
		return rest[:k+2], nil
	case '[':
		return "", fmt.Errorf("structured dtype %s", rest[:min(len(rest), 40)])
	}
	k := strings.IndexAny(rest, ",}")
	if k < 0 {
		k = len(rest)
	}
	return strings.TrimSpace(rest[:k]), nil
}

// npyDtype maps a descr ("<f4", ">f8", "|u1") to its element size, kind and byte order.
func npyDtype(descr string) (size int, kind byte, order binary.ByteOrder, ok bool) {
	if len(descr) < 3 {
		return 0, 0, nil, false
	}
	order = binary.LittleEndian
	if descr[0] == '>' {
		order = binary.BigEndian
	}
	kind = descr[1]
	size, err := strconv.Atoi(descr[2:])
	if err != nil {
		return 0, 0, nil, false
	}
	switch {
	case kind == 'f' && (size == 2 || size == 4 || size == 8):
	case (kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8):
	case kind == 'b' && size == 1:
	default:
		return 0, 0, nil, false
	}
	return size, kind, order, true
}

// parseNpy reads a .npy array into an N×D tensor: 2-D arrays directly, higher ranks
// flattened after the first axis, 1-D arrays split by the metadata row count.
// Memory: N×D float32; nothing is allocated before the header is checked against
// the bytes that exist.
func parseNpy(f File, h shapeHint, opts Options, r *reporter) *tensor {
	name, data := f.Name, f.Data
	if f.streamed() {
		// Read exactly the header: its length is in the first 12 bytes.
		data = mustHead(f, 12)
		if len(data) >= 10 && bytes.HasPrefix(data, npyMagic) {
			hl, start := int64(binary.LittleEndian.Uint16(data[8:])), int64(10)
			if data[6] >= 2 && len(data) >= 12 {
				hl, start = int64(binary.LittleEndian.Uint32(data[8:])), 12
			}
			data = mustHead(f, int(min(start+hl, f.Size)))
		}
	}
	hd, err := readNpyHeader(data)
	if err != nil {
		r.errorf(CodeNpyHeader, name, 0, "Save the array again with numpy.save.", "", "%s: broken .npy header: %v.", name, err)
		return nil
	}
	size, kind, order, ok := npyDtype(hd.descr)
	if !ok {
		r.errorf(CodeDtypeUnsupported, name, 0, "Convert it with arr.astype('float32') before numpy.save.", "",
			"%s holds %s values; only float (f2, f4, f8), integer and bool arrays can be read.", name, hd.descr)
		return nil
	}
	count := 1
	for _, s := range hd.shape {
		if s != 0 && count > math.MaxInt32/s {
			r.errorf(CodeNpyHeader, name, 0, "", "", "%s: shape %v is larger than any file.", name, hd.shape)
			return nil
		}
		count *= s
	}
	avail := int(f.size()) - hd.offset
	if count*size > avail {
		r.errorf(CodeNpyHeader, name, 0, "Check that the file was copied completely.", "",
			"%s: the header announces shape %v of %s = %d bytes, but only %d bytes follow it: the file is truncated.", name, hd.shape, hd.descr, count*size, avail)
		return nil
	}
	var n, d int
	switch len(hd.shape) {
	case 0:
		r.errorf(CodeShapeMismatch, name, 0, "", "", "%s holds a single scalar, not a matrix of vectors.", name)
		return nil
	case 1:
		switch {
		case h.shape[1] > 0 && count%h.shape[1] == 0:
			n, d = count/h.shape[1], h.shape[1]
		case h.metaRows > 0 && count%h.metaRows == 0:
			n, d = h.metaRows, count/h.metaRows
			r.warnf(CodeShapeMismatch, name, 0, "", "", "%s is a 1-D array of %d values; it was split into the %d metadata rows (%d dimensions each).", name, count, n, d)
		default:
			r.errorf(CodeShapeMissing, name, 0, "Save a 2-D array (points × dimensions).", "", "%s is a 1-D array of %d values; the number of dimensions is unknown (e.g. %s).", name, count, shapeExamples(count))
			return nil
		}
	default:
		n = hd.shape[0]
		d = count / max(n, 1)
		if len(hd.shape) > 2 {
			r.warnf(CodeShapeMismatch, name, 0, "", "", "%s has shape %v; each of the %d points was flattened to %d values.", name, hd.shape, n, d)
		}
	}
	if n == 0 || d == 0 {
		r.errorf(CodeShapeMismatch, name, 0, "", "", "%s has shape %v: no points.", name, hd.shape)
		return nil
	}
	if !hd.fortran {
		n = firstRows(n, opts, name, r)
		count = n * d
	}
	if tooLarge(n, d, name, opts, r) {
		return nil
	}
	var body []byte
	var vals []float32
	dtype := map[int]string{2: "float16", 4: "float32", 8: "float64"}[size]
	r.step.estimate(n, d)
	switch {
	case f.streamed() && kind == 'f' && !hd.fortran:
		vals, err = readFloatsAt(f.ReaderAt, int64(hd.offset), count, dtype, order, r.step)
	case f.streamed():
		body, err = readAtFull(f.ReaderAt, int64(hd.offset), count*size)
	default:
		body = data[hd.offset:]
	}
	if err != nil {
		r.errorf(CodeReadError, name, 0, "Choose the file again.", "", "%s: %v.", name, err)
		return nil
	}
	if vals != nil {
		// read above
	} else if kind == 'f' {
		vals = decodeFloats(body, dtype, order, count, r.step)
	} else {
		vals = make([]float32, count)
		for i := range vals {
			b := body[i*size:]
			var v float64
			switch size {
			case 1:
				if kind == 'i' {
					v = float64(int8(b[0]))
				} else {
					v = float64(b[0])
				}
			case 2:
				if kind == 'i' {
					v = float64(int16(order.Uint16(b)))
				} else {
					v = float64(order.Uint16(b))
				}
			case 4:
				if kind == 'i' {
					v = float64(int32(order.Uint32(b)))
				} else {
					v = float64(order.Uint32(b))
				}
			case 8:
				if kind == 'i' {
					v = float64(int64(order.Uint64(b)))
				} else {
					v = float64(order.Uint64(b))
				}
			}
			vals[i] = float32(v)
		}
		r.infof(CodeDtypeUnsupported, name, 0, "%s holds %s integers; they were converted to float32.", name, hd.descr)
	}
	if hd.fortran && len(hd.shape) >= 2 {
		// Column-major: value (i, j) is at j*n + i. Transpose into row-major.
		t := make([]float32, len(vals))
		for j := 0; j < d; j++ {
			col := vals[j*n : (j+1)*n]
			for i, v := range col {
				t[i*d+j] = v
			}
		}
		vals = t
	}
	return &tensor{file: name, n: n, d: d, vals: vals, format: "npy"}
}

// parseNpz picks the 2-D array of a .npz archive (the largest one when there are
// several) and reads it like a .npy file.
func parseNpz(name string, data []byte, h shapeHint, opts Options, r *reporter) *tensor {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		r.errorf(CodeNpyHeader, name, 0, "", "", "%s: broken .npz archive: %v.", name, err)
		return nil
	}
	type cand struct {
		f     *zip.File
		shape []int
		size  int
	}
	var cands []cand
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".npy") {
			continue
		}
		head, err := readZipPrefix(zf, 4096)
		if err != nil {
			continue
		}
		hd, err := readNpyHeader(head)
		if err != nil {
			continue
		}
		sz := 1
		for _, s := range hd.shape {
			sz *= max(s, 1)
		}
		cands = append(cands, cand{zf, hd.shape, sz})
	}
	if len(cands) == 0 {
		r.errorf(CodeNpyHeader, name, 0, "", "", "%s holds no readable .npy array.", name)
		return nil
	}
	sort.SliceStable(cands, func(i, j int) bool {
		ri, rj := len(cands[i].shape) == 2, len(cands[j].shape) == 2
		if ri != rj {
			return ri
		}
		return cands[i].size > cands[j].size
	})
	c := cands[0]
	if len(cands) > 1 {
		var others []string
		for _, o := range cands[1:] {
			others = append(others, fmt.Sprintf("%s %v", strings.TrimSuffix(o.f.Name, ".npy"), o.shape))
		}
		r.infof(CodeNpyHeader, name, 0, "%s holds %d arrays; %s %v was used (others: %s).", name, len(cands), strings.TrimSuffix(c.f.Name, ".npy"), c.shape, strings.Join(others, ", "))
	}
	if int64(c.f.UncompressedSize64) > opts.maxBytes()*2+4096 {
		r.errorf(CodeTooLarge, name, 0, "", "", "%s: array %s is %d MB; the limit is %d MB.", name, c.f.Name, c.f.UncompressedSize64>>20, opts.maxBytes()>>20)
		return nil
	}
	body, err := readZipPrefix(c.f, opts.maxBytes()*2+4096)
	if err != nil {
		r.errorf(CodeNpyHeader, name, 0, "", "", "%s: cannot read %s: %v.", name, c.f.Name, err)
		return nil
	}
	t := parseNpy(File{Name: name + "/" + c.f.Name, Data: body}, h, opts, r)
	if t != nil {
		t.file = name
		t.format = "npz"
	}
	return t
}

// readZipPrefix reads at most limit bytes of a zip member.
func readZipPrefix(zf *zip.File, limit int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	_, err = io.Copy(&buf, io.LimitReader(rc, limit))
	if err != nil && err != io.ErrUnexpectedEOF {
		return buf.Bytes(), err
	}
	return buf.Bytes(), nil
}

// firstRows limits n to the rows Options.FirstN (after DropTensorRows) keeps, so a
// prefix of a file too large to load can still be read.
func firstRows(n int, opts Options, name string, r *reporter) int {
	if lim := opts.FirstN + opts.DropTensorRows; opts.FirstN > 0 && n > lim {
		return lim
	}
	return n
}

// tooLarge reports a too-large error (with a firstN action that fits) when n×d
// float32 values exceed opts.MaxBytes.
func tooLarge(n, d int, name string, opts Options, r *reporter) bool {
	if int64(n)*int64(d)*4 <= opts.maxBytes() {
		return false
	}
	fit := int(opts.maxBytes() / (4 * int64(max(d, 1))))
	r.errorf(CodeTooLarge, name, 0, fmt.Sprintf("Use the first %d points.", fit), fmt.Sprintf("firstN=%d", fit),
		"%s is %d points × %d dims = %d MB as float32; the limit is %d MB.", name, n, d, int64(n)*int64(d)*4>>20, opts.maxBytes()>>20)
	return true
}

// mustHead is headOf, with nil on a read error (the caller's checks then fail and report).
func mustHead(f File, n int) []byte {
	b, _ := headOf(f, n)
	return b
}
