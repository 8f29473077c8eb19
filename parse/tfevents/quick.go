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

// uv reads the varint at b[i:] and returns it and the index after it (-1 when b
// ends inside it or it is too long). One-byte varints take no call.
func uv(b []byte, i int) (uint64, int) {
	if i < len(b) && b[i] < 0x80 {
		return uint64(b[i]), i + 1
	}
	return uvSlow(b, i)
}

func uvSlow(b []byte, i int) (uint64, int) {
	if i >= len(b) {
		return 0, -1
	}
	v, n := protowire.ConsumeVarint(b[i:])
	if n < 0 {
		return 0, -1
	}
	return v, i + n
}

// field returns the length-delimited value at b[i:] (after its key) and the index
// after it; ok false when it does not fit.
func field(b []byte, i int) (v []byte, next int, ok bool) {
	l, j := uv(b, i)
	if j < 0 || l > uint64(len(b)-j) {
		return nil, 0, false
	}
	return b[j : j+int(l)], j + int(l), true
}

// quick counts an Event whose summary values are all scalars, images, histograms,
// audio or tensors of a plugin Scan does not read; false (nothing counted) for
// anything else.
func (s *scanner) quick(d []byte) bool {
	var sum []byte
	for i := 0; i < len(d); {
		key, j := uv(d, i)
		switch key {
		case evWallTime<<3 | 1:
			i = j + 8
			if i > len(d) {
				return false
			}
		case evStep << 3:
			if _, i = uv(d, j); i < 0 {
				return false
			}
		case evSummary<<3 | 2:
			var ok bool
			if sum, i, ok = field(d, j); !ok {
				return false
			}
		default:
			return false
		}
	}
	if sum == nil {
		return false
	}
	var c Counts
	for i := 0; i < len(sum); {
		key, j := uv(sum, i)
		if key != sumValue<<3|2 {
			return false
		}
		v, next, ok := field(sum, j)
		if !ok || !s.quickValue(v, &c) {
			return false
		}
		i = next
	}
	s.res.Counts.add(c)
	return true
}

// quickValue counts a Summary.Value into c when it is not one Scan reads.
func (s *scanner) quickValue(v []byte, c *Counts) bool {
	var meta []byte
	kind := kindNone
	for i := 0; i < len(v); {
		key, j := uv(v, i)
		if j < 0 {
			return false
		}
		switch key {
		case valSimple<<3 | 5:
			kind, i = kindScalar, j+4
			if i > len(v) {
				return false
			}
			continue
		case valMetadata<<3 | 2:
			var ok bool
			if meta, i, ok = field(v, j); !ok {
				return false
			}
			continue
		case valTensor<<3 | 2:
			kind = kindTensor
		case valImage<<3 | 2:
			kind = kindImage
		case valHisto<<3 | 2, valOldHisto<<3 | 2:
			kind = kindHisto
		case valAudio<<3 | 2:
			kind = kindAudio
		case valTag<<3 | 2, valNodeName<<3 | 2:
		default:
			return false
		}
		var ok bool
		if _, i, ok = field(v, j); !ok {
			return false
		}
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
	for i := 0; i < len(meta); {
		key, j := uv(meta, i)
		v, next, ok := field(meta, j)
		if j < 0 || key&7 != 2 || !ok {
			return nil
		}
		if key == mdPluginData<<3|2 {
			for k := 0; k < len(v); {
				key2, l := uv(v, k)
				w, after, ok := field(v, l)
				if l < 0 || key2&7 != 2 || !ok {
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

// add adds the counts of c.
func (c *Counts) add(d Counts) {
	c.Scalars += d.Scalars
	c.Images += d.Images
	c.Histograms += d.Histograms
	c.Audio += d.Audio
	c.Tensors += d.Tensors
}
