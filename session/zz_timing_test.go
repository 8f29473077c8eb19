package session

import (
	"os"
	"testing"
	"time"

	"github.com/embproj/projector/parse"
)

func TestZZDemoTiming(t *testing.T) {
	var files []parse.File
	for _, name := range []string{"projector_config.json", "digits_tensors.bytes", "digits_labels.tsv", "digits_sprite.png"} {
		b, err := os.ReadFile("../wasm/demo/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, parse.File{Name: name, Data: b})
	}
	for rep := 0; rep < 3; rep++ {
		s := New()
		t0 := time.Now()
		s.Open(files, "demo")
		n := 0
		for s.Status().Phase == Parsing {
			s.Work(20 * time.Millisecond)
			n++
		}
		t1 := time.Now()
		s.Thumbnails()
		t2 := time.Now()
		m := 0
		for s.Status().Phase == Reducing {
			s.Work(20 * time.Millisecond)
			m++
		}
		t3 := time.Now()
		t.Logf("parse %v (%d slices), sprite decode %v, pca %v (%d slices)", t1.Sub(t0), n, t2.Sub(t1), t3.Sub(t2), m)
	}
}
