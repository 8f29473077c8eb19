package tfevents

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// An event file is recognised by its content: a first record with both checksums
// right holding an Event with a wall_time. Other TFRecords, damaged first records and
// other binary data are not.
func TestSniffEvents(t *testing.T) {
	ev := file(versionEvent(), summaryEvent(1, scalarValue("loss", 0.5)))
	if !SniffEvents(ev) {
		t.Fatal("a written events file does not sniff as one")
	}
	// A tf.train.Example TFRecord: field 1 is a message, not a double.
	example := appendBytesField(nil, 1, appendBytesField(nil, 1, []byte("feature")))
	badData := append([]byte(nil), ev...)
	badData[12+3] ^= 1 // a byte of the first Event: the data checksum fails
	noWall := appendBytesField(nil, 3, []byte("brain.Event:2"))
	wrongType := protowire.AppendVarint(protowire.AppendTag(nil, evWallTime, protowire.VarintType), 5)
	unknown := appendBytesField(append([]byte(nil), versionEvent()...), 11, []byte("x"))
	rnd := rand.New(rand.NewPCG(1, 2))
	floats := make([]byte, 4096)
	for i := 0; i < len(floats); i += 4 {
		binary.LittleEndian.PutUint32(floats[i:], math.Float32bits(float32(rnd.NormFloat64())))
	}
	for name, b := range map[string][]byte{
		"tf.train.Example record": file(example),
		"bad data crc":            badData,
		"cut first record":        ev[:len(record(versionEvent()))-1],
		"no wall_time":            file(noWall),
		"wall_time as varint":     file(wrongType),
		"field 11":                file(unknown),
		"empty first record":      file(nil),
		"random float32":          floats,
		"12 bytes":                ev[:12],
		"nothing":                 nil,
	} {
		if SniffEvents(b) {
			t.Errorf("%s sniffs as an events file", name)
		}
	}
}

// Every fixture whose first record is sound (damage comes later: a bad length
// checksum on the third record, a cut header after the first) sniffs as an events
// file; the text file does not.
func TestSniffEventsFixtures(t *testing.T) {
	for name, want := range map[string]bool{
		"ok-embedding-100x16-with-labels.tfevents":      true,
		"several-tags-and-steps.tfevents":               true,
		"count-mismatch-100-vectors-90-labels.tfevents": true,
		"bad-data-crc-in-the-middle.tfevents":           true,
		"truncated-last-record.tfevents":                true,
		"bad-length-crc.tfevents":                       true,
		"truncated-header.tfevents":                     true,
		"not-tfrecord.txt":                              false,
	} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := SniffEvents(b[:min(len(b), 65536)]); got != want {
			t.Errorf("SniffEvents(%s) = %v, want %v", name, got, want)
		}
	}
}
