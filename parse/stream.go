package parse

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// prefixSize is how much of a file given by ReaderAt is read up front to classify it.
var prefixSize = 1 << 20 // a variable so that tests can stream small files

// readChunk is the size of one read of a streamed tensor, in bytes.
const readChunk = 1 << 20

// prepareStreams turns Files given by ReaderAt into Files Load can use: tensors
// (raw floats, .npy, delimited numeric text) larger than prefixSize keep their
// ReaderAt and get their first prefixSize bytes as Data; every other file is read
// whole into Data. Files that cannot be read are reported and left out.
func (l *loader) prepareStreams(in []File) []File {
	out := make([]File, 0, len(in))
	for _, f := range in {
		if f.Data != nil || f.ReaderAt == nil {
			f.ReaderAt, f.Size = nil, 0
			out = append(out, f)
			continue
		}
		if f.Size < 0 {
			l.r.errorf(CodeReadError, f.Name, 0, "", "", "%s has a negative size (%d).", f.Name, f.Size)
			continue
		}
		prefix, err := readAtFull(f.ReaderAt, 0, int(min(f.Size, int64(prefixSize))))
		if err != nil {
			l.r.errorf(CodeReadError, f.Name, 0, "Choose the file again.", "", "%s cannot be read: %v.", f.Name, err)
			continue
		}
		head := prefix // Classify looks at up to 64 KiB, whatever prefixSize is
		if int64(len(head)) < min(f.Size, 65536) {
			if head, err = readAtFull(f.ReaderAt, 0, int(min(f.Size, 65536))); err != nil {
				l.r.errorf(CodeReadError, f.Name, 0, "Choose the file again.", "", "%s cannot be read: %v.", f.Name, err)
				continue
			}
		}
		k := Classify(File{Name: f.Name, Data: head})
		compressed := (bytes.HasPrefix(prefix, []byte{0x1f, 0x8b}) || bytes.HasPrefix(prefix, []byte{0x28, 0xb5, 0x2f, 0xfd})) && !isShardName(f.Name)
		if f.Size > int64(prefixSize) && !compressed && streamable(k) &&
			!bytes.HasPrefix(prefix, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(prefix, []byte{0xFE, 0xFF}) {
			out = append(out, File{Name: f.Name, Data: prefix, ReaderAt: f.ReaderAt, Size: f.Size, kind: k})
			continue
		}
		if f.Size > l.opts.maxBytes()*2+1<<20 {
			l.r.errorf(CodeTooLarge, f.Name, 0, "", "", "%s is %d MB; files of this kind are read whole and the limit is %d MB.", f.Name, f.Size>>20, (l.opts.maxBytes()*2)>>20)
			continue
		}
		data, err := readAtFull(f.ReaderAt, 0, int(f.Size))
		if err != nil {
			l.r.errorf(CodeReadError, f.Name, 0, "Choose the file again.", "", "%s cannot be read: %v.", f.Name, err)
			continue
		}
		out = append(out, File{Name: f.Name, Data: data})
	}
	return out
}

// streamable reports whether files of kind k stay behind their ReaderAt when
// large: tensors are read piece by piece, checkpoint shards, event files and
// model files only where needed (never whole).
func streamable(k Kind) bool {
	switch k {
	case KindBinary, KindNpy, KindTensorText, KindCheckpoint, KindEvents, KindModel:
		return true
	}
	return false
}

// readAtFull reads n bytes at off; a short file is an error wrapping io.ErrUnexpectedEOF.
func readAtFull(ra io.ReaderAt, off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	k, err := ra.ReadAt(b, off)
	if k == n {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("reading %d bytes at %d: %w", n, off, err)
}

// readFloatsAt reads count values of dtype (element size es, byte order order)
// starting at off, one readChunk at a time, straight into the result when the
// layout matches the host's. Memory: count float32 plus one chunk.
func readFloatsAt(ra io.ReaderAt, off int64, count int, dtype string, order binary.ByteOrder, step *Stepper) ([]float32, error) {
	es := elemSize(dtype)
	out := make([]float32, count)
	per := readChunk / es
	direct := dtype == "float32" && order == binary.LittleEndian && hostLittleEndian
	var buf []byte
	if !direct {
		buf = make([]byte, min(count, per)*es)
	}
	for start := 0; start < count; start += per {
		end := min(start+per, count)
		nb := (end - start) * es
		var dst []byte
		if direct {
			dst = unsafe.Slice((*byte)(unsafe.Pointer(&out[start])), nb)
		} else {
			dst = buf[:nb]
		}
		k, err := ra.ReadAt(dst, off+int64(start*es))
		if k < nb {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("reading values %d to %d: %w", start, end, err)
		}
		if !direct {
			decodeInto(out[start:end], dst, dtype, order)
		}
		step.tick(off + int64(end*es))
	}
	return out, nil
}

// streamIter yields the lines of a streamed text like fastIter, reading through
// a bufio.Reader; a field aliases the read buffer until the next call.
type streamIter struct {
	br    *bufio.Reader
	delim byte
	buf   []string
	long  []byte // a line longer than the buffer, assembled
	line  int
	off   int64
	err   error
}

func newStreamIter(f File, skip int64, delim byte) *streamIter {
	sr := io.NewSectionReader(f.ReaderAt, skip, f.Size-skip)
	return &streamIter{br: bufio.NewReaderSize(sr, readChunk), delim: delim, off: skip}
}

func (it *streamIter) next() ([]string, int, bool, bool) {
	line, err := it.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		it.long = append(it.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = it.br.ReadSlice('\n')
			it.long = append(it.long, line...)
		}
		line = it.long
	}
	if err != nil && err != io.EOF {
		it.err = err
		return nil, 0, false, false
	}
	if len(line) == 0 && err == io.EOF {
		return nil, 0, false, false
	}
	it.off += int64(len(line))
	it.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if isBlank(line) {
		return nil, it.line, true, true
	}
	it.buf = splitFields(line, it.delim, it.buf[:0])
	return it.buf, it.line, false, true
}

func (it *streamIter) offset() int64 { return it.off }

// headOf returns the first n bytes of f (fewer when the file is shorter), from Data
// when it holds them, else read through ReaderAt.
func headOf(f File, n int) ([]byte, error) {
	n = int(min(int64(n), f.size()))
	if len(f.Data) >= n || !f.streamed() {
		return f.Data[:min(n, len(f.Data))], nil
	}
	return readAtFull(f.ReaderAt, 0, n)
}
