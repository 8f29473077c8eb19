package main

import (
	"encoding/json"
	"errors"
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
	// Offers lists every embedding the files offer, with its size and source.
	Offers []offer `json:"offers"`
	// Tensors lists the checkpoint's tensors (name, dtype, shape), from
	// parse.Report.Tensors.
	Tensors []parse.TensorInfo `json:"tensors,omitempty"`
}

// offer is one embedding of "projector validate": parse.Offer with its N×D
// (0×0 when it cannot be drawn).
type offer struct {
	parse.Offer
	Points int `json:"points"`
	Dims   int `json:"dims"`
}

// listOffers sizes every embedding the report offers: the one loaded from ds,
// the others by loading them in turn.
func listOffers(files []parse.File, ds *parse.Dataset, rep parse.Report) []offer {
	out := make([]offer, 0, len(rep.Offers))
	for i, o := range rep.Offers {
		e := offer{Offer: o}
		d := ds
		if d != nil && d.Embedding != i {
			d, _ = parse.Load(files, parse.Options{Embedding: i})
		}
		if d != nil && o.Drawable {
			e.Points, e.Dims = d.N, d.D
		}
		out = append(out, e)
	}
	return out
}

// validateLine and validateNotes frame the flag list of "projector validate -h".
const (
	validateLine  = "projector validate [--json] PATH...\n(flags may come before or after the paths)"
	validateNotes = "Exit status: 0 the data can be drawn (warnings allowed), 1 an error blocks it, 2 usage error.\n"
)

// runValidate implements "projector validate [--json] PATH...": it loads the files
// and folders exactly as the page does (parse.Load with default options) and prints
// the report. Exit status: 0 drawable (warnings allowed), 1 an error blocks the data,
// 2 usage error (bad flag, no path, unreadable path).
func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate")
	asJSON := fs.Bool("json", false, "print the report as JSON: points, dims, columns, format, diagnostics, offers")
	paths, err := parseInterspersed(fs, args)
	if err == nil && len(paths) == 0 {
		err = errors.New("no PATH given")
	}
	if err != nil {
		return usageError(err, stdout, stderr, fs, validateLine, validateNotes)
	}
	files, closeAll, err := openInputs(paths)
	if err != nil {
		fmt.Fprintf(stderr, "projector validate: %v\n", err)
		return 2
	}
	ds, rep := parse.Load(files, parse.Options{})
	res := validateResult{Columns: []string{}, Diagnostics: rep.Diagnostics, Embeddings: rep.Embeddings, Tensors: rep.Tensors}
	res.Offers = listOffers(files, ds, rep)
	closeAll()
	if ds != nil {
		res.Points, res.Dims, res.Format = ds.N, ds.D, ds.Format
		for _, c := range ds.Columns {
			res.Columns = append(res.Columns, c.Name)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "projector validate: writing JSON: %v\n", err)
			return 2
		}
	} else {
		printReport(stdout, ds, rep)
		printOffers(stdout, res.Offers, res.Tensors)
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
		loc := d.Location()
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

// printOffers lists the embeddings (when there is a choice) and checkpoint tensors.
func printOffers(w io.Writer, offers []offer, tensors []parse.TensorInfo) {
	if len(offers) > 1 || len(offers) == 1 && offers[0].Source != "files" {
		fmt.Fprintf(w, "embeddings offered (%d):\n", len(offers))
		for i, o := range offers {
			size := "cannot be drawn"
			if o.Drawable {
				size = fmt.Sprintf("%d × %d", o.Points, o.Dims)
			}
			fmt.Fprintf(w, "  %d. %s (%s, %s): %s\n", i, o.Name, o.Source, o.TensorFile, size)
		}
	}
	if len(tensors) > 0 {
		fmt.Fprintf(w, "tensors of the checkpoint (%d):\n", len(tensors))
	}
	for _, t := range tensors {
		fmt.Fprintf(w, "  tensor %s %s %v\n", t.Name, t.Dtype, t.Shape)
	}
}

// input is one file named on the command line or found in a named folder.
type input struct {
	path string // on disk
	name string // as parse.File.Name: base name, or path relative to the named folder
}

// listInputs expands paths: a file is named by its base name; the files of a
// folder by their path relative to it (with '/'), as the page names the entries
// of a dropped folder. Hidden files and folders are skipped.
func listInputs(paths []string) ([]input, error) {
	var out []input
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, input{p, filepath.Base(p)})
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
			rel, err := filepath.Rel(p, q)
			if err != nil {
				return err
			}
			out = append(out, input{q, filepath.ToSlash(rel)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading folder %s: %w", p, err)
		}
	}
	return out, nil
}

// openInputs opens files and folders (see listInputs) as parse.Files read through
// ReaderAt, so that a large tensor is read piece by piece instead of copied whole
// into memory; closeAll closes them once Load has returned.
func openInputs(paths []string) (files []parse.File, closeAll func(), err error) {
	var opened []*os.File
	closeAll = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	ins, err := listInputs(paths)
	if err != nil {
		return nil, closeAll, err
	}
	for _, in := range ins {
		f, err := os.Open(in.path)
		if err != nil {
			closeAll()
			return nil, closeAll, err
		}
		opened = append(opened, f)
		st, err := f.Stat()
		if err != nil {
			closeAll()
			return nil, closeAll, err
		}
		files = append(files, parse.File{Name: in.name, ReaderAt: f, Size: st.Size()})
	}
	return files, closeAll, nil
}
