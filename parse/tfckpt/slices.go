package tfckpt

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// maxSlices bounds the pieces of one partitioned variable (their pairwise overlap check is
// quadratic); real partitioners use a handful.
const maxSlices = 4096

// sliceKey returns the bundle key of one piece of a partitioned variable, as TensorFlow's
// EncodeTensorNameSlice writes it with OrderedCode: NumIncreasing(0), String(name),
// NumIncreasing(rank), then SignedNumIncreasing(start), SignedNumIncreasing(length) per
// dimension (length -1 for a whole dimension).
func sliceKey(name string, s Slice) string {
	b := appendNumIncreasing(nil, 0)
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case 0x00:
			b = append(b, 0x00, 0xff)
		case 0xff:
			b = append(b, 0xff, 0x00)
		default:
			b = append(b, name[i])
		}
	}
	b = append(b, 0x00, 0x01)
	b = appendNumIncreasing(b, uint64(len(s)))
	for _, x := range s {
		b = appendSignedNumIncreasing(b, x.Start)
		b = appendSignedNumIncreasing(b, x.Length)
	}
	return string(b)
}

// appendNumIncreasing writes one length byte and v big-endian without leading zeros.
func appendNumIncreasing(b []byte, v uint64) []byte {
	n := (bits.Len64(v) + 7) / 8
	b = append(b, byte(n))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// appendSignedNumIncreasing writes v in OrderedCode's signed form: n bytes hold values in
// [-2^(7n-1), 2^(7n-1)), the leading bits of the first one or two bytes giving the length.
func appendSignedNumIncreasing(b []byte, v int64) []byte {
	x := uint64(v)
	if v < 0 {
		x = ^x
	}
	if x < 64 {
		return append(b, 0x80^byte(v))
	}
	n := (bits.Len64(x) + 7) / 7 // bits of magnitude plus the sign bit, 7 per byte
	var buf [10]byte
	if v < 0 {
		buf[0], buf[1] = 0xff, 0xff
	}
	binary.BigEndian.PutUint64(buf[2:], uint64(v))
	head := [11][2]byte{{}, {0x80, 0}, {0xc0, 0}, {0xe0, 0}, {0xf0, 0}, {0xf8, 0}, {0xfc, 0}, {0xfe, 0}, {0xff, 0}, {0xff, 0x80}, {0xff, 0xc0}}
	out := buf[10-n:]
	out[0] ^= head[n][0]
	out[1] ^= head[n][1]
	return append(b, out...)
}

// box is a slice resolved against the full shape: start and length per dimension.
type box struct{ start, size []int64 }

// resolveSlice turns s into a box within shape, or explains why it does not fit.
func resolveSlice(s Slice, shape []int64) (box, error) {
	if len(s) != len(shape) {
		return box{}, fmt.Errorf("slice of rank %d for a tensor of rank %d", len(s), len(shape))
	}
	bx := box{make([]int64, len(s)), make([]int64, len(s))}
	for d, x := range s {
		l := x.Length
		if l == -1 {
			l = shape[d] - x.Start
		}
		if x.Start < 0 || l < 0 || x.Start > shape[d] || l > shape[d]-x.Start {
			return box{}, fmt.Errorf("extent %d+%d outside dimension %d of size %d", x.Start, x.Length, d, shape[d])
		}
		bx.start[d], bx.size[d] = x.Start, l
	}
	return bx, nil
}

func (b box) volume() int64 {
	n, _ := numElements(b.size)
	return n
}

func (b box) overlaps(o box) bool {
	for d := range b.start {
		if b.start[d] >= o.start[d]+o.size[d] || o.start[d] >= b.start[d]+b.size[d] {
			return false
		}
	}
	return true
}

// resolveSlices checks that the slices tile shape exactly: each inside it, none overlapping,
// their volumes adding up to n.
func resolveSlices(slices []Slice, shape []int64, n int64) ([]box, error) {
	if len(slices) > maxSlices {
		return nil, fmt.Errorf("%d slices, above the limit of %d", len(slices), maxSlices)
	}
	boxes := make([]box, len(slices))
	var total int64
	for i, s := range slices {
		b, err := resolveSlice(s, shape)
		if err != nil {
			return nil, err
		}
		for _, o := range boxes[:i] {
			if b.overlaps(o) && b.volume() > 0 {
				return nil, fmt.Errorf("slices overlap at %v", b.start)
			}
		}
		boxes[i] = b
		total += b.volume()
	}
	if total != n {
		return nil, fmt.Errorf("slices cover %d of %d elements", total, n)
	}
	return boxes, nil
}

// place copies src, the row-major contents of box b, into dst, the row-major full tensor
// of the given shape.
func place(dst []float32, shape []int64, b box, src []float32) {
	r := len(shape)
	if r == 0 {
		copy(dst, src)
		return
	}
	strides := make([]int64, r)
	strides[r-1] = 1
	for d := r - 2; d >= 0; d-- {
		strides[d] = strides[d+1] * shape[d+1]
	}
	run := b.size[r-1]
	idx := make([]int64, r) // odometer over the box's leading dimensions
	for s := int64(0); s < int64(len(src)); s += run {
		off := int64(0)
		for d := range idx {
			off += (b.start[d] + idx[d]) * strides[d]
		}
		copy(dst[off:off+run], src[s:s+run])
		for d := r - 2; d >= 0; d-- {
			if idx[d]++; idx[d] < b.size[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// readPartitioned reassembles a partitioned variable from its slice pieces, each stored as
// its own bundle entry under sliceKey.
func (c *Checkpoint) readPartitioned(e Entry, n int64, opts ReadOptions) ([]float32, error) {
	boxes, err := resolveSlices(e.Slices, e.Shape, n)
	if err != nil {
		return nil, errf(CodeSlices, c.index.Name, -1, "partitioned tensor %q: %v", e.Key, err)
	}
	pieces := make([]Entry, len(boxes))
	var total, done int64
	for i, s := range e.Slices {
		p, ok := c.pieces[sliceKey(e.Key, s)]
		if !ok {
			return nil, errf(CodeSlices, c.index.Name, -1, "partitioned tensor %q: slice %v is not in the index", e.Key, s)
		}
		if p.DType != e.DType || !slices.Equal(p.Shape, boxes[i].size) || len(p.Slices) > 0 {
			return nil, errf(CodeSlices, c.index.Name, -1, "partitioned tensor %q: slice %v is stored as %s %v", e.Key, s, p.DType, p.Shape)
		}
		if p.Size != boxes[i].volume()*int64(p.DType.Size()) {
			return nil, errf(CodeCorrupt, c.index.Name, -1, "partitioned tensor %q: slice %v has %d bytes for %v %s", e.Key, s, p.Size, p.Shape, p.DType)
		}
		if _, err := c.shardRange(p); err != nil { // all pieces present before allocating
			return nil, err
		}
		pieces[i] = p
		total += p.Size
	}
	out := make([]float32, n)
	for i, p := range pieces {
		var prog func(d, t int64)
		if opts.Progress != nil {
			prog = func(d, _ int64) { opts.Progress(done+d, total) }
		}
		v, err := c.readDense(p, boxes[i].volume(), prog)
		if err != nil {
			return nil, err
		}
		place(out, e.Shape, boxes[i], v)
		done += p.Size
	}
	return out, nil
}
