package parse

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// caseWant is what Load must report for one folder of testdata/cases (written by
// testdata/gen_cases.py). Folders named ok-* are near misses: they must load with
// no warning or error beyond the ones listed.
type caseWant struct {
	n, d int      // 0, 0 when the report must block
	want []string // "severity:code" or "severity:code[action]" that must be present
	cols []string // metadata column names, when checked
	fixN int      // when > 0, applying the first Action of an error must make it load with fixN points
}

var caseTable = map[string]caseWant{
	"ok-tsv-single-column":                  {n: 3, d: 2, cols: []string{"label"}},
	"ok-single-column-first-label-is-label": {n: 3, d: 2, cols: []string{"label"}},
	"metadata-header-single-column":         {want: []string{"error:metadata-header-single-column[metadataHeader=yes]"}, fixN: 3},
	"delimiter-metadata-csv":                {n: 3, d: 2, want: []string{"info:delimiter"}, cols: []string{"name", "score"}},
	"ok-multi-column-header":                {n: 3, d: 2, cols: []string{"name", "n"}},
	"metadata-header-missing":               {want: []string{"error:metadata-header-missing[metadataHeader=no]"}, fixN: 3},
	"tensor-header-row-numbers":             {want: []string{"error:tensor-header-row[dropTensorRows=1]"}, fixN: 3},
	"ok-first-vector-0-1":                   {n: 4, d: 2, cols: []string{"label"}},
	"tensor-header-row-names":               {n: 3, d: 2, want: []string{"warning:tensor-header-row"}},
	"tensor-label-column":                   {n: 3, d: 2, want: []string{"warning:tensor-label-column"}, cols: []string{"label"}},
	"index-column":                          {n: 4, d: 3, want: []string{"warning:index-column[dropTensorColumns=1]"}},
	"ok-first-column-not-index":             {n: 4, d: 3},
	"blank-line-metadata":                   {n: 3, d: 2, want: []string{"warning:blank-line"}, cols: []string{"label"}},
	"blank-line-tensor":                     {n: 3, d: 2, want: []string{"warning:blank-line"}},
	"ok-trailing-newline-only":              {n: 3, d: 2, cols: []string{"label"}},
	"blank-line-trailing":                   {n: 3, d: 2, want: []string{"info:blank-line"}, cols: []string{"label"}},
	"count-mismatch-blank-lines":            {want: []string{"warning:blank-line", "error:count-mismatch[firstN=3]"}, fixN: 3},
	"count-mismatch":                        {want: []string{"error:count-mismatch[firstN=3]"}, fixN: 3},
	"count-mismatch-pad-row":                {want: []string{"error:count-mismatch[dropMetadataRows=1]"}, fixN: 3},
	"count-mismatch-zero-first-row":         {want: []string{"error:count-mismatch[dropTensorRows=1]"}, fixN: 3},
	"count-mismatch-no-final-newline":       {want: []string{"error:count-mismatch[firstN=3]"}, fixN: 3},
	"delimiter-comma":                       {n: 3, d: 2, want: []string{"info:delimiter"}},
	"delimiter-semicolon":                   {n: 3, d: 2, want: []string{"info:delimiter"}},
	"delimiter-spaces":                      {n: 3, d: 2, want: []string{"info:delimiter"}},
	"ragged-row":                            {want: []string{"error:ragged-row"}},
	"non-numeric":                           {want: []string{"error:non-numeric"}},
	"non-numeric-decimal-comma":             {want: []string{"error:non-numeric"}},
	"non-finite":                            {want: []string{"error:non-finite[skipNonFinite=true]"}, fixN: 1},
	"non-finite-overflow":                   {want: []string{"error:non-finite[skipNonFinite=true]"}, fixN: 2},
	"ok-large-finite":                       {n: 3, d: 2},
	"zero-vector":                           {n: 3, d: 2, want: []string{"warning:zero-vector[skipZero=true]"}},
	"ok-one-zero-value":                     {n: 3, d: 2},
	"encoding-latin1":                       {n: 3, d: 2, want: []string{"warning:encoding"}, cols: []string{"label"}},
	"ok-utf8-bom-crlf-nel":                  {n: 3, d: 2, cols: []string{"label"}},
	"encoding-utf16":                        {n: 3, d: 2, want: []string{"info:encoding"}, cols: []string{"label"}},
	"lfs-pointer":                           {want: []string{"error:lfs-pointer"}},
	"lfs-pointer-with-labels":               {want: []string{"error:lfs-pointer"}},
	"lfs-pointer-sprite-still-loads":        {n: 3, d: 2, want: []string{"warning:lfs-pointer"}},
	"html-page":                             {want: []string{"error:html-page"}},
	"word2vec-header":                       {n: 3, d: 2, want: []string{"info:word2vec-header"}, cols: []string{"label"}},
	"word2vec-header-wrong-count":           {n: 3, d: 2, want: []string{"warning:word2vec-header"}, cols: []string{"label"}},
	"ok-word2vec-no-header":                 {n: 3, d: 2, cols: []string{"label"}},
	"ok-two-dims-first-row-ints":            {n: 3, d: 2},
	"files-swapped":                         {n: 3, d: 2, want: []string{"warning:files-swapped"}, cols: []string{"label"}},
	"ok-numeric-metadata-wider-than-tensor": {n: 3, d: 2, cols: []string{"name", "x", "y", "z", "w"}},
	"ok-numeric-labels":                     {n: 3, d: 2, cols: []string{"label"}},
	"files-swapped-config":                  {n: 3, d: 2, want: []string{"warning:files-swapped"}, cols: []string{"label"}},
	"csv-pandas-index":                      {n: 3, d: 2, want: []string{"info:index-column", "info:tensor-label-column"}, cols: []string{"text", "label"}},
	"csv-list-column":                       {n: 3, d: 2, cols: []string{"text"}},
	"csv-header":                            {n: 3, d: 2, cols: []string{"word"}},
	"ok-json-rows":                          {n: 3, d: 2, cols: []string{"label"}},
	"ok-jsonl-objects":                      {n: 3, d: 2, cols: []string{"text"}},
	"ragged-row-json":                       {want: []string{"error:ragged-row"}},
	"ok-bytes-metadata":                     {n: 3, d: 2, cols: []string{"label"}},
	"bytes-size":                            {want: []string{"error:bytes-size"}},
	"bytes-size-rows":                       {want: []string{"error:bytes-size"}},
	"bytes-size-header":                     {want: []string{"error:metadata-header-single-column[metadataHeader=yes]"}, fixN: 3},
	"bytes-dtype-float64":                   {want: []string{"error:bytes-dtype[dtype=float64]"}, fixN: 3},
	"bytes-dtype-npy-as-bytes":              {n: 3, d: 2, want: []string{"warning:bytes-dtype"}},
	"ok-bytes-config":                       {n: 3, d: 2, cols: []string{"label"}},
	"shape-mismatch-transposed":             {want: []string{"error:shape-mismatch[shape=3,2]"}, fixN: 3},
	"shape-mismatch":                        {want: []string{"error:shape-mismatch"}},
	"shape-mismatch-tsv":                    {n: 3, d: 2, want: []string{"warning:shape-mismatch"}},
	"shape-missing":                         {want: []string{"error:shape-missing"}},
	"config-syntax":                         {want: []string{"error:config-syntax"}},
	"config-syntax-pbtxt":                   {want: []string{"error:config-syntax"}},
	"config-missing-file":                   {want: []string{"error:config-missing-file"}},
	"config-url":                            {want: []string{"error:config-url"}},
	"ok-config-url-with-file":               {n: 3, d: 2, want: []string{"info:config-url"}},
	"checkpoint-not-given":                  {want: []string{"error:config-missing-file"}},
	"ok-pbtxt-logdir":                       {n: 3, d: 2, cols: []string{"label"}},
	"ok-config-two-embeddings":              {n: 3, d: 2, want: []string{"info:config-embeddings"}},
	"ok-gzip":                               {n: 3, d: 2},
	"ok-gzip-misnamed":                      {n: 3, d: 2},
	"ok-zip-folder":                         {n: 3, d: 2, cols: []string{"label"}},
	"ok-npy-f4":                             {n: 3, d: 2},
	"ok-npy-f8-big-endian":                  {n: 3, d: 2},
	"ok-npy-f2":                             {n: 3, d: 2},
	"ok-npy-fortran":                        {n: 3, d: 2},
	"ok-npy-int":                            {n: 3, d: 2, want: []string{"info:dtype-unsupported"}},
	"dtype-unsupported":                     {want: []string{"error:dtype-unsupported"}},
	"npy-header-truncated":                  {want: []string{"error:npy-header"}},
	"npy-header-broken":                     {want: []string{"error:npy-header"}},
	"ok-npz-stored":                         {n: 3, d: 2},
	"ok-npz-deflated":                       {n: 3, d: 2},
}

