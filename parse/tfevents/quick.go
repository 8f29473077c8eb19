package tfevents

import (
	"encoding/binary"

	"github.com/embproj/projector/parse/internal/tfwire"
	"google.golang.org/protobuf/encoding/protowire"
)

// The fast path. Most records of a big events file are scalars (or images) that
// Scan only counts: they are checked and counted here, in few function calls (they
// are slow in js/wasm), and anything else falls back to the general code.

// inWindow handles the consecutive records at off that lie whole in the current
// window, have right checksums and need no decoding beyond counting (or decode them
// with the general code), and returns the offset after them (off when none).
func (s *scanner) inWindow(off int64) int64 {
	if !s.fast || off < s.winOff || off-s.winOff >= int64(len(s.win)) {
		return off
	}
	w := s.win[off-s.winOff:]
	for len(w) >= headerLen+footerLen {
		n := binary.LittleEndian.Uint64(w)
		if n > uint64(len(w)-headerLen-footerLen) || !headerOK(w) {
			break
		}
		end := headerLen + int(n)
		data := w[headerLen:end]
		if tfwire.Unmask(binary.LittleEndian.Uint32(w[end:])) != tfwire.CRC32C(data) {
			break // record reports it
		}
		s.res.Counts.Records++
		if !s.quick(data) {
			s.event(data, off)
		}
		w = w[end+footerLen:]
		off += int64(end + footerLen)
	}
	return off
}

// uvSlow reads the varint at b[i:] and returns it and the index after it (-1 when
// b ends inside it or it is too long). The callers test for a one-byte varint
// themselves: calls are dear in js/wasm and this one is not inlined.
func uvSlow(b []byte, i int) (uint64, int) {
	if i < 0 || i >= len(b) {
		return 0, -1
	}
	v, n := protowire.ConsumeVarint(b[i:])
	if n < 0 {
		return 0, -1
	}
	return v, i + n
}

// quick counts an Event whose summary values are all scalars, images, histograms,
// audio or tensors of a plugin Scan does not read; false (nothing counted) for
// anything else. Written as one loop with the varints in line: calls are dear in
// js/wasm.
func (s *scanner) quick(d []byte) bool {
	var sum []byte
	for i := 0; i < len(d); {
		key, j := d[i], i+1
		switch key {
		case evWallTime<<3 | 1:
			if i = j + 8; i > len(d) {
				return false
			}
		case evStep << 3: // up to 3 bytes in line (steps below 2²¹), longer ones by call
			switch {
			case j < len(d) && d[j] < 0x80:
				i = j + 1
			case j+1 < len(d) && d[j+1] < 0x80:
				i = j + 2
			case j+2 < len(d) && d[j+2] < 0x80:
				i = j + 3
			default:
				if i = skipVarint(d, j); i < 0 {
					return false
				}
			}
		case evSummary<<3 | 2:
			var ok bool
			if sum, i, ok = lenField(d, j); !ok {
				return false
			}
		default:
			return false
		}
	}
	var scalars, images, histos, audio int
	for i := 0; i < len(sum); {
		if sum[i] != sumValue<<3|2 {
			return false
		}
		l, k := uint64(0), i+1 // the value's length, in line when it is one byte
		if k < len(sum) && sum[k] < 0x80 {
			l, k = uint64(sum[k]), k+1
		} else if l, k = uvSlow(sum, k); k < 0 {
			return false
		}
		if l > uint64(len(sum)-k) {
			return false
		}
		next := k + int(l)
		switch s.quickValue(sum[k:next]) {
		case kindScalar:
			scalars++
		case kindImage:
			images++
		case kindHisto:
			histos++
		case kindAudio:
			audio++
		default:
			return false
		}
		i = next
	}
	if len(sum) == 0 {
		return false
	}
	c := &s.res.Counts
	c.Scalars, c.Images, c.Histograms, c.Audio = c.Scalars+scalars, c.Images+images, c.Histograms+histos, c.Audio+audio
	return true
}

