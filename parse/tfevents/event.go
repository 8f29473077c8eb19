package tfevents

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of TensorBoard's protos (TF-FORMATS.md §3.3).
const (
	evWallTime     = 1 // Event.wall_time, double
	evStep         = 2 // Event.step, int64
	evGraphDef     = 4 // Event.graph_def, bytes
	evSummary      = 5 // Event.summary, Summary
	evTaggedRunMD  = 8 // Event.tagged_run_metadata
	evMetaGraphDef = 9 // Event.meta_graph_def, bytes
	// Event.source_metadata, the last field: 3 to 10 are all length-delimited.
	evSourceMetadata = 10

	sumValue = 1 // Summary.value, repeated Value

	valTag         = 1 // Value.tag
	valSimple      = 2 // Value.simple_value, float
	valOldHisto    = 3 // Value.obsolete_old_style_histogram
	valImage       = 4 // Value.image
	valHisto       = 5 // Value.histo
	valAudio       = 6 // Value.audio
	valNodeName    = 7 // Value.node_name (TF1 TensorSummary)
	valTensor      = 8 // Value.tensor, TensorProto
	valMetadata    = 9 // Value.metadata, SummaryMetadata
	mdPluginData   = 1 // SummaryMetadata.plugin_data
	pdPluginName   = 1 // PluginData.plugin_name
	tpDType        = 1 // TensorProto.dtype
	tpShape        = 2 // TensorProto.tensor_shape
	tpContent      = 4 // TensorProto.tensor_content, raw little-endian
	tpFloatVal     = 5 // TensorProto.float_val, repeated float
	tpDoubleVal    = 6 // TensorProto.double_val, repeated double
	tpStringVal    = 8 // TensorProto.string_val, repeated bytes
	tpHalfVal      = 13
	shDim          = 2 // TensorShapeProto.dim
	shUnknownRank  = 3
	dimSize        = 1 // TensorShapeProto.Dim.size
	maxRank        = 32
	dtFloat        = 1
	dtDouble       = 2
	dtString       = 7
	dtBFloat16     = 14
	dtHalf         = 19
	dtRefOffset    = 100
	maxVarintBytes = 10
)

// event is the part of an Event that Scan needs.
type event struct {
	wall    float64
	step    int64
	summary []byte // serialized Summary, nil when the event has none
	graphs  int    // graph_def, meta_graph_def and tagged_run_metadata fields
}

// decodeEvent reads an Event; the summary aliases b.
func decodeEvent(b []byte, lenient bool) (event, error) {
	var ev event
	r := reader{b: b, lenient: lenient}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == evWallTime && typ == protowire.Fixed64Type:
			ev.wall = math.Float64frombits(r.fixed64())
		case num == evStep && typ == protowire.VarintType:
			ev.step = int64(r.varint())
		case num == evSummary && typ == protowire.BytesType:
			ev.summary = r.bytes()
		case num == evGraphDef || num == evTaggedRunMD || num == evMetaGraphDef:
			ev.graphs++
			r.skip(num, typ)
		default: // file_version, session_log, source_metadata, …
			r.skip(num, typ)
		}
	}
	return ev, r.err
}

// valueKind is which member of Summary.Value's oneof is set.
type valueKind uint8

const (
	kindNone valueKind = iota
	kindScalar
	kindImage
	kindHisto
	kindAudio
	kindTensor
)

// value is the part of a Summary.Value that Scan needs; slices alias the record.
type value struct {
	tag    []byte // tag, or node_name when tag is empty
	meta   []byte // serialized SummaryMetadata
	kind   valueKind
	tensor []byte // serialized TensorProto when kind == kindTensor
}

// decodeValue reads one Summary.Value.
func decodeValue(b []byte, lenient bool) (value, error) {
	var v value
	var node []byte
	r := reader{b: b, lenient: lenient}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == valTag && typ == protowire.BytesType:
			v.tag = r.bytes()
		case num == valNodeName && typ == protowire.BytesType:
			node = r.bytes()
		case num == valMetadata && typ == protowire.BytesType:
			v.meta = r.bytes()
		case num == valTensor && typ == protowire.BytesType:
			v.kind, v.tensor = kindTensor, r.bytes()
		default:
			if k := oldKind(num); k != kindNone {
				v.kind = k
			}
			r.skip(num, typ)
		}
	}
	if len(v.tag) == 0 {
		v.tag = node
	}
	return v, r.err
}

// oldKind maps the non-tensor members of Value's oneof to their kind.
func oldKind(num protowire.Number) valueKind {
	switch num {
	case valSimple:
		return kindScalar
	case valImage:
		return kindImage
	case valHisto, valOldHisto:
		return kindHisto
	case valAudio:
		return kindAudio
	}
	return kindNone
}

