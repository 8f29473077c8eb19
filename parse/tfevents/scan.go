package tfevents

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/embproj/projector/parse/internal/tfwire"
	"google.golang.org/protobuf/encoding/protowire"
)

const (
	headerLen = 12 // uint64 length + uint32 masked CRC of the length
	footerLen = 4  // uint32 masked CRC of the data
	// windowSize is the reusable read buffer: records up to this size (header and
	// footer included) are checked and decoded in place.
	windowSize = 1 << 20
	// peekSize is how much of a larger record is looked at before deciding to read it.
	peekSize = 64 << 10
	// recordSlack is what a record may hold beyond MaxTensorBytes of tensor (tag,
	// metadata, protobuf framing, float64 or packed-varint overhead is checked later).
	recordSlack = 1 << 20
	// progressEvery is how many bytes pass between Progress calls.
	progressEvery = 8 << 20
	// maxPerCode is how many findings of one code are kept per file.
	maxPerCode = 10
)

// Sniff reports whether head, the first bytes of a file (at least 12), looks like a
// TFRecord stream: its first 8 bytes (a record length) carry their masked CRC32C in
// the next 4.
func Sniff(head []byte) bool {
	if len(head) < headerLen {
		return false
	}
	return headerOK(head)
}

// headerOK checks a record header's length checksum (h holds at least 12 bytes).
func headerOK(h []byte) bool { return tfwire.LengthOK(h) }

// scanner is the state of one Scan.
type scanner struct {
	name    string
	r       io.ReaderAt
	size    int64
	opts    Options
	res     *Result
	win     []byte // window of the file, at winOff
	winOff  int64
	big     []byte // reused for records larger than the window
	perCode map[string]int
	nextP   int64
	fast    bool // use inWindow
}

// Scan reads the TFRecord stream of size bytes from r (the file called name) and
// returns the embeddings and labels it holds, what else it holds, and findings.
// It reads at most about 1 MiB at a time, plus whole records holding tensor summaries
// of up to Options.MaxTensorBytes; every record's length and data checksums are
// checked. It never returns nil.
func Scan(name string, r io.ReaderAt, size int64, opts Options) *Result {
	return scan(name, r, size, opts, true)
}

// scan is Scan, with the fast path for records that are only counted on or off (the
// tests compare both).
func scan(name string, r io.ReaderAt, size int64, opts Options, fast bool) *Result {
	if opts.MaxTensorBytes <= 0 {
		opts.MaxTensorBytes = DefaultMaxTensorBytes
	}
	s := &scanner{name: name, r: r, size: size, opts: opts, res: &Result{File: name},
		perCode: map[string]int{}, nextP: progressEvery, fast: fast}
	if s.run() && opts.Progress != nil {
		opts.Progress(size, size)
	}
	s.summarize()
	return s.res
}

// run walks the records; false when it stopped on a read error.
func (s *scanner) run() bool {
	if s.r == nil {
		s.add(Error, "events-read-error", 0, "there is nothing to read the file from (no reader)")
		return false
	}
	if s.size < headerLen {
		s.add(Error, "events-not-tfrecord", 0, "the file has %d bytes, too few for a TFRecord header (12); it is not a TensorBoard events file", max(s.size, 0))
		return true
	}
	for off := int64(0); off < s.size; {
		if next := s.inWindow(off); next > off {
			off = next
			s.progress(off)
			continue
		}
		next, err := s.record(off)
		if err != nil {
			s.add(Error, "events-read-error", off, "reading the record at byte %d failed: %v", off, err)
			return false
		}
		if next < 0 {
			return true
		}
		off = next
		s.progress(off)
	}
	return true
}

// progress calls Options.Progress when another progressEvery bytes have passed.
func (s *scanner) progress(off int64) {
	if s.opts.Progress != nil && off >= s.nextP && off < s.size {
		s.opts.Progress(off, s.size)
		s.nextP = off + progressEvery
	}
}

// view returns the n file bytes at off (n ≤ windowSize, off+n ≤ size), reading a new
// window when they are not in the current one.
func (s *scanner) view(off, n int64) ([]byte, error) {
	if off >= s.winOff && off+n <= s.winOff+int64(len(s.win)) {
		return s.win[off-s.winOff : off-s.winOff+n], nil
	}
	if s.win == nil {
		s.win = make([]byte, min(windowSize, s.size))
	}
	m := min(int64(cap(s.win)), s.size-off)
	if err := readFull(s.r, s.win[:m], off); err != nil {
		s.win = s.win[:0]
		return nil, err
	}
	s.win, s.winOff = s.win[:m], off
	return s.win[:n], nil
}

// readFull reads len(b) bytes at off; an early end of the reader is an error.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%d of %d bytes at byte %d: %w", n, len(b), off, err)
}

// record checks and handles the record at off and returns the offset of the next
// one, or -1 when scanning must stop (a finding says why).
func (s *scanner) record(off int64) (int64, error) {
	rem := s.size - off
	if rem < headerLen {
		s.add(Warning, "events-truncated", off, "the file ends %d bytes into a record header at byte %d (a header has 12); the records before it were read", rem, off)
		return -1, nil
	}
	h, err := s.view(off, headerLen)
	if err != nil {
		return -1, err
	}
	if !headerOK(h) {
		s.badHeader(off)
		return -1, nil
	}
	n := binary.LittleEndian.Uint64(h)
	if rem < headerLen+footerLen || n > uint64(rem-headerLen-footerLen) {
		s.add(Warning, "events-truncated", off, "the record at byte %d announces %d bytes of data but only %d bytes remain; the file was cut short (or is still being written), the records before it were read", off, n, rem-headerLen)
		return -1, nil
	}
	total := headerLen + int64(n) + footerLen
	if total <= windowSize {
		err = s.small(off, int64(n))
	} else {
		err = s.large(off, int64(n))
	}
	return off + total, err
}

