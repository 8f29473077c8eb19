package parse

import (
	"encoding/binary"
	"math"
	"testing"
)

func TestApply(t *testing.T) {
	cases := []struct {
		action string
		want   Options
		err    bool
	}{
		{"metadataHeader=yes", Options{MetadataHeader: "yes"}, false},
		{"metadataHeader=no", Options{MetadataHeader: "no"}, false},
		{"metadataHeader=maybe", Options{}, true},
		{"dropTensorRows=1", Options{DropTensorRows: 1}, false},
		{"dropMetadataRows=2", Options{DropMetadataRows: 2}, false},
		{"dropTensorColumns=1", Options{DropTensorColumns: 1}, false},
		{"firstN=150", Options{FirstN: 150}, false},
		{"firstN=-1", Options{}, true},
		{"skipNonFinite=true", Options{SkipNonFinite: true}, false},
		{"skipZero=true", Options{SkipZero: true}, false},
		{"swap=true", Options{Swap: true}, false},
		{"swap=perhaps", Options{}, true},
		{"embedding=2", Options{Embedding: 2}, false},
		{"shape=1797,64", Options{Shape: [2]int{1797, 64}}, false},
		{"shape=1797", Options{}, true},
		{"dtype=float64", Options{Dtype: "float64"}, false},
		{"dtype=int8", Options{}, true},
		{"delimiter=comma", Options{Delimiter: "comma"}, false},
		{"delimiter=pipe", Options{}, true},
		{"nonsense", Options{}, true},
		{"unknown=1", Options{}, true},
	}
	for _, c := range cases {
		got, err := Options{}.Apply(c.action)
		if (err != nil) != c.err {
			t.Errorf("Apply(%q) error %v, want error %v", c.action, err, c.err)
		}
		if err == nil && got != c.want {
			t.Errorf("Apply(%q) = %+v, want %+v", c.action, got, c.want)
		}
	}
}

func TestTooLargeFix(t *testing.T) {
	tsv := bigTSV(1000, 4) // 1000 × 4 float32 = 16000 bytes
	raw := make([]byte, 1000*4*4)
	for i := 0; i < 4000; i++ {
		binary.LittleEndian.PutUint32(raw[i*4:], math.Float32bits(float32(i%7+1)))
	}
	for _, files := range [][]File{{tsv}, {{Name: "t.bytes", Data: raw}}} {
		opts := Options{MaxBytes: 4000, Shape: [2]int{0, 4}}
		ds, rep := Load(files, opts)
		if ds != nil {
			t.Fatalf("%s: loaded past the limit", files[0].Name)
		}
		var action string
		for _, d := range rep.Diagnostics {
			if d.Code == "too-large" {
				action = d.Action
			}
		}
		if action != "firstN=250" {
			t.Fatalf("%s: too-large action %q, want firstN=250 (%v)", files[0].Name, action, rep.Diagnostics)
		}
		opts, _ = opts.Apply(action)
		ds, rep = Load(files, opts)
		if ds == nil || ds.N != 250 || ds.D != 4 {
			t.Fatalf("%s: after firstN: %v", files[0].Name, rep.Diagnostics)
		}
	}
}

func TestSwapOption(t *testing.T) {
	files := loadCase(t, "ok-tsv-single-column")
	ds, _ := Load(files, Options{})
	if ds == nil || ds.D != 2 {
		t.Fatal("baseline")
	}
	// Forcing the swap makes the labels the tensor: that must be refused with a reason.
	ds, rep := Load(files, Options{Swap: true})
	if ds != nil || !rep.Blocking() {
		t.Fatalf("swapped roles loaded: %v", rep.Diagnostics)
	}
}
