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
// anything else.
func (s *scanner) quick(d []byte) bool {
	var sum []byte
	for i := 0; i < len(d); {
		key, j := uint64(d[i]), i+1
		if key >= 0x80 {
			return false // no Event field Scan counts has a two-byte key
		}
		switch key {
		case evWallTime<<3 | 1:
			if i = j + 8; i > len(d) {
				return false
			}
		case evStep << 3:
			if j < len(d) && d[j] < 0x80 {
				i = j + 1
			} else if _, i = uvSlow(d, j); i < 0 {
				return false
			}
		case evSummary<<3 | 2:
			l, k := uint64(0), j
			if j < len(d) && d[j] < 0x80 {
				l, k = uint64(d[j]), j+1
			} else if l, k = uvSlow(d, j); k < 0 {
				return false
			}
			if l > uint64(len(d)-k) {
				return false
			}
			sum, i = d[k:k+int(l)], k+int(l)
		default:
			return false
		}
	}
	if len(sum) == 0 {
		return false
	}
	return s.quickSummary(sum)
}

// quickSummary counts the values of a Summary when all are ones Scan does not read.
func (s *scanner) quickSummary(sum []byte) bool {
	var c Counts
	for i := 0; i < len(sum); {
		if sum[i] != sumValue<<3|2 {
			return false
		}
		l, k := uint64(0), i+1
		if k < len(sum) && sum[k] < 0x80 {
			l, k = uint64(sum[k]), k+1
		} else if l, k = uvSlow(sum, k); k < 0 {
			return false
		}
		if l > uint64(len(sum)-k) || !s.quickValue(sum[k:k+int(l)], &c) {
			return false
		}
		i = k + int(l)
	}
	s.res.Counts.add(c)
	return true
}

// quickValue counts a Summary.Value into c when it is not one Scan reads.
func (s *scanner) quickValue(v []byte, c *Counts) bool {
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
			return false
		}
		l, k := uint64(0), i
		if i < len(v) && v[i] < 0x80 {
			l, k = uint64(v[i]), i+1
		} else if l, k = uvSlow(v, i); k < 0 {
			return false
		}
		if l > uint64(len(v)-k) {
			return false
		}
		if key == valMetadata<<3|2 {
			meta = v[k : k+int(l)]
		}
		i = k + int(l)
	}
	if i > len(v) { // a simple_value cut short
		return false
	}
	return s.quickCount(kind, meta, c)
}

// quickCount counts one value of kind into c; tensors only when their plugin is one
// whose tensors Scan does not read.
func (s *scanner) quickCount(kind valueKind, meta []byte, c *Counts) bool {
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
		if s.opts.AnyPlugin {
			return false
		}
		p := quickPlugin(meta)
		switch string(p) {
		case "scalars":
			c.Scalars++
		case "images":
			c.Images++
		case "histograms", "distributions":
			c.Histograms++
		case "audio":
			c.Audio++
		case "", "text":
			return false
		default:
			if !tbPlugins[string(p)] {
				return false
			}
			c.Tensors++
		}
	default:
		return false
	}
	return true
}

// quickPlugin returns SummaryMetadata.plugin_data.plugin_name (nil when absent or
// malformed: the general code then decides).
func quickPlugin(meta []byte) []byte {
	var name []byte
	r := reader{b: meta}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		if num != mdPluginData || typ != protowire.BytesType {
			r.skip(num, typ)
			continue
		}
		pd := reader{b: r.bytes()}
		for {
			n, t, ok := pd.next()
			if !ok {
				break
			}
			if n == pdPluginName && t == protowire.BytesType {
				name = pd.bytes()
			} else {
				pd.skip(n, t)
			}
		}
		if pd.err != nil {
			return nil
		}
	}
	if r.err != nil {
		return nil
	}
	return name
}

// add adds the counts of c.
func (c *Counts) add(d Counts) {
	c.Scalars += d.Scalars
	c.Images += d.Images
	c.Histograms += d.Histograms
	c.Audio += d.Audio
	c.Tensors += d.Tensors
}
