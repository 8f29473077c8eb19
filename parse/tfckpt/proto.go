package tfckpt

import (
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// maxRank bounds the rank of a shape: TensorFlow allows 254; more is refused as corrupt.
const maxRank = 254

var errProto = errors.New("malformed protobuf")

// field is one decoded protobuf field: v holds varint and fixed values, b bytes values.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

// walk calls fn for every field of the message b, stopping at the first error.
func walk(b []byte, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", errProto, protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			f.v = uint64(x)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("%w: field %d: %v", errProto, num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// header is the decoded BundleHeaderProto.
type header struct {
	numShards   int
	bigEndian   bool
	minConsumer int64
	badConsumer bool // version.bad_consumers lists 1, this reader's version
}

func parseHeader(b []byte) (header, error) {
	var h header
	err := walk(b, func(f field) error {
		switch f.num {
		case 1:
			if f.v > math.MaxInt32 {
				return fmt.Errorf("%w: num_shards %d", errProto, f.v)
			}
			h.numShards = int(f.v)
		case 2:
			h.bigEndian = f.v == 1
		case 3:
			return walk(f.b, func(g field) error {
				if g.num == 2 {
					h.minConsumer = int64(g.v)
				}
				if g.num == 3 && g.v == 1 {
					h.badConsumer = true
				}
				return nil
			})
		}
		return nil
	})
	return h, err
}

// parseEntry decodes a BundleEntryProto into e (not its key).
func parseEntry(b []byte, e *Entry) error {
	return walk(b, func(f field) error {
		var err error
		switch f.num {
		case 1:
			e.DType = DType(f.v)
		case 2:
			e.Shape, err = parseShape(f.b)
		case 3:
			if f.v > math.MaxInt32 {
				return fmt.Errorf("%w: shard_id %d", errProto, f.v)
			}
			e.Shard = int(f.v)
		case 4:
			e.Offset, err = nonNegative("offset", f.v)
		case 5:
			e.Size, err = nonNegative("size", f.v)
		case 6:
			e.crc = uint32(f.v)
		case 7:
			var s Slice
			s, err = parseSlice(f.b)
			e.Slices = append(e.Slices, s)
		}
		return err
	})
}

func nonNegative(what string, v uint64) (int64, error) {
	if v > math.MaxInt64 {
		return 0, fmt.Errorf("%w: negative %s", errProto, what)
	}
	return int64(v), nil
}

// parseShape decodes a TensorShapeProto. A dimension of size 0 is an empty Dim message (proto3
// drops the default), so every dim message counts, present size or not. Shapes with
// negative (unknown) dimensions or unknown_rank are refused: stored tensors are fully defined.
func parseShape(b []byte) ([]int64, error) {
	shape := []int64{}
	err := walk(b, func(f field) error {
		switch f.num {
		case 2:
			if len(shape) >= maxRank {
				return fmt.Errorf("%w: rank above %d", errProto, maxRank)
			}
			var size uint64
			err := walk(f.b, func(g field) error {
				if g.num == 1 {
					size = g.v
				}
				return nil
			})
			if err != nil {
				return err
			}
			if size > math.MaxInt64 {
				return fmt.Errorf("%w: dimension %d is negative (unknown)", errProto, int64(size))
			}
			shape = append(shape, int64(size))
		case 3:
			if f.v != 0 {
				return fmt.Errorf("%w: shape of unknown rank", errProto)
			}
		}
		return nil
	})
	return shape, err
}

// parseSlice decodes a TensorSliceProto: extent = 1 {start = 1, length = 2}; a missing
// length means the whole dimension and is stored as -1, TensorFlow's kFullExtent.
func parseSlice(b []byte) (Slice, error) {
	var s Slice
	err := walk(b, func(f field) error {
		if f.num != 1 {
			return nil
		}
		if len(s) >= maxRank {
			return fmt.Errorf("%w: slice rank above %d", errProto, maxRank)
		}
		x := Extent{Start: 0, Length: -1}
		err := walk(f.b, func(g field) error {
			switch g.num {
			case 1:
				x.Start = int64(g.v)
			case 2:
				x.Length = int64(g.v)
			}
			return nil
		})
		s = append(s, x)
		return err
	})
	return s, err
}
