package tfckpt

import (
	"encoding/binary"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// piece is one stored slice of a V1 tensor: its extents and its TensorProto bytes.
type piece struct {
	slice Slice
	data  []byte
	off   int64
}

// openV1 decodes a V1 checkpoint (TF1 before 0.12): the header key holds
// SavedTensorSlices{meta = 1: SavedTensorSliceMeta{tensor = 1: SavedSliceMeta{name = 1,
// shape = 2, type = 3, slice = 4}}}; every other key holds SavedTensorSlices{data = 2:
// SavedSlice{name = 1, slice = 2, data = 3 TensorProto}}.
func (c *Checkpoint) openV1(kvs []kv) error {
	c.v1, c.v1data = true, map[string][]piece{}
	err := walk(kvs[0].value, func(f field) error {
		if f.num != 1 {
			return nil
		}
		return walk(f.b, func(g field) error {
			if g.num != 1 {
				return nil
			}
			e, err := parseSliceMeta(g.b)
			if _, dup := c.byKey[e.Key]; err == nil && dup {
				err = fmt.Errorf("tensor %q listed twice", e.Key)
			}
			c.byKey[e.Key] = len(c.entries)
			c.entries = append(c.entries, e)
			return err
		})
	})
	if err != nil {
		return wrap(CodeCorrupt, c.index.Name, kvs[0].off, err, "V1 checkpoint metadata")
	}
	for _, x := range kvs[1:] {
		if err := c.addV1Slice(x); err != nil {
			return wrap(CodeCorrupt, c.index.Name, x.off, err, "V1 slice %q", printable(x.key))
		}
	}
	sortEntries(c)
	return nil
}

// sortEntries orders entries by key (V1 metadata lists them in writing order).
func sortEntries(c *Checkpoint) {
	es := c.entries
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Key < es[j-1].Key; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
	for i, e := range es {
		c.byKey[e.Key] = i
	}
}

func parseSliceMeta(b []byte) (Entry, error) {
	e := Entry{Shape: []int64{}}
	err := walk(b, func(f field) error {
		var err error
		switch f.num {
		case 1:
			e.Key = string(f.b)
		case 2:
			e.Shape, err = parseShape(f.b)
		case 3:
			e.DType = DType(f.v)
		case 4:
			var s Slice
			s, err = parseSlice(f.b)
			e.Slices = append(e.Slices, s)
		}
		return err
	})
	return e, err
}

// addV1Slice records the SavedSlice held by one data key.
func (c *Checkpoint) addV1Slice(x kv) error {
	return walk(x.value, func(f field) error {
		if f.num != 2 {
			return nil
		}
		var name string
		p := piece{off: x.off}
		err := walk(f.b, func(g field) error {
			var err error
			switch g.num {
			case 1:
				name = string(g.b)
			case 2:
				p.slice, err = parseSlice(g.b)
			case 3:
				p.data = g.b
			}
			return err
		})
		if _, ok := c.byKey[name]; err == nil && !ok {
			err = fmt.Errorf("slice of %q, which the metadata does not list", name)
		}
		c.v1data[name] = append(c.v1data[name], p)
		return err
	})
}

// readV1 reassembles a V1 tensor of n elements from its slices' TensorProto values.
func (c *Checkpoint) readV1(e Entry, n int64) ([]float32, error) {
	ps := c.v1data[e.Key]
	slices := make([]Slice, len(ps))
	for i, p := range ps {
		slices[i] = p.slice
	}
	boxes, err := resolveSlices(slices, e.Shape, n)
	if err != nil {
		return nil, errf(CodeSlices, c.index.Name, -1, "V1 tensor %q: %v", e.Key, err)
	}
	var stored int64
	for _, p := range ps {
		stored += int64(len(p.data))
	}
	if stored < n { // every value takes at least one byte: refuse before allocating
		return nil, errf(CodeV1, c.index.Name, -1, "V1 tensor %q: %d elements but only %d bytes of values", e.Key, n, stored)
	}
	out := make([]float32, n)
	for i, p := range ps {
		v, err := tensorProtoFloats(p.data, e.DType, boxes[i].volume())
		if err != nil {
			return nil, wrap(CodeV1, c.index.Name, p.off, err, "V1 tensor %q", e.Key)
		}
		place(out, e.Shape, boxes[i], v)
	}
	return out, nil
}

// tensorProtoFloats decodes the values of a TensorProto (tensor_content = 4, float_val = 5,
// double_val = 6, half_val = 13 carrying HALF or BFLOAT16 bits), packed or not, into exactly
// want float32 values. (TensorProto's one-value broadcast is not applied: the V1 writer
// stores every value, and honouring it would let 5 bytes claim gigabytes.)
func tensorProtoFloats(b []byte, t DType, want int64) ([]float32, error) {
	var out []float32
	err := walk(b, func(f field) error {
		var err error
		switch f.num {
		case 4:
			if int64(len(f.b)) != want*int64(t.Size()) {
				return fmt.Errorf("tensor_content of %d bytes for %d %s values", len(f.b), want, t)
			}
			out = make([]float32, want)
			converter(t, false)(out, f.b)
		case 5, 6, 13:
			out, err = appendValues(out, f, t, want)
		}
		return err
	})
	if err == nil && int64(len(out)) != want {
		err = fmt.Errorf("%d values stored, %d expected (data not in float_val, double_val, half_val or tensor_content?)", len(out), want)
	}
	return out, err
}

// appendValues appends the values of one float_val/double_val/half_val field, packed
// (bytes) or single, refusing more than want values in all.
func appendValues(out []float32, f field, t DType, want int64) ([]float32, error) {
	okType := (f.num == 5 && t == DTFloat) || (f.num == 6 && t == DTDouble) || (f.num == 13 && (t == DTHalf || t == DTBfloat16))
	if !okType {
		return out, fmt.Errorf("field %d holds values of another type than %s", f.num, t)
	}
	one := func(v uint64) {
		switch f.num {
		case 5:
			out = append(out, math.Float32frombits(uint32(v)))
		case 6:
			out = append(out, float32(math.Float64frombits(v)))
		default:
			if t == DTHalf {
				out = append(out, halfToFloat32(uint16(v)))
			} else {
				out = append(out, math.Float32frombits(uint32(uint16(v))<<16))
			}
		}
	}
	if f.typ != protowire.BytesType {
		one(f.v)
		return out, nil
	}
	b := f.b
	for len(b) > 0 && int64(len(out)) < want+1 {
		switch f.num {
		case 5:
			if len(b) < 4 {
				return out, errProto
			}
			one(uint64(binary.LittleEndian.Uint32(b)))
			b = b[4:]
		case 6:
			if len(b) < 8 {
				return out, errProto
			}
			one(binary.LittleEndian.Uint64(b))
			b = b[8:]
		default:
			v, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return out, errProto
			}
			one(v)
			b = b[k:]
		}
	}
	if int64(len(out)) > want {
		return out, fmt.Errorf("more than %d values stored", want)
	}
	return out, nil
}
