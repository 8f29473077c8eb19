package tfevents

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// floatDType names a floating-point DataType (a *_REF type counts as its value type)
// and gives its size in bytes; ok is false for every other type.
func floatDType(dt int) (name string, size int, ok bool) {
	if dt > dtRefOffset {
		dt -= dtRefOffset
	}
	switch dt {
	case dtFloat:
		return "float32", 4, true
	case dtDouble:
		return "float64", 8, true
	case dtHalf:
		return "float16", 2, true
	case dtBFloat16:
		return "bfloat16", 2, true
	}
	return "", 0, false
}

// repeatedField is the TensorProto field holding the values of a float dtype and
// how many elements it holds.
func (h *tensorHeader) repeatedField() (protowire.Number, int) {
	switch h.dtype % dtRefOffset {
	case dtFloat:
		return tpFloatVal, h.nFloat
	case dtDouble:
		return tpDoubleVal, h.nDouble
	}
	return tpHalfVal, h.nHalf
}

// fromContent converts tensor_content (little-endian, len(c) == n×size) to float32.
func fromContent(c []byte, dtype int, n int) []float32 {
	out := make([]float32, n)
	switch dtype % dtRefOffset {
	case dtFloat:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(c[4*i:]))
		}
	case dtDouble:
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(c[8*i:])))
		}
	default:
		for i := range out {
			out[i] = halfBits(dtype, binary.LittleEndian.Uint16(c[2*i:]))
		}
	}
	return out
}

// fromRepeated collects the n elements of field num (packed or not) as float32. The
// header pass has checked the field's framing, so n bounds what is found.
func fromRepeated(tb []byte, dtype int, num protowire.Number, n int) []float32 {
	out := make([]float32, 0, n)
	r := reader{b: tb}
	for len(out) < n {
		f, typ, ok := r.next()
		if !ok {
			break
		}
		if f != num {
			r.skip(f, typ)
			continue
		}
		if typ == protowire.BytesType {
			out = appendPacked(out[:len(out):n], r.bytes(), dtype)
			continue
		}
		out = append(out, oneValue(&r, dtype, typ))
	}
	return out
}

// appendPacked decodes a packed float/double/half field onto out, never past cap(out).
func appendPacked(out []float32, p []byte, dtype int) []float32 {
	switch dtype % dtRefOffset {
	case dtFloat:
		for ; len(p) >= 4 && len(out) < cap(out); p = p[4:] {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(p)))
		}
	case dtDouble:
		for ; len(p) >= 8 && len(out) < cap(out); p = p[8:] {
			out = append(out, float32(math.Float64frombits(binary.LittleEndian.Uint64(p))))
		}
	default:
		for len(p) > 0 && len(out) < cap(out) {
			v, n := protowire.ConsumeVarint(p)
			if n < 0 {
				break
			}
			out = append(out, halfBits(dtype, uint16(v)))
			p = p[n:]
		}
	}
	return out
}

// oneValue decodes one unpacked float_val/double_val/half_val element.
func oneValue(r *reader, dtype int, typ protowire.Type) float32 {
	switch typ {
	case protowire.Fixed32Type:
		return math.Float32frombits(r.fixed32())
	case protowire.Fixed64Type:
		return float32(math.Float64frombits(r.fixed64()))
	case protowire.VarintType:
		return halfBits(dtype, uint16(r.varint()))
	}
	r.fail()
	return 0
}

// halfBits converts 16 stored bits: IEEE binary16 for DT_HALF, the upper half of a
// float32 for DT_BFLOAT16.
func halfBits(dtype int, h uint16) float32 {
	if dtype%dtRefOffset == dtBFloat16 {
		return math.Float32frombits(uint32(h) << 16)
	}
	return halfToFloat32(h)
}

// halfToFloat32 converts an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0: // zero or subnormal: mant × 2⁻²⁴
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	case 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// stringVals returns the string_val elements of a TensorProto, copied.
func stringVals(tb []byte, n int) []string {
	out := make([]string, 0, n)
	r := reader{b: tb}
	for {
		f, typ, ok := r.next()
		if !ok {
			break
		}
		if f == tpStringVal && typ == protowire.BytesType {
			out = append(out, string(r.bytes()))
		} else {
			r.skip(f, typ)
		}
	}
	return out
}

// stringContent decodes a DT_STRING tensor_content (tensorflow EncodeStringList: n
// varint32 lengths, then the bytes); ok is false when c does not hold exactly that.
func stringContent(c []byte, n int64) ([]string, bool) {
	if n > int64(len(c)) { // every string takes at least its length byte
		return nil, false
	}
	lens := make([]uint64, n)
	for i := range lens {
		v, k := protowire.ConsumeVarint(c)
		if k < 0 || k > 5 || v > uint64(len(c)) {
			return nil, false
		}
		lens[i], c = v, c[k:]
	}
	out := make([]string, n)
	for i, l := range lens {
		if l > uint64(len(c)) {
			return nil, false
		}
		out[i], c = string(c[:l]), c[l:]
	}
	return out, len(c) == 0
}
