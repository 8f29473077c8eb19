package tfckpt

import "fmt"

// DType is TensorFlow's DataType enum (tensorflow/core/framework/types.proto).
type DType int32

// The data types this package names; others print as DT_<number>.
const (
	DTFloat    DType = 1
	DTDouble   DType = 2
	DTInt32    DType = 3
	DTUint8    DType = 4
	DTInt16    DType = 5
	DTInt8     DType = 6
	DTString   DType = 7
	DTComplex  DType = 8
	DTInt64    DType = 9
	DTBool     DType = 10
	DTBfloat16 DType = 14
	DTUint16   DType = 17
	DTHalf     DType = 19
	DTResource DType = 20
	DTVariant  DType = 21
	DTUint32   DType = 22
	DTUint64   DType = 23
)

var dtypeNames = map[DType]string{
	DTFloat: "DT_FLOAT", DTDouble: "DT_DOUBLE", DTInt32: "DT_INT32", DTUint8: "DT_UINT8",
	DTInt16: "DT_INT16", DTInt8: "DT_INT8", DTString: "DT_STRING", DTComplex: "DT_COMPLEX64",
	DTInt64: "DT_INT64", DTBool: "DT_BOOL", 11: "DT_QINT8", 12: "DT_QUINT8", 13: "DT_QINT32",
	DTBfloat16: "DT_BFLOAT16", 15: "DT_QINT16", 16: "DT_QUINT16", DTUint16: "DT_UINT16",
	18: "DT_COMPLEX128", DTHalf: "DT_HALF", DTResource: "DT_RESOURCE", DTVariant: "DT_VARIANT",
	DTUint32: "DT_UINT32", DTUint64: "DT_UINT64",
}

// String returns TensorFlow's name for t, e.g. "DT_FLOAT".
func (t DType) String() string {
	if s, ok := dtypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("DT_%d", int32(t))
}

// Size returns the bytes per element of t, or 0 for types without a fixed size
// (strings, resources, variants) and unknown types.
func (t DType) Size() int {
	switch t {
	case DTUint8, DTInt8, DTBool, 11, 12:
		return 1
	case DTInt16, DTBfloat16, DTUint16, DTHalf, 15, 16:
		return 2
	case DTFloat, DTInt32, 13, DTUint32:
		return 4
	case DTDouble, DTInt64, DTComplex, DTUint64:
		return 8
	case 18:
		return 16
	}
	return 0
}

// IsFloat reports whether t is one of the floating types ReadFloat32 converts:
// DT_FLOAT, DT_DOUBLE, DT_HALF and DT_BFLOAT16.
func (t DType) IsFloat() bool {
	return t == DTFloat || t == DTDouble || t == DTHalf || t == DTBfloat16
}
