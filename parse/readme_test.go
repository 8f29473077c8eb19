package parse

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryCode keeps the README's table of diagnostic codes
// complete: every documented code (Codes) and every code reserved for the
// checkpoint and event-file readers (ReservedCodes) has a row.
func TestREADMEDocumentsEveryCode(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, m := range []map[Code]string{Codes, ReservedCodes} {
		for code := range m {
			if !strings.Contains(readme, "| `"+string(code)+"` |") {
				t.Errorf("README.md does not document the diagnostic code %q", code)
			}
		}
	}
}

// TestEveryEmittedCodeIsDocumented reads the whole product's source (every
// non-test Go file and the page's scripts) and checks that every code it can
// emit is in Codes: Code constants, Code("…") conversions, Code: "…" fields,
// and the first argument of the reporter's errorf/warnf/infof. It also checks
// that reserved codes use the reader packages' prefixes.
func TestEveryEmittedCodeIsDocumented(t *testing.T) {
	found := map[string]string{} // code -> where
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != ".." || d.Name() == "testdata" || d.Name() == "dist" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		switch {
		case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
			goCodes(t, p, found)
		case strings.HasSuffix(p, ".js"):
			jsCodes(t, p, found)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []Code{CodeNoFiles, CodeStartup, CodeCountMismatch} {
		if _, ok := found[string(must)]; !ok {
			t.Errorf("the source scan did not find %q: the scan is broken", must)
		}
	}
	for code, where := range found {
		if _, ok := Codes[Code(code)]; !ok {
			t.Errorf("%s emits %q, which Codes does not document", where, code)
		}
	}
	for code := range ReservedCodes {
		c := string(code)
		if !strings.HasPrefix(c, CheckpointCodePrefix) && !strings.HasPrefix(c, EventsCodePrefix) {
			t.Errorf("reserved code %q is outside the readers' prefixes", c)
		}
	}
}

var codeLiteral = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// goCodes adds the code literals of one Go file to found.
func goCodes(t *testing.T, p string, found map[string]string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, nil, 0)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	add := func(e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err == nil && codeLiteral.MatchString(s) {
			found[s] = fset.Position(lit.Pos()).String()
		}
	}
	isCode := func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name == "Code"
		case *ast.SelectorExpr:
			return x.Sel.Name == "Code"
		}
		return false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.ValueSpec:
			if x.Type != nil && isCode(x.Type) {
				for _, v := range x.Values {
					add(v)
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Code" {
				add(x.Value)
			}
		case *ast.CallExpr:
			if isCode(x.Fun) && len(x.Args) == 1 {
				add(x.Args[0])
			}
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && len(x.Args) > 0 {
				switch sel.Sel.Name {
				case "errorf", "warnf", "infof":
					add(x.Args[0])
				}
			}
		}
		return true
	})
}

var jsCode = regexp.MustCompile(`code:\s*['"]([a-z0-9-]+)['"]`)

// jsCodes adds the codes a page script puts into a diagnostic to found.
func jsCodes(t *testing.T, p string, found map[string]string) {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range jsCode.FindAllSubmatch(b, -1) {
		found[string(m[1])] = p
	}
}

// TestMergeCodes checks the merge rule for the readers' own code maps.
func TestMergeCodes(t *testing.T) {
	saved := Codes
	defer func() { Codes = saved }()
	Codes = map[Code]string{CodeCountMismatch: "parse's meaning"}
	mergeCodes(EventsCodePrefix, map[string]string{"events-crc": "a CRC", "count-mismatch": "theirs"})
	if Codes["events-crc"] != "a CRC" || Codes[CodeCountMismatch] != "parse's meaning" {
		t.Errorf("after merge: %v", Codes)
	}
	defer func() {
		if recover() == nil {
			t.Error("a code outside the prefix was merged without a panic")
		}
	}()
	mergeCodes(EventsCodePrefix, map[string]string{"checkpoint-crc": "wrong package"})
}

func TestLocation(t *testing.T) {
	off := int64(4096)
	for _, c := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{}, ""},
		{Diagnostic{File: "v.tsv"}, "v.tsv"},
		{Diagnostic{File: "v.tsv", Line: 3, Column: 2}, "v.tsv, line 3, column 2"},
		{Diagnostic{File: "v.tsv", Column: 2}, "v.tsv"},
		{Diagnostic{File: "m.index", Offset: &off}, "m.index, byte 4096"},
		{Diagnostic{Line: 5}, "line 5"},
	} {
		if got := c.d.Location(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.d, got, c.want)
		}
	}
	if atOffset(-1) != nil || *atOffset(7) != 7 {
		t.Error("atOffset")
	}
}
