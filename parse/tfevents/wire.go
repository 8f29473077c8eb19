package tfevents

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"
)

// errMalformed reports a protobuf message that cannot be decoded.
var errMalformed = errors.New("malformed protobuf")

// reader walks the fields of one serialized protobuf message. After the first
// malformed field next returns false and err is set. In lenient mode (used on the
// first bytes of a record too large to read whole) a length-delimited field longer
// than what remains is clipped to the rest and a truncated field ends the walk
// without an error.
type reader struct {
	b       []byte
	lenient bool
	err     error
}

// next reads the next field's key; false at the end or on an error.
func (r *reader) next() (protowire.Number, protowire.Type, bool) {
	if len(r.b) == 0 || r.err != nil {
		return 0, 0, false
	}
	num, typ, n := protowire.ConsumeTag(r.b)
	if n < 0 {
		r.fail()
		return 0, 0, false
	}
	r.b = r.b[n:]
	return num, typ, true
}

// fail records a malformed field (or, in lenient mode, just stops).
func (r *reader) fail() {
	r.b = nil
	if !r.lenient {
		r.err = errMalformed
	}
}

// varint reads a varint field value.
func (r *reader) varint() uint64 {
	v, n := protowire.ConsumeVarint(r.b)
	if n < 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// fixed32 reads a 4-byte field value.
func (r *reader) fixed32() uint32 {
	v, n := protowire.ConsumeFixed32(r.b)
	if n < 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// fixed64 reads an 8-byte field value.
func (r *reader) fixed64() uint64 {
	v, n := protowire.ConsumeFixed64(r.b)
	if n < 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// bytes reads a length-delimited field value; it aliases the message's bytes.
func (r *reader) bytes() []byte {
	l, n := protowire.ConsumeVarint(r.b)
	if n < 0 {
		r.fail()
		return nil
	}
	rest := r.b[n:]
	if l > uint64(len(rest)) {
		if !r.lenient {
			r.fail()
			return nil
		}
		r.b = nil
		return rest
	}
	r.b = rest[l:]
	return rest[:l]
}

// skip steps over a field value of wire type typ.
func (r *reader) skip(num protowire.Number, typ protowire.Type) {
	if typ == protowire.BytesType {
		r.bytes()
		return
	}
	n := protowire.ConsumeFieldValue(num, typ, r.b)
	if n < 0 {
		r.fail()
		return
	}
	r.b = r.b[n:]
}
