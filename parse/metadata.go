package parse

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// metadata is a parsed metadata TSV before it is reconciled with the tensor.
type metadata struct {
	file    string
	cols    []Column // each with n values
	n       int
	header  bool     // the first line was used as column names
	first   []string // fields of the first line of the file (header or first row)
	single  bool     // one column
	lineOff int      // line number of row i is i+lineOff
	// trailingBlank counts the blank rows at the end of the file (beyond the final newline).
	trailingBlank int
	// interiorBlank counts blank rows before the last non-blank one; firstBlank is the first one's line.
	interiorBlank, firstBlank int
	noFinalNewline            bool
	lastLine                  string
	ragged                    int
}

// parseMetadata reads a metadata TSV by TensorBoard's rules: split on '\t' only,
// one column = no header, several columns = first line is the header (unless
// opts.MetadataHeader overrides it), and blank lines are rows with empty labels.
// Memory: one string per cell.
func parseMetadata(f File, opts Options, r *reporter) *metadata {
	m := &metadata{file: f.Name}
	if looksLFS(f.Data) {
		r.errorf(CodeLFSPointer, f.Name, 1, "Run `git lfs pull` and use the real file.", "",
			"%s is a Git LFS pointer (%d bytes), not the metadata itself.", f.Name, len(f.Data))
		return nil
	}
	if looksHTML(f.Data) {
		r.errorf(CodeHTMLPage, f.Name, 1, "Download the raw file instead of the web page.", "",
			"%s is an HTML web page, not metadata: the page was saved instead of the raw file.", f.Name)
		return nil
	}
	text := prepText(f.Name, f.Data, r, true).text
	m.noFinalNewline = len(text) > 0 && text[len(text)-1] != '\n'
	nlines := bytes.Count(text, []byte{'\n'}) + 1
	lr := lineReader{data: text}
	first, ok := lr.next()
	if !ok {
		r.errorf(CodeCountMismatch, f.Name, 0, "", "", "%s is empty: it has no metadata rows.", f.Name)
		return nil
	}
	if bytes.IndexByte(first, '\t') < 0 && strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
		if cm := parseMetadataCSV(f.Name, text, opts, r); cm != nil {
			return cm
		}
	}
	m.first = strings.Split(string(first), "\t")
	ncol := len(m.first)
	m.single = ncol == 1
	switch opts.MetadataHeader {
	case "yes":
		m.header = true
	case "no":
		m.header = false
	default:
		m.header = ncol > 1
	}
	m.cols = make([]Column, ncol)
	for j := range m.cols {
		if m.header {
			m.cols[j].Name = m.first[j]
		} else if ncol == 1 {
			m.cols[j].Name = "label"
		} else {
			m.cols[j].Name = fmt.Sprintf("column %d", j+1)
		}
		// Bound the preallocation by the bytes: a full row of ncol cells needs ncol-1 tabs.
		m.cols[j].Values = make([]string, 0, min(nlines, len(text)/ncol+1))
	}
	m.lineOff = 1
	if m.header {
		m.lineOff = 2
	}
	padded := 0 // cells filled in for short rows: bounded by the bytes, or the file is refused
	addRow := func(line []byte, lineNo int) {
		if len(line) == 0 {
			padded += ncol - 1
			for j := range m.cols {
				m.cols[j].Values = append(m.cols[j].Values, "")
			}
			return
		}
		s := string(line)
		for j := range m.cols {
			var v string
			if j == ncol-1 {
				v = s
			} else if i := strings.IndexByte(s, '\t'); i >= 0 {
				v, s = s[:i], s[i+1:]
			} else {
				if v, s = s, ""; j > 0 {
					padded++
				}
			}
			m.cols[j].Values = append(m.cols[j].Values, v)
		}
		if ncol > 1 && strings.Count(string(line), "\t") != ncol-1 {
			m.ragged++
			if m.ragged == 1 {
				r.warnf(CodeRaggedRow, f.Name, lineNo, "Give every metadata line the same number of tab-separated fields as the header.", "",
					"Line %d of %s has %d fields where the first line has %d; missing fields are empty and extra ones are kept in the last column.",
					lineNo, f.Name, strings.Count(string(line), "\t")+1, ncol)
			}
		}
	}
	if !m.header {
		addRow(first, 1)
	}
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		addRow(line, lr.line)
		if lr.line&0xfff == 0 {
			r.step.tick(int64(lr.pos))
		}
		if padded > len(text)+1024 {
			r.errorf(CodeRaggedRow, f.Name, lr.line, "Give every metadata line the same number of tab-separated fields as the first.", "",
				"%s has a first line of %d fields but its other lines are much shorter (line %d): this does not look like metadata for these columns.", f.Name, ncol, lr.line)
			return nil
		}
		if len(line) != 0 {
			m.lastLine = string(line)
		}
	}
	if m.lastLine == "" && !m.header {
		m.lastLine = string(first)
	}
	m.n = len(m.cols[0].Values)
	// Blank rows: trailing ones are counted apart, interior ones reported.
	for i := m.n - 1; i >= 0 && m.rowBlank(i); i-- {
		m.trailingBlank++
	}
	for i := 0; i < m.n-m.trailingBlank; i++ {
		if m.rowBlank(i) {
			if m.interiorBlank == 0 {
				m.firstBlank = i + m.lineOff
			}
			m.interiorBlank++
		}
	}
	if m.interiorBlank > 0 {
		r.warnf(CodeBlankLine, f.Name, m.firstBlank, "", "",
			"%s has %s (first on line %d); each is kept as a point with an empty label, as TensorBoard does, so later labels stay aligned.",
			f.Name, plural(m.interiorBlank, "blank line", "blank lines"), m.firstBlank)
	}
	if opts.DropMetadataRows > 0 {
		k := min(opts.DropMetadataRows, m.n)
		m.dropFirst(k)
		r.infof(CodeCountMismatch, f.Name, 0, "Dropped the first %s of %s as asked.", plural(k, "metadata row", "metadata rows"), f.Name)
	}
	return m
}

