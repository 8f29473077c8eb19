package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/embproj/projector/parse"
)

// validateResult is the --json output of "projector validate" (DESIGN.md §4).
type validateResult struct {
	Points      int                `json:"points"`
	Dims        int                `json:"dims"`
	Columns     []string           `json:"columns"`
	Format      string             `json:"format"`
	Diagnostics []parse.Diagnostic `json:"diagnostics"`
	// Embeddings lists the embeddings a config offered, when there are several.
	Embeddings []string `json:"embeddings,omitempty"`
}

// runValidate implements "projector validate [--json] PATH...": it loads the files
// and folders exactly as the page does (parse.Load with default options) and prints
// the report. Exit status: 0 drawable (warnings allowed), 1 an error blocks the data,
// 2 usage error (bad flag, no path, unreadable path).
func runValidate(args []string, stdout, stderr io.Writer) int {
	asJSON := false
	var paths []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			paths = append(paths, args[i+1:]...)
			i = len(args)
		case a == "--json" || a == "-json":
			asJSON = true
		case a == "-h" || a == "--help":
			fmt.Fprint(stdout, "usage: projector validate [--json] PATH...\n")
			return 0
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "projector validate: unknown flag %s\nusage: projector validate [--json] PATH...\n", a)
			return 2
		default:
			paths = append(paths, a)
		}
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "projector validate: no PATH given\nusage: projector validate [--json] PATH...\n")
		return 2
	}
	files, err := readInputs(paths)
	if err != nil {
		fmt.Fprintf(stderr, "projector validate: %v\n", err)
		return 2
	}
	ds, rep := parse.Load(files, parse.Options{})
	res := validateResult{Columns: []string{}, Diagnostics: rep.Diagnostics, Embeddings: rep.Embeddings}
	if ds != nil {
		res.Points, res.Dims, res.Format = ds.N, ds.D, ds.Format
		for _, c := range ds.Columns {
			res.Columns = append(res.Columns, c.Name)
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "projector validate: writing JSON: %v\n", err)
			return 2
		}
	} else {
		printReport(stdout, ds, rep)
	}
	if rep.Blocking() {
		return 1
	}
	return 0
}

// printReport writes the human-readable report: one summary line, then one line per diagnostic.
func printReport(w io.Writer, ds *parse.Dataset, rep parse.Report) {
	if ds != nil {
		var cols []string
		for _, c := range ds.Columns {
			cols = append(cols, c.Name)
		}
		desc := ds.Format
		if ds.Compression != "" {
			desc += " (" + ds.Compression + ")"
		}
		fmt.Fprintf(w, "ok: %d points × %d dims, %s from %s", ds.N, ds.D, desc, ds.TensorFile)
		if ds.MetadataFile != "" {
			fmt.Fprintf(w, ", metadata %s", ds.MetadataFile)
		}
		if len(cols) > 0 {
			fmt.Fprintf(w, ", columns: %s", strings.Join(cols, ", "))
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintln(w, "blocked: the data cannot be drawn")
	}
	for _, d := range rep.Diagnostics {
		loc := d.File
		if d.Line > 0 {
			loc += fmt.Sprintf(":%d", d.Line)
			if d.Column > 0 {
				loc += fmt.Sprintf(":%d", d.Column)
			}
		}
		if loc != "" {
			loc += ": "
		}
		fmt.Fprintf(w, "%s %s: %s%s", d.Severity, d.Code, loc, d.Message)
		if d.Fix != "" {
			fmt.Fprintf(w, " Fix: %s", d.Fix)
		}
		if d.Action != "" {
			fmt.Fprintf(w, " [%s]", d.Action)
		}
		fmt.Fprintln(w)
	}
}

// readInputs reads files and folders into parse.Files. A file is named by its base
// name; the files of a folder by their path relative to it (with '/'), as the page
// names the entries of a dropped folder. Hidden files and folders are skipped.
func readInputs(paths []string) ([]parse.File, error) {
	var files []parse.File
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			files = append(files, parse.File{Name: filepath.Base(p), Data: b})
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if q != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(q)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(p, q)
			if err != nil {
				return err
			}
			files = append(files, parse.File{Name: filepath.ToSlash(rel), Data: b})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading folder %s: %w", p, err)
		}
	}
	return files, nil
}
