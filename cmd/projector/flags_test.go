package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateFlagAfterPath: "projector validate a.tsv --json" is the same
// as "projector validate --json a.tsv".
func TestValidateFlagAfterPath(t *testing.T) {
	path, _ := writeClusters(t, 12, 3)
	var before, after, errb bytes.Buffer
	if s := run([]string{"validate", "--json", path}, &before, &errb); s != 0 {
		t.Fatalf("flag first: status %d, stderr %q", s, errb.String())
	}
	if s := run([]string{"validate", path, "--json"}, &after, &errb); s != 0 {
		t.Fatalf("flag after the path: status %d, stderr %q", s, errb.String())
	}
	var res validateResult
	if err := json.Unmarshal(after.Bytes(), &res); err != nil {
		t.Fatalf("flag after the path: output is not the JSON report: %v\n%s", err, after.String())
	}
	if res.Points != 12 || res.Dims != 3 {
		t.Errorf("flag after the path: %d×%d, want 12×3", res.Points, res.Dims)
	}
	if before.String() != after.String() {
		t.Error("flag before and after the path give different reports")
	}
}

// TestFlagsEndAtDoubleDash: after "--" an argument that looks like a flag
// is a path (here a missing file: status 2 naming it, not "--json" taken
// as the flag).
func TestFlagsEndAtDoubleDash(t *testing.T) {
	path, _ := writeClusters(t, 12, 3)
	var out, errb bytes.Buffer
	if s := run([]string{"validate", path, "--", "--json"}, &out, &errb); s != 2 {
		t.Fatalf("status %d, want 2 (no file named --json); stdout %q", s, out.String())
	}
	if !strings.Contains(errb.String(), "--json") {
		t.Errorf("stderr %q does not name the missing path --json", errb.String())
	}
}

// TestReduceFlagsAfterPath: flags after the path, in both spellings, give
// the same output as before it.
func TestReduceFlagsAfterPath(t *testing.T) {
	path, _ := writeClusters(t, 50, 4)
	args := [][]string{
		{"reduce", "--method", "tsne", "--iterations", "30", "--perplexity=8", "--seed", "2", "-q", path},
		{"reduce", path, "--method", "tsne", "--iterations", "30", "--perplexity=8", "--seed", "2", "-q"},
		{"reduce", "--method", "tsne", path, "-iterations=30", "--perplexity", "8", "--seed=2", "--quiet"},
	}
	var first string
	for i, a := range args {
		var out, errb bytes.Buffer
		if s := run(a, &out, &errb); s != 0 {
			t.Fatalf("%q: status %d, stderr %q", a, s, errb.String())
		}
		if errb.Len() != 0 {
			t.Errorf("%q: --quiet not honoured: stderr %q", a, errb.String())
		}
		if i == 0 {
			first = out.String()
		} else if out.String() != first {
			t.Errorf("%q: output differs from the flags-first run", a)
		}
	}
	if rows := readTSV(t, first); len(rows) != 50 {
		t.Errorf("%d rows, want 50", len(rows))
	}
}

// TestHelp: -h and --help print the usage with every flag (from
// PrintDefaults) on standard output and exit 0; a usage error prints it on
// standard error and exits 2.
func TestHelp(t *testing.T) {
	cases := []struct {
		cmd   string
		flags []string // flags the listing must name
	}{
		{"validate", []string{"-json"}},
		{"reduce", []string{"-method", "-dims", "-perplexity", "-iterations", "-theta", "-learning-rate", "-neighbors",
			"-min-dist", "-spread", "-epochs", "-negative-sample-rate", "-metric", "-spherize", "-seed", "-shape", "-out", "-quiet"}},
	}
	for _, c := range cases {
		for _, h := range []string{"-h", "--help"} {
			var out, errb bytes.Buffer
			if s := run([]string{c.cmd, h}, &out, &errb); s != 0 {
				t.Errorf("%s %s: status %d, want 0", c.cmd, h, s)
			}
			if errb.Len() != 0 {
				t.Errorf("%s %s: stderr %q, want nothing", c.cmd, h, errb.String())
			}
			if !strings.HasPrefix(out.String(), "usage: projector "+c.cmd) {
				t.Errorf("%s %s: stdout does not start with the usage line: %q", c.cmd, h, out.String())
			}
			for _, f := range c.flags {
				if !strings.Contains(out.String(), "  "+f+" ") && !strings.Contains(out.String(), "  "+f+"\n") {
					t.Errorf("%s %s: flag %s not listed", c.cmd, h, f)
				}
			}
		}
		var out, errb bytes.Buffer
		if s := run([]string{c.cmd, "--frobnicate", filepath.Join(t.TempDir(), "x")}, &out, &errb); s != 2 {
			t.Errorf("%s --frobnicate: status %d, want 2", c.cmd, s)
		}
		if out.Len() != 0 || !strings.Contains(errb.String(), "frobnicate") || !strings.Contains(errb.String(), "usage: projector "+c.cmd) {
			t.Errorf("%s --frobnicate: stdout %q, stderr %q; want the error and the usage on stderr", c.cmd, out.String(), errb.String())
		}
	}
}