func (m *metadata) rowBlank(i int) bool {
	for _, c := range m.cols {
		if c.Values[i] != "" {
			return false
		}
	}
	return true
}

// truncate keeps the first n rows.
func (m *metadata) truncate(n int) {
	for j := range m.cols {
		m.cols[j].Values = m.cols[j].Values[:n]
	}
	m.n = n
}

// parseMetadataCSV reads metadata saved as comma-separated values (pandas to_csv),
// which TensorBoard would not split: with several columns the first record is the
// header (unless opts.MetadataHeader says otherwise). It returns nil when the text
// does not split into at least two columns on commas.
func parseMetadataCSV(name string, text []byte, opts Options, r *reporter) *metadata {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	first, err := cr.Read()
	if err != nil || len(first) < 2 {
		return nil
	}
	m := &metadata{file: name, first: first, header: opts.MetadataHeader != "no", lineOff: 1}
	m.noFinalNewline = len(text) > 0 && text[len(text)-1] != '\n'
	ncol := len(first)
	m.cols = make([]Column, ncol)
	for j := range m.cols {
		if m.header {
			m.cols[j].Name = strings.Clone(first[j])
		} else {
			m.cols[j].Name = fmt.Sprintf("column %d", j+1)
		}
	}
	add := func(rec []string) {
		for j := range m.cols {
			v := ""
			if j < len(rec) {
				v = strings.Clone(rec[j])
			}
			m.cols[j].Values = append(m.cols[j].Values, v)
		}
	}
	if m.header {
		m.lineOff = 2
	} else {
		add(first)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil && rec == nil {
			line, _ := cr.FieldPos(0)
			r.errorf(CodeRaggedRow, name, line, "", "", "%s cannot be read as CSV: %v.", name, err)
			return nil
		}
		if len(rec) != ncol {
			m.ragged++
		}
		add(rec)
		if m.ragged > len(text)/2+1 {
			break
		}
	}
	if m.ragged > 0 {
		r.warnf(CodeRaggedRow, name, 0, "", "", "%s: %s a different number of fields than the header (%d).", name, plural(m.ragged, "row has", "rows have"), ncol)
	}
	m.n = len(m.cols[0].Values)
	m.lastLine = ""
	r.infof(CodeDelimiter, name, 0, "The metadata %s is comma-separated; it was split on commas (TensorBoard needs tabs).", name)
	if opts.DropMetadataRows > 0 {
		k := min(opts.DropMetadataRows, m.n)
		m.dropFirst(k)
	}
	return m
}

// dropFirst drops the first k rows.
func (m *metadata) dropFirst(k int) {
	for j := range m.cols {
		m.cols[j].Values = m.cols[j].Values[k:]
	}
	m.n -= k
	m.lineOff += k
}
