package tfevents

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/embproj/projector/parse/internal/tfwire"
	"google.golang.org/protobuf/encoding/protowire"
)

// A small events-file writer for the tests: it frames records like TensorFlow's
// RecordWriter and serializes Event / Summary / Value / TensorProto by hand.

// record frames data as one TFRecord: length, masked CRC of the length, data,
// masked CRC of the data.
func record(data []byte) []byte {
	var h [12]byte
	binary.LittleEndian.PutUint64(h[:8], uint64(len(data)))
	binary.LittleEndian.PutUint32(h[8:], tfwire.MaskedCRC32C(h[:8]))
	out := append(h[:], data...)
	return binary.LittleEndian.AppendUint32(out, tfwire.MaskedCRC32C(data))
}

// file concatenates records of the given events.
func file(events ...[]byte) []byte {
	var out []byte
	for _, e := range events {
		out = append(out, record(e)...)
	}
	return out
}

func appendBytesField(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// versionEvent is the first event of every file: file_version "brain.Event:2".
func versionEvent() []byte {
	b := protowire.AppendTag(nil, evWallTime, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(1655101300.5))
	return appendBytesField(b, 3, []byte("brain.Event:2"))
}

// summaryEvent is an Event{wall_time, step, summary{values}}.
func summaryEvent(step int64, values ...[]byte) []byte {
	b := protowire.AppendTag(nil, evWallTime, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(1700000000+float64(step)))
	b = protowire.AppendTag(b, evStep, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(step))
	var sum []byte
	for _, v := range values {
		sum = appendBytesField(sum, sumValue, v)
	}
	return appendBytesField(b, evSummary, sum)
}

// graphEvent is an Event holding a graph_def of n bytes.
func graphEvent(n int) []byte {
	return appendBytesField(nil, evGraphDef, make([]byte, n))
}

// scalarValue is an old-style Value{tag, simple_value}.
func scalarValue(tag string, v float32) []byte {
	b := appendBytesField(nil, valTag, []byte(tag))
	b = protowire.AppendTag(b, valSimple, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, math.Float32bits(v))
}

// imageValue is an old-style Value{tag, image{…}}.
func imageValue(tag string, png int) []byte {
	b := appendBytesField(nil, valTag, []byte(tag))
	return appendBytesField(b, valImage, appendBytesField(nil, 4, make([]byte, png)))
}

// tensorValue is Value{tag, metadata{plugin_data{plugin_name}} (when plugin != ""), tensor}.
func tensorValue(tag, plugin string, tensor []byte) []byte {
	b := appendBytesField(nil, valTag, []byte(tag))
	if plugin != "" {
		pd := appendBytesField(nil, pdPluginName, []byte(plugin))
		b = appendBytesField(b, valMetadata, appendBytesField(nil, mdPluginData, pd))
	}
	return appendBytesField(b, valTensor, tensor)
}

// tensorHead is a TensorProto's dtype and shape; a size-0 dimension is an empty Dim.
func tensorHead(dtype int, dims ...int64) []byte {
	b := protowire.AppendTag(nil, tpDType, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(dtype))
	var sh []byte
	for _, d := range dims {
		var dim []byte
		if d != 0 {
			dim = protowire.AppendTag(dim, dimSize, protowire.VarintType)
			dim = protowire.AppendVarint(dim, uint64(d))
		}
		sh = appendBytesField(sh, shDim, dim)
	}
	return appendBytesField(b, tpShape, sh)
}

// contentTensor is a float32 tensor in tensor_content.
func contentTensor(vals []float32, dims ...int64) []byte {
	c := make([]byte, 0, 4*len(vals))
	for _, v := range vals {
		c = binary.LittleEndian.AppendUint32(c, math.Float32bits(v))
	}
	return appendBytesField(tensorHead(dtFloat, dims...), tpContent, c)
}

// floatValTensor is a float32 tensor in float_val, packed or one field per value.
func floatValTensor(vals []float32, packed bool, dims ...int64) []byte {
	b := tensorHead(dtFloat, dims...)
	if packed {
		var p []byte
		for _, v := range vals {
			p = protowire.AppendFixed32(p, math.Float32bits(v))
		}
		return appendBytesField(b, tpFloatVal, p)
	}
	for _, v := range vals {
		b = protowire.AppendTag(b, tpFloatVal, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(v))
	}
	return b
}

// doubleValTensor is a float64 tensor in packed double_val.
func doubleValTensor(vals []float64, dims ...int64) []byte {
	var p []byte
	for _, v := range vals {
		p = protowire.AppendFixed64(p, math.Float64bits(v))
	}
	return appendBytesField(tensorHead(dtDouble, dims...), tpDoubleVal, p)
}

// halfValTensor is a DT_HALF or DT_BFLOAT16 tensor in packed half_val.
func halfValTensor(dtype int, bits []uint16, dims ...int64) []byte {
	var p []byte
	for _, v := range bits {
		p = protowire.AppendVarint(p, uint64(v))
	}
	return appendBytesField(tensorHead(dtype, dims...), tpHalfVal, p)
}

// stringTensor is a DT_STRING tensor in string_val.
func stringTensor(strs []string, dims ...int64) []byte {
	b := tensorHead(dtString, dims...)
	for _, s := range strs {
		b = appendBytesField(b, tpStringVal, []byte(s))
	}
	return b
}

// seq returns n float32 values start, start+1, ….
func seq(n int, start float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = start + float32(i)
	}
	return v
}

// wave returns rows×cols float32 values that spread the rows apart in every
// dimension (sin of a different frequency per column), deterministic.
func wave(rows, cols int) []float32 {
	v := make([]float32, rows*cols)
	for i := range rows {
		for j := range cols {
			v[i*cols+j] = float32(math.Sin(float64(i+1) * float64(j+1) * 0.37))
		}
	}
	return v
}

// words returns n labels "w0", "w1", ….
func words(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "w" + strconv.Itoa(i)
	}
	return s
}
