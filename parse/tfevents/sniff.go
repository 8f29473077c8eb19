package tfevents

import (
	"encoding/binary"

	"github.com/embproj/projector/parse/internal/tfwire"
	"google.golang.org/protobuf/encoding/protowire"
)

// SniffEvents reports whether head, the first bytes of a file (a 64 KiB prefix is
// plenty), is the start of an event file whatever the file's name: a whole first
// TFRecord whose length and data checksums are both right, holding an Event (see
// isEvent). Every writer (TensorFlow's EventsWriter, PyTorch, tensorboardX) starts
// with a small Event{wall_time, file_version: "brain.Event:2"}. Sniff, the length
// checksum alone, is what a file named like an event file must pass; this stronger
// test (two CRCs, 64 bits, and a strict protobuf parse) is what lets an unnamed file
// be taken for one.
func SniffEvents(head []byte) bool {
	if len(head) < headerLen+footerLen || !headerOK(head) {
		return false
	}
	n := binary.LittleEndian.Uint64(head)
	if n > uint64(len(head)-headerLen-footerLen) {
		return false
	}
	data := head[headerLen : headerLen+int(n)]
	if tfwire.Unmask(binary.LittleEndian.Uint32(head[headerLen+int(n):])) != tfwire.CRC32C(data) {
		return false
	}
	return isEvent(data)
}

// isEvent reports whether b parses strictly as an Event with a wall_time: fields 1
// (wall_time, fixed64) to 10 (source_metadata) only, each with its declared wire
// type, nothing left over, and wall_time present. A tf.train.Example (field 1 a
// message) or random bytes fail.
func isEvent(b []byte) bool {
	wall := false
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num < evWallTime || num > evSourceMetadata {
			return false
		}
		switch {
		case num == evWallTime:
			wall = true
			if typ != protowire.Fixed64Type {
				return false
			}
		case num == evStep:
			if typ != protowire.VarintType {
				return false
			}
		case typ != protowire.BytesType:
			return false
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return false
		}
		b = b[n+m:]
	}
	return wall
}