// loadCase reads one fixture folder as the page would from a drop.
func loadCase(t testing.TB, name string) []File {
	t.Helper()
	return readDir(t, filepath.Join("testdata", "cases", name))
}

func diagKey(d Diagnostic, withAction bool) string {
	k := string(d.Severity) + ":" + string(d.Code)
	if withAction && d.Action != "" {
		k += "[" + d.Action + "]"
	}
	return k
}

func TestCases(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("testdata", "cases"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range dirs {
		name := e.Name()
		seen[name] = true
		w, ok := caseTable[name]
		if !ok {
			t.Errorf("fixture %s has no expectation in caseTable", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			files := loadCase(t, name)
			ds, rep := Load(files, Options{})
			var keys []string
			for _, d := range rep.Diagnostics {
				keys = append(keys, diagKey(d, true))
				if d.Message == "" {
					t.Errorf("%s has no message", d.Code)
				}
				if d.Code == "" || strings.ToLower(string(d.Code)) != string(d.Code) || strings.ContainsAny(string(d.Code), " _") {
					t.Errorf("code %q is not lower-case hyphenated", d.Code)
				}
				if d.Action != "" {
					if _, err := (Options{}).Apply(d.Action); err != nil {
						t.Errorf("action of %s: %v", d.Code, err)
					}
				}
			}
			for _, want := range w.want {
				found := slices.Contains(keys, want)
				if !strings.Contains(want, "[") {
					found = slices.ContainsFunc(rep.Diagnostics, func(d Diagnostic) bool { return diagKey(d, false) == want })
				}
				if !found {
					t.Errorf("missing %s; got %v", want, keys)
				}
			}
			if rep.Blocking() != (ds == nil) {
				t.Fatalf("Blocking() = %v but dataset nil = %v", rep.Blocking(), ds == nil)
			}
			if w.n == 0 {
				if !rep.Blocking() {
					t.Fatalf("loaded %d×%d, want a blocking report; got %v", ds.N, ds.D, keys)
				}
			} else {
				if ds == nil {
					t.Fatalf("blocked: %v", rep.Diagnostics)
				}
				checkDataset(t, ds)
				if ds.N != w.n || ds.D != w.d {
					t.Errorf("shape %d×%d, want %d×%d", ds.N, ds.D, w.n, w.d)
				}
				if w.cols != nil && !slices.Equal(colNames(ds), w.cols) {
					t.Errorf("columns %q, want %q", colNames(ds), w.cols)
				}
				// Near misses: nothing above info beyond what is listed.
				for _, d := range rep.Diagnostics {
					if d.Severity != Info && !slices.Contains(w.want, diagKey(d, true)) && !slices.Contains(w.want, diagKey(d, false)) {
						t.Errorf("unexpected %s: %s", diagKey(d, true), d.Message)
					}
				}
			}
			if w.fixN > 0 {
				opts := Options{}
				for _, d := range rep.Diagnostics {
					if d.Severity == Error && d.Action != "" {
						opts, err = opts.Apply(d.Action)
						if err != nil {
							t.Fatal(err)
						}
						break
					}
				}
				ds2, rep2 := Load(files, opts)
				if ds2 == nil {
					t.Fatalf("after the fix %+v still blocked: %v", opts, rep2.Diagnostics)
				}
				checkDataset(t, ds2)
				if ds2.N != w.fixN {
					t.Errorf("after the fix N = %d, want %d", ds2.N, w.fixN)
				}
			}
		})
	}
	for name := range caseTable {
		if !seen[name] {
			t.Errorf("caseTable names %s but testdata/cases has no such folder (run gen_cases.py)", name)
		}
	}
}

// TestEveryCode checks that each diagnostic code of DESIGN.md §3 is produced by at
// least one fixture (here or in the sprite and size tests).
func TestEveryCode(t *testing.T) {
	produced := map[Code]bool{}
	for name := range caseTable {
		_, rep := Load(loadCase(t, name), Options{})
		for _, d := range rep.Diagnostics {
			produced[d.Code] = true
		}
	}
	for _, c := range spriteCodes(t) {
		produced[c] = true
	}
	_, rep := Load(loadCase(t, "ok-tsv-single-column"), Options{MaxBytes: 8})
	for _, d := range rep.Diagnostics {
		produced[d.Code] = true
	}
	for _, code := range DesignCodes {
		if !produced[code] {
			t.Errorf("no fixture produces %s", code)
		}
	}
	for code := range produced {
		if Codes[code] == "" {
			t.Errorf("code %s is produced but not documented in Codes", code)
		}
	}
	for _, code := range DesignCodes {
		if Codes[code] == "" {
			t.Errorf("design code %s is not documented in Codes", code)
		}
	}
}

// nearMiss names, for each code of DESIGN.md §3, a fixture that comes close to the
// situation but must not produce the code at any severity.
var nearMiss = map[Code]string{
	"count-mismatch":                "ok-single-column-first-label-is-label",
	"metadata-header-single-column": "ok-single-column-first-label-is-label",
	"metadata-header-missing":       "ok-multi-column-header",
	"tensor-header-row":             "ok-first-vector-0-1",
	"tensor-label-column":           "ok-word2vec-no-header",
	"index-column":                  "ok-first-column-not-index",
	"blank-line":                    "ok-trailing-newline-only",
	"delimiter":                     "ok-tsv-single-column",
	"ragged-row":                    "ok-multi-column-header",
	"non-numeric":                   "ok-large-finite",
	"non-finite":                    "ok-large-finite",
	"zero-vector":                   "ok-one-zero-value",
	"encoding":                      "ok-utf8-bom-crlf-nel",
	"lfs-pointer":                   "ok-tsv-single-column",
	"word2vec-header":               "ok-two-dims-first-row-ints",
	"files-swapped":                 "ok-numeric-labels",
	"bytes-size":                    "ok-bytes-metadata",
	"bytes-dtype":                   "ok-bytes-config",
	"shape-mismatch":                "ok-bytes-config",
	"shape-missing":                 "ok-bytes-metadata",
	"npy-header":                    "ok-npy-fortran",
	"dtype-unsupported":             "ok-npy-f8-big-endian",
	"config-syntax":                 "ok-pbtxt-logdir",
	"config-missing-file":           "ok-pbtxt-logdir",
	"config-url":                    "ok-bytes-config",
	"too-large":                     "ok-npz-deflated",
}

func TestNearMisses(t *testing.T) {
	for _, code := range DesignCodes {
		if strings.HasPrefix(string(code), "sprite-") {
			continue // TestSprite has the near misses
		}
		fixture, ok := nearMiss[code]
		if !ok {
			t.Errorf("no near miss for %s", code)
			continue
		}
		_, rep := Load(loadCase(t, fixture), Options{})
		for _, d := range rep.Diagnostics {
			if d.Code == code {
				t.Errorf("near miss %s produces %s: %s", fixture, code, d.Message)
			}
		}
	}
}