// skipVarint returns the index after the varint at b[i:] (-1 when malformed).
func skipVarint(b []byte, i int) int {
	for k := i; k < len(b) && k < i+9; k++ {
		if b[k] < 0x80 {
			return k + 1
		}
	}
	_, k := uvSlow(b, i) // 10 bytes or cut short
	return k
}

// lenField returns the length-delimited value whose length varint is at b[i:], and
// the index after it; ok false when it does not fit.
func lenField(b []byte, i int) (v []byte, next int, ok bool) {
	l, k := uint64(0), i
	if i < len(b) && b[i] < 0x80 {
		l, k = uint64(b[i]), i+1
	} else if l, k = uvSlow(b, i); k < 0 {
		return nil, 0, false
	}
	if l > uint64(len(b)-k) {
		return nil, 0, false
	}
	return b[k : k+int(l)], k + int(l), true
}

// quickValue returns the kind of a Summary.Value for counting: a scalar, image,
// histogram or audio clip, a tensor of one of TensorBoard's plugins counted as one of
// those (or kindNone after counting it as another tensor), or kindTensor when the
// general code must look at it (or the value is malformed).
func (s *scanner) quickValue(v []byte) valueKind {
	var meta []byte
	kind, i := kindNone, 0
	for i < len(v) {
		key := v[i]
		i++
		switch key {
		case valSimple<<3 | 5:
			kind, i = kindScalar, i+4
			continue
		case valTensor<<3 | 2:
			kind = kindTensor
		case valImage<<3 | 2:
			kind = kindImage
		case valHisto<<3 | 2, valOldHisto<<3 | 2:
			kind = kindHisto
		case valAudio<<3 | 2:
			kind = kindAudio
		case valTag<<3 | 2, valNodeName<<3 | 2, valMetadata<<3 | 2:
		default:
			return kindTensor
		}
		l, k := uint64(0), i // the field's length, in line when it is one byte
		if i < len(v) && v[i] < 0x80 {
			l, k = uint64(v[i]), i+1
		} else if l, k = uvSlow(v, i); k < 0 {
			return kindTensor
		}
		if l > uint64(len(v)-k) {
			return kindTensor
		}
		if key == valMetadata<<3|2 {
			meta = v[k : k+int(l)]
		}
		i = k + int(l)
	}
	if i > len(v) { // a simple_value cut short
		return kindTensor
	}
	if kind == kindTensor {
		return s.quickPluginKind(meta)
	}
	if kind == kindNone {
		return kindTensor
	}
	return kind
}

// quickPluginKind is quickValue's answer for a tensor with metadata meta.
func (s *scanner) quickPluginKind(meta []byte) valueKind {
	if s.opts.AnyPlugin {
		return kindTensor
	}
	p := quickPlugin(meta)
	switch string(p) {
	case "scalars":
		return kindScalar
	case "images":
		return kindImage
	case "histograms", "distributions":
		return kindHisto
	case "audio":
		return kindAudio
	}
	return kindTensor
}

// quickPlugin returns SummaryMetadata.plugin_data.plugin_name (nil when absent or
// when meta holds anything unexpected: the general code then decides).
func quickPlugin(meta []byte) []byte {
	var name []byte
	for i := 0; i < len(meta); {
		key := meta[i]
		if key&7 == 0 && key < 0x80 { // data_class
			if i = skipVarint(meta, i+1); i < 0 {
				return nil
			}
			continue
		}
		v, next, ok := lenField(meta, i+1)
		if !ok || key&7 != 2 || key >= 0x80 {
			return nil
		}
		if key == mdPluginData<<3|2 {
			for k := 0; k < len(v); {
				key2 := v[k]
				w, after, ok := lenField(v, k+1)
				if !ok || key2&7 != 2 || key2 >= 0x80 {
					return nil
				}
				if key2 == pdPluginName<<3|2 {
					name = w
				}
				k = after
			}
		}
		i = next
	}
	return name
}