// pluginName returns SummaryMetadata.plugin_data.plugin_name ("" when absent).
func pluginName(meta []byte, lenient bool) string {
	r := reader{b: meta, lenient: lenient}
	var name []byte
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		if num != mdPluginData || typ != protowire.BytesType {
			r.skip(num, typ)
			continue
		}
		pd := reader{b: r.bytes(), lenient: lenient}
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
	}
	return string(name)
}

// tensorHeader is a TensorProto's dtype, shape and where its values are.
type tensorHeader struct {
	dtype       int
	dims        []int64
	unknownRank bool
	content     []byte // tensor_content (aliases the record)
	// nFloat, nDouble, nHalf, nString count the elements of float_val, double_val,
	// half_val and string_val, packed or not.
	nFloat, nDouble, nHalf, nString int
}

// decodeTensorHeader reads a TensorProto without decoding its values.
func decodeTensorHeader(b []byte, lenient bool) (tensorHeader, error) {
	var h tensorHeader
	r := reader{b: b, lenient: lenient}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == tpDType && typ == protowire.VarintType:
			h.dtype = int(int32(r.varint()))
		case num == tpShape && typ == protowire.BytesType:
			h.dims, h.unknownRank = decodeShape(r.bytes(), lenient, &r)
		case num == tpContent && typ == protowire.BytesType:
			h.content = r.bytes()
		case num == tpStringVal && typ == protowire.BytesType:
			r.bytes()
			h.nString++
		case num == tpFloatVal || num == tpDoubleVal || num == tpHalfVal:
			h.countRepeated(num, typ, &r)
		default:
			r.skip(num, typ)
		}
	}
	return h, r.err
}

// countRepeated adds the elements of one float_val/double_val/half_val field.
func (h *tensorHeader) countRepeated(num protowire.Number, typ protowire.Type, r *reader) {
	n := 0
	switch {
	case typ == protowire.BytesType: // packed
		p := r.bytes()
		n = packedCount(num, p, r)
	case num == tpFloatVal && typ == protowire.Fixed32Type,
		num == tpDoubleVal && typ == protowire.Fixed64Type,
		num == tpHalfVal && typ == protowire.VarintType:
		r.skip(num, typ)
		n = 1
	default:
		r.skip(num, typ)
	}
	switch num {
	case tpFloatVal:
		h.nFloat += n
	case tpDoubleVal:
		h.nDouble += n
	default:
		h.nHalf += n
	}
}

// packedCount is the number of elements in a packed repeated field, or 0 (and r
// marked malformed unless lenient) when p is not a whole number of them.
func packedCount(num protowire.Number, p []byte, r *reader) int {
	switch num {
	case tpFloatVal:
		if len(p)%4 != 0 && !r.lenient {
			r.fail()
		}
		return len(p) / 4
	case tpDoubleVal:
		if len(p)%8 != 0 && !r.lenient {
			r.fail()
		}
		return len(p) / 8
	}
	n := 0
	for _, c := range p { // varints: one ends at each byte below 0x80
		if c < 0x80 {
			n++
		}
	}
	if len(p) > 0 && p[len(p)-1] >= 0x80 && !r.lenient {
		r.fail()
	}
	return n
}

// decodeShape reads a TensorShapeProto: dimension sizes (a size-0 dimension is an
// empty Dim message) and unknown_rank. More than maxRank dimensions marks r malformed.
func decodeShape(b []byte, lenient bool, parent *reader) ([]int64, bool) {
	var dims []int64
	unknown := false
	r := reader{b: b, lenient: lenient}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		switch {
		case num == shDim && typ == protowire.BytesType:
			if len(dims) == maxRank {
				parent.fail()
				return nil, false
			}
			dims = append(dims, dimSizeOf(r.bytes(), lenient, &r))
		case num == shUnknownRank && typ == protowire.VarintType:
			unknown = r.varint() != 0
		default:
			r.skip(num, typ)
		}
	}
	if r.err != nil {
		parent.err, parent.b = r.err, nil
	}
	return dims, unknown
}

// dimSizeOf reads TensorShapeProto.Dim.size (0 when absent; -1 means unknown).
func dimSizeOf(b []byte, lenient bool, parent *reader) int64 {
	var size int64
	r := reader{b: b, lenient: lenient}
	for {
		num, typ, ok := r.next()
		if !ok {
			break
		}
		if num == dimSize && typ == protowire.VarintType {
			size = int64(r.varint())
		} else {
			r.skip(num, typ)
		}
	}
	if r.err != nil {
		parent.fail()
	}
	return size
}
