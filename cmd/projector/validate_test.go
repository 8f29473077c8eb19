package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const sharedData = "../../testdata/shared"

func TestValidate(t *testing.T) {
	cases := filepath.Join("..", "..", "parse", "testdata", "cases")
	tests := []struct {
		name   string
		args   []string
		status int
		points int
		dims   int
		cols   []string
		code   string // a code that must appear in the JSON diagnostics
	}{
		{"folder with config", []string{filepath.Join(sharedData, "sklearn-digits-bytes-sprite")}, 0, 1797, 64, []string{"label"}, ""},
		{"demo pair as two files", []string{filepath.Join(sharedData, "sklearn-digits-bytes-sprite", "digits_tensors.bytes"), filepath.Join(sharedData, "sklearn-digits-bytes-sprite", "digits_labels.tsv")}, 0, 1797, 64, []string{"label"}, ""},
		{"iris trailing blank line", []string{filepath.Join(sharedData, "iris-standalone-bytes")}, 0, 150, 4, []string{"sepal-length", "sepal-width", "petal-length", "petal-width", "class"}, "blank-line"},
		{"wine tsv", []string{filepath.Join(sharedData, "sklearn-wine-tsv")}, 0, 178, 13, []string{"class", "class_name", "alcohol", "proline"}, ""},
		{"header in single-column metadata blocks", []string{filepath.Join(cases, "metadata-header-single-column")}, 1, 0, 0, []string{}, "metadata-header-single-column"},
		{"warnings still draw", []string{filepath.Join(cases, "zero-vector")}, 0, 3, 2, []string{}, "zero-vector"},
		{"pbtxt log dir", []string{filepath.Join(cases, "ok-pbtxt-logdir")}, 0, 3, 2, []string{"label"}, ""},
		{"zip", []string{filepath.Join(cases, "ok-zip-folder", "run.zip")}, 0, 3, 2, []string{"label"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			status := run(append([]string{"validate", "--json"}, tc.args...), &out, &errb)
			if status != tc.status {
				t.Fatalf("status %d, want %d; stderr %q; stdout %s", status, tc.status, errb.String(), out.String())
			}
			var res struct {
				Points      int      `json:"points"`
				Dims        int      `json:"dims"`
				Columns     []string `json:"columns"`
				Format      string   `json:"format"`
				Diagnostics []struct {
					Severity, Code, Message string
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("bad JSON %q: %v", out.String(), err)
			}
			if res.Points != tc.points || res.Dims != tc.dims {
				t.Errorf("points×dims %d×%d, want %d×%d", res.Points, res.Dims, tc.points, tc.dims)
			}
			if res.Columns == nil || !slices.Equal(res.Columns, tc.cols) {
				t.Errorf("columns %q, want %q", res.Columns, tc.cols)
			}
			if res.Diagnostics == nil {
				t.Errorf("diagnostics must be a JSON array, not null")
			}
			if tc.code != "" && !slices.ContainsFunc(res.Diagnostics, func(d struct{ Severity, Code, Message string }) bool { return d.Code == tc.code }) {
				t.Errorf("no %s in %+v", tc.code, res.Diagnostics)
			}
			// The text report agrees on the status and names the code.
			var txt bytes.Buffer
			if s := run(append([]string{"validate"}, tc.args...), &txt, &errb); s != tc.status {
				t.Errorf("text mode status %d, want %d", s, tc.status)
			}
			if tc.code != "" && !strings.Contains(txt.String(), tc.code) {
				t.Errorf("text report lacks %s:\n%s", tc.code, txt.String())
			}
		})
	}
}

func TestValidateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"validate"},
		{"validate", "--json"},
		{"validate", "--bogus", "x"},
		{"validate", "/no/such/path/anywhere"},
	} {
		var out, errb bytes.Buffer
		if s := run(args, &out, &errb); s != 2 {
			t.Errorf("%q: status %d, want 2", args, s)
		}
		if errb.Len() == 0 {
			t.Errorf("%q: no message on stderr", args)
		}
	}
}