// badHeader reports a record header whose length checksum is wrong.
func (s *scanner) badHeader(off int64) {
	if off == 0 {
		s.add(Error, "events-not-tfrecord", 0, "the first 12 bytes are not a TFRecord header (length checksum mismatch); this is not a TensorBoard events file")
		return
	}
	s.add(Warning, "events-crc", off, "the length checksum of the record at byte %d is wrong, so the records after it cannot be found; the last %d bytes of the file were not read", off, s.size-off)
}

// small checks and decodes a record that fits in the window.
func (s *scanner) small(off, n int64) error {
	rec, err := s.view(off, headerLen+n+footerLen)
	if err != nil {
		return err
	}
	data := rec[headerLen : headerLen+n]
	if !s.dataOK(off, data, rec[headerLen+n:]) {
		return nil
	}
	s.event(data, off)
	return nil
}

// dataOK checks a record's data checksum against its footer, reporting a mismatch.
func (s *scanner) dataOK(off int64, data, footer []byte) bool {
	return s.crcOK(off, len(data), tfwire.CRC32C(data), footer)
}

// crcOK compares an unmasked CRC with the stored masked one.
func (s *scanner) crcOK(off int64, n int, crc uint32, footer []byte) bool {
	if tfwire.Unmask(binary.LittleEndian.Uint32(footer)) == crc {
		s.res.Counts.Records++
		return true
	}
	s.add(Warning, "events-crc", off, "the data checksum of the record at byte %d (%d bytes) is wrong; the record was skipped", off, n)
	return false
}

// large handles a record bigger than the window: summaries up to the tensor limit
// are read whole into a reused buffer; anything else is checksummed in pieces and
// counted from its first bytes.
func (s *scanner) large(off, n int64) error {
	head, err := s.view(off+headerLen, min(n, peekSize))
	if err != nil {
		return err
	}
	p := peek(head)
	if p.summary && n <= s.opts.MaxTensorBytes+recordSlack {
		if int64(cap(s.big)) < n {
			s.big = make([]byte, n)
		}
		data := s.big[:n]
		if err := readFull(s.r, data, off+headerLen); err != nil {
			return err
		}
		footer, err := s.view(off+headerLen+n, footerLen)
		if err != nil {
			return err
		}
		if s.dataOK(off, data, footer) {
			s.event(data, off)
		}
		return nil
	}
	return s.skipLarge(off, n, p)
}

// skipLarge checksums a record in window-sized pieces and counts it from p.
func (s *scanner) skipLarge(off, n int64, p peekInfo) error {
	crc := uint32(0)
	for done := int64(0); done < n; {
		k := min(n-done, windowSize)
		b, err := s.view(off+headerLen+done, k)
		if err != nil {
			return err
		}
		crc = tfwire.UpdateCRC32C(crc, b)
		done += k
	}
	footer, err := s.view(off+headerLen+n, footerLen)
	if err != nil {
		return err
	}
	if !s.crcOK(off, int(min(n, int64(^uint(0)>>1))), crc, footer) {
		return nil
	}
	if !p.summary {
		s.countEvent(p.graphs)
		return nil
	}
	s.count(p.kind, p.plugin)
	if p.kind == kindTensor {
		s.add(Warning, "events-tensor-too-large", off, "the tensor summary `%s` %s at byte %d takes %d bytes, more than the limit of %d bytes; it was skipped", p.tag, shapeString(p.dims), off, n, s.opts.MaxTensorBytes)
	}
	return nil
}

// peekInfo is what the first bytes of a large record say about it.
type peekInfo struct {
	summary bool
	graphs  int
	kind    valueKind // of the first Summary.Value
	tag     string
	plugin  string
	dims    []int64
}

// peek decodes what it can of a record from its first bytes.
func peek(head []byte) peekInfo {
	ev, _ := decodeEvent(head, true)
	p := peekInfo{summary: ev.summary != nil, graphs: ev.graphs}
	if !p.summary {
		return p
	}
	r := reader{b: ev.summary, lenient: true}
	for {
		num, typ, ok := r.next()
		if !ok {
			return p
		}
		if num == sumValue && typ == protowire.BytesType {
			v, _ := decodeValue(r.bytes(), true)
			p.kind, p.tag, p.plugin = v.kind, string(v.tag), pluginName(v.meta, true)
			h, _ := decodeTensorHeader(v.tensor, true)
			p.dims = h.dims
			return p
		}
		r.skip(num, typ)
	}
}

// add records a finding, keeping at most maxPerCode of each code.
func (s *scanner) add(sev Severity, code string, off int64, format string, args ...any) {
	s.perCode[code]++
	if s.perCode[code] > maxPerCode {
		return
	}
	s.res.Findings = append(s.res.Findings, Finding{Severity: sev, Code: code, File: s.name, Offset: off, Msg: fmt.Sprintf(format, args...)})
}
