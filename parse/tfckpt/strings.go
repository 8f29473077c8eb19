package tfckpt

import (
	"encoding/binary"
	"math"

	"github.com/embproj/projector/parse/internal/tfwire"
)

// ReadStrings reads a DT_STRING tensor (a vocabulary, the object graph) in row-major order.
// The on-disk form is [varint64 length]×N, a masked CRC32C of the lengths (each as a
// uint32, or uint64 above 4 GiB), then the bytes; both that CRC and the entry's are checked.
func (c *Checkpoint) ReadStrings(e Entry, opts ReadOptions) ([]string, error) {
	e, err := c.lookup(e)
	if err != nil {
		return nil, err
	}
	if e.DType != DTString {
		return nil, errf(CodeDType, c.index.Name, -1, "tensor %q is %s, not DT_STRING", e.Key, e.DType)
	}
	if c.v1 {
		return nil, errf(CodeV1, c.index.Name, -1, "string tensor %q: reading strings from V1 checkpoints is not supported", e.Key)
	}
	if len(e.Slices) > 0 {
		return nil, errf(CodeSlices, c.index.Name, -1, "string tensor %q is partitioned; reassembling string slices is not supported", e.Key)
	}
	n, ok := e.NumElements()
	if !ok || n > opts.limit() || n > e.Size { // every element takes at least one length byte
		return nil, errf(CodeTooLarge, c.index.Name, -1, "string tensor %q of shape %v does not fit in %d bytes or the %d-element limit", e.Key, e.Shape, e.Size, opts.limit())
	}
	f, err := c.shardRange(e)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, e.Size)
	_, err = readRange(f, e.Offset, e.Size, raw, opts.Progress, nil)
	if err != nil {
		return nil, err
	}
	if crcStrings(raw, n) != tfwire.Unmask(e.crc) {
		return nil, errf(CodeCRC, f.Name, e.Offset, "string tensor %q: CRC32C mismatch", e.Key)
	}
	out, err := splitStrings(raw, n)
	if err != nil {
		return nil, wrap(CodeCorrupt, f.Name, e.Offset, err, "string tensor %q", e.Key)
	}
	return out, nil
}

// crcStrings computes TensorFlow's checksum of a string tensor: CRC32C over the lengths as
// fixed-width integers, then the stored 4-byte length checksum, then the string bytes. It
// returns 0 if raw does not parse (splitStrings then reports why).
func crcStrings(raw []byte, n int64) uint32 {
	var crc uint32
	p := 0
	var w [8]byte
	for i := int64(0); i < n; i++ {
		l, k := binary.Uvarint(raw[p:])
		if k <= 0 {
			return 0
		}
		p += k
		if l > math.MaxUint32 {
			binary.LittleEndian.PutUint64(w[:], l)
			crc = tfwire.UpdateCRC32C(crc, w[:8])
		} else {
			binary.LittleEndian.PutUint32(w[:], uint32(l))
			crc = tfwire.UpdateCRC32C(crc, w[:4])
		}
	}
	if len(raw)-p < 4 || tfwire.Mask(crc) != binary.LittleEndian.Uint32(raw[p:]) {
		return 0
	}
	return tfwire.UpdateCRC32C(crc, raw[p:])
}

// splitStrings cuts raw into n strings after their lengths and checksum, reading the
// lengths twice rather than holding them (n is bounded by len(raw) already).
func splitStrings(raw []byte, n int64) ([]string, error) {
	p := 0
	for i := int64(0); i < n; i++ {
		_, k := binary.Uvarint(raw[p:])
		if k <= 0 {
			return nil, errProto
		}
		p += k
	}
	data := p + 4
	out := make([]string, n)
	p = 0
	for i := range out {
		l, k := binary.Uvarint(raw[p:])
		p += k
		if data > len(raw) || l > uint64(len(raw)-data) {
			return nil, errProto
		}
		out[i] = string(raw[data : data+int(l)])
		data += int(l)
	}
	if data != len(raw) {
		return nil, errProto
	}
	return out, nil
}