// TestValidateListsOffers: --json lists every embedding a folder offers with
// its N×D and source, also those that are not shown.
func TestValidateListsOffers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("projector_config.pbtxt", `embeddings { tensor_name: "gone" tensor_path: "gone.tsv" }`+"\n")
	write("00000/default/tensors.tsv", "1\t2\n3\t4\n")
	write("00010/words/tensors.tsv", "1\t2\t3\n4\t5\t6\n7\t8\t9\n")
	var out, errb bytes.Buffer
	if s := run([]string{"validate", "--json", dir}, &out, &errb); s != 0 {
		t.Fatalf("status %d: %s %s", s, out.String(), errb.String())
	}
	var res struct {
		Points int
		Offers []struct {
			Name, Source string
			Drawable     bool
			Points, Dims int
		}
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	type row = struct {
		Name, Source string
		Drawable     bool
		Points, Dims int
	}
	want := []row{{"gone", "config", false, 0, 0}, {"default:00000", "pytorch", true, 2, 2}, {"words:00010", "pytorch", true, 3, 3}}
	if !slices.Equal(res.Offers, want) || res.Points != 2 {
		t.Errorf("offers %+v (points %d), want %+v", res.Offers, res.Points, want)
	}
	var txt bytes.Buffer
	run([]string{"validate", dir}, &txt, &errb)
	if !strings.Contains(txt.String(), "words:00010 (pytorch, 00010/words/tensors.tsv): 3 × 3") {
		t.Errorf("text report:\n%s", txt.String())
	}
}

// TestValidatePyTorchRun reads the real PyTorch log folder of the shared data
// (../shared/data beside the repository); it fails when that is absent.
func TestValidatePyTorchRun(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "tf-logdirs", "pytorch-add-embedding")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the shared log folders are needed: %v", err)
	}
	var out, errb bytes.Buffer
	if s := run([]string{"validate", "--json", dir}, &out, &errb); s != 0 {
		t.Fatalf("status %d: %s", s, out.String())
	}
	if !strings.Contains(out.String(), `"name": "default:00010"`) || !strings.Contains(out.String(), `"points": 100`) {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestValidateListsEventsOffers: --json lists every embedding of an event file
// (each tag and step) in its offers, with source "events" and its N×D.
func TestValidateListsEventsOffers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "parse", "tfevents", "testdata", "several-tags-and-steps.tfevents"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "events.out.tfevents.1.host"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if s := run([]string{"validate", "--json", dir}, &out, &errb); s != 0 {
		t.Fatalf("status %d: %s %s", s, out.String(), errb.String())
	}
	type row = struct {
		Name, Source, TensorFile string
		Drawable                 bool
		Points, Dims             int
	}
	var res struct {
		Points, Dims int
		Format       string
		Offers       []row
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	f := "events.out.tfevents.1.host"
	want := []row{{"a @ step 10", "events", f, true, 5, 3}, {"a @ step 0", "events", f, true, 5, 3}, {"b", "events", f, true, 4, 2}}
	if !slices.Equal(res.Offers, want) || res.Points != 5 || res.Dims != 3 || res.Format != "events" {
		t.Errorf("offers %+v (%d×%d %s), want %+v", res.Offers, res.Points, res.Dims, res.Format, want)
	}
}

// A TensorFlow checkpoint folder: validate reads it as the page does and lists
// the checkpoint's tensors with dtype and shape, in JSON and in text.
func TestValidateCheckpoint(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "tf-logdirs")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the shared log folders are needed: %v", err)
	}
	var out, errb bytes.Buffer
	if s := run([]string{"validate", "--json", filepath.Join(dir, "tf2-tutorial-checkpoint")}, &out, &errb); s != 0 {
		t.Fatalf("status %d: %s %s", s, errb.String(), out.String())
	}
	var res struct {
		Points, Dims int
		Format       string
		Tensors      []struct {
			Name, Dtype string
			Shape       []int64
		}
		Offers []struct {
			Name, TensorFile string
			Points, Dims     int
		}
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Points != 4305 || res.Dims != 100 || res.Format != "checkpoint" || len(res.Tensors) != 3 {
		t.Fatalf("%+v", res)
	}
	e := res.Tensors[1]
	if e.Name != "embedding/.ATTRIBUTES/VARIABLE_VALUE" || e.Dtype != "DT_FLOAT" || !slices.Equal(e.Shape, []int64{4305, 100}) {
		t.Errorf("tensor %+v", e)
	}
	if len(res.Offers) != 1 || res.Offers[0].TensorFile != "embedding.ckpt-1.index" || res.Offers[0].Points != 4305 {
		t.Errorf("offers %+v", res.Offers)
	}
	out.Reset()
	run([]string{"validate", filepath.Join(dir, "tf2-tutorial-checkpoint")}, &out, &errb)
	if !strings.Contains(out.String(), "tensor embedding/.ATTRIBUTES/VARIABLE_VALUE DT_FLOAT [4305 100]") {
		t.Errorf("text report lacks the tensor list:\n%s", out.String())
	}
	// The gui folder: its data file is missing; exit 1, the file named.
	out.Reset()
	if s := run([]string{"validate", filepath.Join(dir, "tf-v1-checkpoint", "gui")}, &out, &errb); s != 1 || !strings.Contains(out.String(), "Add chatbot-char.ckpt-6800.data-00000-of-00001") {
		t.Errorf("status %d:\n%s", s, out.String())
	}
}
