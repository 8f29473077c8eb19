package parse

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// tensor is a parsed tensor before it is reconciled with metadata.
type tensor struct {
	file string
	// n points of d dimensions, vals row-major (n×d float32).
	n, d int
	vals []float32
	// rows[i] is the 1-based line (text) or row (binary) of point i in the file.
	rows []int32
	// labels are text columns found inside the tensor file (word2vec words, label columns), n values each.
	labels []Column
	format string
	delim  byte
	// firstSeq is set when the first row reads 0, 1, …, D-1: a column-name header written as numbers.
	firstSeq       bool
	noFinalNewline bool
	// indexCol is set when column 1 counts 0..N-1 or 1..N and was kept as a dimension.
	indexCol bool
	// declaredN is the N of a word2vec "N D" header line, or -1.
	declaredN int
	// dimNames are the header's names of the d dimensions, or nil.
	dimNames []string
}

// colKind classifies a column of a text table from a sample of rows.
type colKind int

const (
	colNumeric colKind = iota
	colEmpty
	colList
	colText
)

// labelNames are column names that hold labels even when their values are numbers.
var labelNames = map[string]bool{"label": true, "labels": true, "class": true, "target": true, "y": true,
	"category": true, "cluster": true, "id": true, "class_id": true, "species": true, "word": true, "token": true}

// indexNames are names pandas and others give to an index column.
var indexNames = map[string]bool{"": true, "unnamed: 0": true, "index": true}

// recordIter yields the records of a delimited text.
type recordIter interface {
	// next returns the fields of the next record and its 1-based line; blank is set for an
	// empty line (fields nil). ok is false at the end.
	next() (fields []string, line int, blank, ok bool)
	// offset is the number of bytes read so far.
	offset() int64
}

func (it *fastIter) offset() int64 { return int64(it.lr.pos) }
func (it *csvIter) offset() int64  { return it.cr.InputOffset() }

// fastIter splits lines on one byte (or runs of blanks for ' '), without quoting.
// Fields alias the text: clone before keeping them.
type fastIter struct {
	lr    lineReader
	delim byte
	buf   []string
}

func (it *fastIter) next() ([]string, int, bool, bool) {
	line, ok := it.lr.next()
	if !ok {
		return nil, 0, false, false
	}
	if isBlank(line) {
		return nil, it.lr.line, true, true
	}
	it.buf = splitFields(line, it.delim, it.buf[:0])
	return it.buf, it.lr.line, false, true
}

// bstr views b as a string without copying; the string must not outlive b's contents.
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// splitFields appends the fields of line to dst. For delim ' ' fields are separated by
// runs of spaces and tabs, ignoring leading and trailing ones.
func splitFields(line []byte, delim byte, dst []string) []string {
	if delim == ' ' {
		i := 0
		for i < len(line) {
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' {
				j++
			}
			if j > i {
				dst = append(dst, bstr(line[i:j]))
			}
			i = j
		}
		return dst
	}
	for {
		i := bytes.IndexByte(line, delim)
		if i < 0 {
			return append(dst, bstr(line))
		}
		dst = append(dst, bstr(line[:i]))
		line = line[i+1:]
	}
}

// csvIter reads RFC 4180 records (quoted fields) with encoding/csv.
type csvIter struct {
	cr   *csv.Reader
	err  error
	line int
}

func (it *csvIter) next() ([]string, int, bool, bool) {
	for {
		rec, err := it.cr.Read()
		if err == io.EOF {
			return nil, 0, false, false
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount) {
				line, _ := it.cr.FieldPos(0)
				return rec, line, false, true
			}
			if it.err == nil {
				it.err = err
			}
			return nil, 0, false, false
		}
		line, _ := it.cr.FieldPos(0)
		return rec, line, false, true
	}
}

// parseNum parses one decimal number as float32. ok is false when s is not a number;
// NaN, ±Inf and values beyond float32 (which become ±Inf) are numbers here and are
// reported later as non-finite.
func parseNum(s string) (float32, bool) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	if len(s) == 0 {
		return 0, false
	}
	if v, ok := parseFast(s); ok {
		return v, true
	}
	v, err := strconv.ParseFloat(s, 32)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return float32(v), true
		}
		return 0, false
	}
	return float32(v), true
}

// parseList parses "[1, 2, 3]" or "[1 2 3]" (numpy repr) or "(1, 2)" into dst.
func parseList(s string, dst []float32) ([]float32, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || !(s[0] == '[' && s[len(s)-1] == ']' || s[0] == '(' && s[len(s)-1] == ')') {
		return dst, false
	}
	s = s[1 : len(s)-1]
	start := len(dst)
	for len(s) > 0 {
		i := strings.IndexAny(s, ", \t\n")
		var tok string
		if i < 0 {
			tok, s = s, ""
		} else {
			tok, s = s[:i], s[i+1:]
		}
		if tok == "" {
			continue
		}
		v, ok := parseNum(tok)
		if !ok {
			return dst[:start], false
		}
		dst = append(dst, v)
	}
	return dst, len(dst) > start
}

func isNum(s string) bool { _, ok := parseNum(s); return ok }

func isInt(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// sniffDelimiter picks the separator on which every sample line (except possibly
// the first, which may be a header) splits into the same number (≥ 2) of fields.
// Tab wins ties, then comma, semicolon, runs of spaces. It returns 0 when the
// text has a single column.
func sniffDelimiter(sample [][]byte) byte {
	var buf []string
	for _, d := range []byte{'\t', ',', ';', ' '} {
		rows := sample
		if len(rows) > 1 {
			rows = rows[1:]
		}
		want := -1
		good := true
		for _, l := range rows {
			buf = splitFields(l, d, buf[:0])
			if want < 0 {
				want = len(buf)
			}
			if len(buf) != want || want < 2 {
				good = false
				break
			}
		}
		if good && want >= 2 {
			return d
		}
	}
	// No separator agrees on every line: take the one present on the first data line
	// so that ragged rows are reported against it.
	for _, d := range []byte{'\t', ',', ';'} {
		for _, l := range sample {
			if bytes.IndexByte(l, d) >= 0 {
				return d
			}
		}
	}
	for _, l := range sample {
		if len(splitFields(l, ' ', buf[:0])) > 1 {
			return ' '
		}
	}
	return 0
}

const maxExamples = 3

// problems records up to maxExamples offending lines of one kind and counts all.
type problems struct {
	lines []int
	cells []string
	cols  []int
	got   []int
	count int
}

func (p *problems) add(line, col int, cell string, got int) {
	p.count++
	if len(p.lines) < maxExamples {
		p.lines = append(p.lines, line)
		p.cols = append(p.cols, col)
		p.cells = append(p.cells, strings.Clone(cell))
		p.got = append(p.got, got)
	}
}

// parseTextTensor reads delimited numeric text: TensorBoard TSV, CSV (with or without
// header, pandas index and list columns), semicolon- or space-separated text and
// word2vec/fastText .vec. Text columns become labels. Memory: n×d float32 plus one
// string per label cell; the file is not copied unless it needs re-encoding.
//
// It runs in four steps: readTextWindow reads the text (or a streamed file's first
// lines), planTextTable samples it and decides the delimiter, the header and what
// each column becomes, readRows reads every row, and finishTable reports bad rows
// and completes the tensor. It returns nil when the file cannot be used (reported).
func parseTextTensor(f File, opts Options, r *reporter) *tensor {
	win, ok := readTextWindow(f, r)
	if !ok {
		return nil
	}
	tb, ok := planTextTable(f, win, opts, r)
	if !ok {
		return nil
	}
	t := &tensor{file: f.Name, format: tb.format, delim: tb.delim, declaredN: tb.hdr.declaredN, noFinalNewline: win.noFinalNewline}
	t.dimNames = dimensionNames(tb)
	rows, ok := readRows(tb, t, opts, r)
	if !ok {
		return nil
	}
	return finishTable(tb, t, rows, r)
}

// dimensionNames returns the header's names of the columns read as
// dimensions, in order, or nil without a header (or with a list column).
func dimensionNames(tb *textTable) []string {
	h, p := tb.hdr, tb.plan
	if h.names == nil || p.listCol >= 0 {
		return nil
	}
	var out []string
	for j, v := range p.isVec {
		if v {
			if j >= len(h.names) {
				return nil
			}
			out = append(out, h.names[j])
		}
	}
	return out
}

// textWindow is the text of a tensor file that parseTextTensor samples: all of it, or
// for a streamed file its first prefixSize bytes cut back to the last complete line.
type textWindow struct {
	text           []byte // the whole text, or its first complete lines when streamed
	skip           int64  // bytes of UTF-8 byte-order mark before the text (streamed only)
	size           int64  // bytes of text in the whole file, after the mark
	streamed       bool   // the rows are read through f.ReaderAt, not from text
	noFinalNewline bool   // the file's last byte is not a newline
}

// readTextWindow takes a tensor file and returns its text window. A file in memory
// is re-encoded to UTF-8 by prepText (which reports what it changed); a streamed one
// only loses its byte-order mark. ok is false when the file cannot be read (reported).
func readTextWindow(f File, r *reporter) (w textWindow, ok bool) {
	w.streamed = f.streamed()
	if !w.streamed {
		w.text = prepText(f.Name, f.Data, r, true).text
		w.size = int64(len(w.text))
		w.noFinalNewline = len(w.text) > 0 && w.text[len(w.text)-1] != '\n'
		return w, true
	}
	if bytes.HasPrefix(mustHead(f, 3), []byte{0xEF, 0xBB, 0xBF}) {
		w.skip = 3
	}
	text, err := readAtFull(f.ReaderAt, w.skip, int(min(int64(prefixSize), f.Size-w.skip)))
	if err != nil {
		r.errorf(CodeReadError, f.Name, 0, "Choose the file again.", "", "%s cannot be read: %v.", f.Name, err)
		return w, false
	}
	if int64(len(text)) < f.Size-w.skip {
		if i := bytes.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i+1] // the last line of the prefix may be cut
		}
	}
	w.text = text
	w.size = f.Size - w.skip
	last, err := readAtFull(f.ReaderAt, f.Size-1, 1)
	w.noFinalNewline = err == nil && last[0] != '\n'
	return w, true
}

// textTable is what parseTextTensor learns about a text tensor before its full pass.
type textTable struct {
	f      File
	win    textWindow
	sample textSample
	delim  byte
	useCSV bool // records are read by encoding/csv (see splitSample)
	hdr    tableHeader
	plan   colPlan
	format string // see tableFormat
}

// planTextTable takes a tensor file and its text window and returns the plan of
// its full pass: the sample, delimiter, header, columns and format, reporting
// what it decided. ok is false, reported, when the text holds no line, only a
// header, or no numeric column.
func planTextTable(f File, win textWindow, opts Options, r *reporter) (tb *textTable, ok bool) {
	tb = &textTable{f: f, win: win, sample: sampleText(win.text)}
	if len(tb.sample.lines) == 0 {
		r.errorf(CodeNonNumeric, f.Name, 0, "", "", "%s is empty: it holds no vectors.", f.Name)
		return nil, false
	}
	tb.delim = pickDelimiter(tb.sample.lines, opts)
	recs, useCSV := splitSample(tb.sample, win.text, tb.delim)
	tb.useCSV = useCSV
	tb.hdr = detectHeader(f.Name, tb.sample, recs, tb.delim, r)
	data := recs
	if tb.hdr.skipFirst {
		data = recs[1:]
	}
	if len(data) == 0 {
		r.errorf(CodeNonNumeric, f.Name, 0, "", "", "%s holds a header line and no vectors.", f.Name)
		return nil, false
	}
	if tb.plan, ok = planColumns(f.Name, tb.sample, data, tb.hdr, opts, r); !ok {
		return nil, false
	}
	tb.format = tableFormat(tb.hdr, tb.delim, tb.plan)
	announceColumns(f.Name, tb.sample, data, tb.delim, tb.hdr, tb.plan, tb.format, r)
	return tb, true
}

// textSample is the first non-blank lines of a text window, from which the
// delimiter, the header and the columns are guessed.
type textSample struct {
	lines   [][]byte // at most 64 lines, without their newline; they alias the text
	lineNos []int    // the 1-based line number of each
	bytes   int      // bytes of the sampled lines counting one newline each (at most about 1 MiB)
}

// sampleText takes a text window and returns its first non-blank lines, read from
// at most its first prefixSize bytes so that a file gives the same sample whether
// it is streamed or not. The sample is empty when the text holds no line.
func sampleText(text []byte) textSample {
	window := text
	if len(window) > prefixSize {
		window = window[:prefixSize]
		if i := bytes.LastIndexByte(window, '\n'); i >= 0 {
			window = window[:i+1]
		}
	}
	var s textSample
	lr := lineReader{data: window}
	for len(s.lines) < 64 && s.bytes < 1<<20 {
		line, ok := lr.next()
		if !ok {
			break
		}
		if isBlank(line) {
			continue
		}
		s.lines = append(s.lines, line)
		s.lineNos = append(s.lineNos, lr.line)
		s.bytes += len(line) + 1
	}
	return s
}

// pickDelimiter takes the sampled lines and returns the field separator: the one
// opts.Delimiter names, else the sniffed one, else (a single column) tab.
func pickDelimiter(lines [][]byte, opts Options) byte {
	delim := sniffDelimiter(lines)
	if d, ok := delimiterByName[opts.Delimiter]; ok {
		delim = d
	}
	if delim == 0 {
		delim = '\t'
	}
	return delim
}

// splitSample takes the sample, the window it came from and the delimiter, and
// returns the sampled lines split into records. useCSV is set for comma- or
// semicolon-separated text with a quote in its first s.bytes bytes: its records,
// here and in the full pass, are read by encoding/csv (lazy quotes, any width).
func splitSample(s textSample, text []byte, delim byte) (recs [][]string, useCSV bool) {
	useCSV = (delim == ',' || delim == ';') && bytes.IndexByte(text[:min(len(text), s.bytes)], '"') >= 0
	for _, l := range s.lines {
		if !useCSV {
			recs = append(recs, splitFields(l, delim, nil))
			continue
		}
		cr := csv.NewReader(bytes.NewReader(l))
		cr.Comma = rune(delim)
		cr.LazyQuotes = true
		cr.FieldsPerRecord = -1
		rec, err := cr.Read()
		if err != nil {
			rec = splitFields(l, delim, nil)
		}
		recs = append(recs, rec)
	}
	return recs, useCSV
}

// tableHeader is what the first sampled line of a text table turned out to be.
type tableHeader struct {
	skipFirst     bool     // the first non-blank line is not a vector and is skipped
	names         []string // column names, when that line named the columns
	sklearnTarget []string // class names, when it was a sklearn count line
	width         int      // the most common number of fields of a sampled line
	declaredN     int      // the N of a word2vec "N D" line, or -1
	format        string   // "word2vec" after a word2vec header line, else ""
}

// detectHeader takes the split sample of a file (named name) and its delimiter and
// returns what the first line is: a word2vec "N D" line, a sklearn count line, a
// line of column names, a stray line of another width, or a vector. It reports
// every line it skips or uses as names.
func detectHeader(name string, s textSample, recs [][]string, delim byte, r *reporter) tableHeader {
	h := tableHeader{width: len(recs[0]), declaredN: -1}
	if len(recs) < 2 {
		return h
	}
	h.width = modeWidth(recs)
	if !word2vecHeader(name, s, recs, &h, r) {
		otherHeader(name, s, recs, delim, &h, r)
	}
	return h
}

// word2vecHeader reports whether the first of recs (two or more records) is a
// word2vec "N D" line: two integers, D > 0, over lines of D+1 fields that do not
// start with a number. If it is, it sets h's skipFirst, declaredN and format and
// reports the line (info).
func word2vecHeader(name string, s textSample, recs [][]string, h *tableHeader, r *reporter) bool {
	first := recs[0]
	if len(first) != 2 {
		return false
	}
	hn, ok1 := isInt(first[0])
	hd, ok2 := isInt(first[1])
	if !(ok1 && ok2 && hd > 0 && h.width == hd+1 && !isNum(cell(recs[1], 0))) {
		return false
	}
	h.skipFirst = true
	h.declaredN = hn
	h.format = "word2vec"
	r.infof(CodeWord2vecHeader, name, s.lineNos[0],
		"Line %d of %s is a word2vec header (%d words of %d dimensions); it was skipped.", s.lineNos[0], name, hn, hd)
	return true
}

// otherHeader takes the first of recs (two or more records) when it is not a
// word2vec header and sets h's skipFirst, names and sklearnTarget when it is a
// sklearn count line, a line of column names (text over numeric columns) or a
// line whose width differs from h.width. It warns about each, except column
// names of a comma- or semicolon-separated file, where a header is usual.
func otherHeader(name string, s textSample, recs [][]string, delim byte, h *tableHeader, r *reporter) {
	first, width := recs[0], h.width
	someTextOverNumbers := false
	for j, c := range first {
		n := isNum(c)
		if !n && j < width && columnNumeric(recs[1:], j) {
			someTextOverNumbers = true
		}
	}
	hn, ok1 := isInt(first[0])
	hd, ok2 := 0, false
	if len(first) > 1 {
		hd, ok2 = isInt(first[1])
	}
	line := s.lineNos[0]
	switch {
	case ok1 && ok2 && hn > 0 && hd == width-1 && (len(first) != width || someTextOverNumbers):
		// sklearn's "n_samples,n_features,class names…" line: the last column is the target.
		h.skipFirst = true
		h.sklearnTarget = cloneAll(first[2:])
		r.warnf(CodeTensorHeaderRow, name, line, "", "",
			"Line %d of %s (%s) is not a vector: it is a count line (%d samples, %d features, then class names) as sklearn writes. It was skipped and the last column was read as the target label.",
			line, name, quote(string(s.lines[0])), hn, hd)
	case len(first) == width && someTextOverNumbers:
		h.skipFirst = true
		h.names = cloneAll(first)
		if delim == '\t' || delim == ' ' {
			r.warnf(CodeTensorHeaderRow, name, line, "", "",
				"Line %d of %s is a header (%s); it was used as column names. TensorBoard would fail on it.",
				line, name, quote(string(s.lines[0])))
		}
	case len(first) != width:
		h.skipFirst = true
		r.warnf(CodeTensorHeaderRow, name, line, "", "",
			"Line %d of %s (%s) is not a vector: %d fields where the next lines have %d. It was skipped.",
			line, name, quote(string(s.lines[0])), len(first), width)
	}
}

// colPlan says what each column of a text table becomes.
type colPlan struct {
	kinds      []colKind
	isVec      []bool // a dimension, or the column of list-valued vectors
	dropCol    []bool // neither dimension nor metadata (a named pandas index)
	listCol    int    // the column holding whole vectors as lists, or -1
	metaCols   []int  // the columns read as labels, in order (not empty ones)
	textCols   int    // how many of metaCols hold text
	checkIndex bool   // column 1 looks like an unnamed index: verify it on every row
	indexBase  int    // its first value (0 or 1) when checkIndex
}

// planColumns takes the sampled records after the header (data, at least one) and
// the header, and returns what each of h.width columns becomes: numeric columns
// are dimensions (or the first list column alone), except the first
// opts.DropTensorColumns, a named index, integer columns named like labels and a
// sklearn target; the other non-empty columns are labels. It reports the columns
// taken out by name (info); ok is false, reported, when no column is numeric.
func planColumns(name string, s textSample, data [][]string, h tableHeader, opts Options, r *reporter) (p colPlan, ok bool) {
	p.kinds = make([]colKind, h.width)
	p.listCol = -1
	for j := range p.kinds {
		p.kinds[j] = classify(data, j)
		if p.kinds[j] == colList && p.listCol < 0 {
			p.listCol = j
		}
	}
	p.isVec = make([]bool, h.width)
	p.dropCol = make([]bool, h.width)
	for j, k := range p.kinds {
		switch {
		case j < opts.DropTensorColumns:
		case p.listCol >= 0:
			p.isVec[j] = j == p.listCol
		case k == colNumeric:
			p.isVec[j] = true
		}
	}
	if h.names != nil && p.listCol < 0 {
		namedMetaColumns(name, s.lineNos[0], data, h.names, &p, r)
	}
	if h.sklearnTarget != nil && h.width > 1 {
		p.isVec[h.width-1] = false
	}
	if countVec(p.isVec) == 0 {
		r.errorf(CodeNonNumeric, name, s.lineNos[0], "Check that this is the tensor file (numbers only).", "",
			"%s has no numeric column: line %d reads %s%s.", name, s.lineNos[0], quote(string(s.lines[0])), decimalCommaNote(cell(data[0], 0)))
		return p, false
	}
	for j := range p.isVec {
		if !p.isVec[j] && !p.dropCol[j] && p.kinds[j] != colEmpty {
			p.metaCols = append(p.metaCols, j)
			if p.kinds[j] == colText {
				p.textCols++
			}
		}
	}
	// An unnamed leading column that counts the rows: warned about later if every row agrees.
	p.checkIndex = h.names == nil && p.isVec[0] && p.listCol < 0 && countVec(p.isVec) > 1 && isIndexSample(data, 0)
	if p.checkIndex {
		p.indexBase, _ = isInt(cell(data[0], 0))
	}
	return p, true
}

// namedMetaColumns takes the sampled records of a table with column names and
// turns numeric columns into metadata in p: a first column named like a pandas
// index that counts the rows is dropped, integer columns named like labels
// (while another dimension remains) become labels. It reports each (info) at line,
// the header's line.
func namedMetaColumns(name string, line int, data [][]string, names []string, p *colPlan, r *reporter) {
	if p.isVec[0] && indexNames[strings.ToLower(strings.TrimSpace(names[0]))] && isIndexSample(data, 0) {
		p.isVec[0] = false
		p.dropCol[0] = true
		r.infof(CodeIndexColumn, name, line, "Column 1 of %s (%s) counts the rows; it is an index, not a dimension, and was left out.", name, quote(names[0]))
	}
	for j := range p.isVec {
		if p.isVec[j] && labelNames[strings.ToLower(strings.TrimSpace(names[j]))] && countVec(p.isVec) > 1 && columnIntegers(data, j) {
			p.isVec[j] = false
			r.infof(CodeTensorLabelColumn, name, line, "Column %d of %s (%s) was read as metadata, not as a dimension.", j+1, name, quote(names[j]))
		}
	}
}

// tableFormat takes the header, delimiter and plan of a text table and returns
// the format name the report gives it: word2vec, csv, tsv or txt.
func tableFormat(h tableHeader, delim byte, p colPlan) string {
	switch {
	case h.format != "":
		return h.format
	case h.names != nil && delim == ',':
		return "csv"
	case delim == ' ' && len(p.metaCols) == 1 && p.metaCols[0] == 0 && p.kinds[0] == colText:
		return "word2vec"
	case delim == '\t':
		return "tsv"
	case delim == ',', delim == ';':
		return "csv"
	}
	return "txt"
}

// announceColumns reports how a text table of the given format is read: its
// delimiter when it is not a tab (info), and an unnamed text column read as labels
// (a warning, as TensorBoard would refuse the file; not for word2vec, where the
// words are expected). data are the sampled records after the header.
func announceColumns(name string, s textSample, data [][]string, delim byte, h tableHeader, p colPlan, format string, r *reporter) {
	if delim != '\t' {
		r.infof(CodeDelimiter, name, 0, "%s is split on %s.", name, map[byte]string{',': "commas", ';': "semicolons", ' ': "runs of spaces"}[delim])
	}
	if h.names != nil || p.textCols == 0 || format == "word2vec" {
		return
	}
	j := p.metaCols[0]
	for _, c := range p.metaCols {
		if p.kinds[c] == colText {
			j = c
			break
		}
	}
	r.warnf(CodeTensorLabelColumn, name, s.lineNos[0], "", "",
		"Column %d of %s holds text (line %d: %s), not numbers; it was read as labels. TensorBoard would fail on it.",
		j+1, name, s.lineNos[0], quote(cell(data[0], j)))
}

// colName returns the name of column j: its header name, else "column j+1".
func colName(names []string, j int) string {
	if j < len(names) {
		return names[j]
	}
	return fmt.Sprintf("column %d", j+1)
}

// tableRows is what the full pass over a text table collects besides t.vals and t.rows.
type tableRows struct {
	d           int        // dimensions per point; for a list column, set by the first good row
	estRows     int        // rows expected from the sample's mean line length
	labels      [][]string // the cells of each plan.metaCols column, one per row kept
	ragged      problems   // rows of another width (or list length)
	nonNum      problems   // cells that are not numbers
	blanks      int        // blank lines followed by a row
	blankFirst  int        // the line of the first blank line, or 0
	checkIndex  bool       // column 1 has counted the rows on every row so far
	badEncoding bool       // a streamed label was not UTF-8 (warned once)
}

// readRows takes the plan of a text table and reads its records after the header
// (at most opts.FirstN+opts.DropTensorRows rows when FirstN is set) into t.vals and
// t.rows, returning what else it found. It ticks r.step every 256 KiB of text, so
// that a Stepper can pause a long read. ok is false, reported, when the vectors
// outgrow opts.maxBytes() or a streamed read fails.
func readRows(tb *textTable, t *tensor, opts Options, r *reporter) (rows *tableRows, ok bool) {
	it := openRecords(tb)
	rows = startRows(tb, t, r)
	limitRows := 0
	if opts.FirstN > 0 {
		limitRows = opts.FirstN + opts.DropTensorRows
	}
	lastTick := int64(0)
	pendingBlank := 0
	seenHeader := !tb.hdr.skipFirst
	for {
		fields, line, blank, more := it.next()
		if !more {
			break
		}
		if blank {
			pendingBlank++
			if rows.blankFirst == 0 {
				rows.blankFirst = line
			}
			continue
		}
		if !seenHeader {
			seenHeader = true
			continue
		}
		if r.step != nil {
			// Let a Stepper pause every 256 KiB of text (a few ms even in wasm).
			if off := it.offset(); off-lastTick >= 1<<18 {
				lastTick = off
				r.step.tick(off)
			}
		}
		rows.blanks += pendingBlank // blank lines count only when a row follows
		pendingBlank = 0
		if !rows.addRow(tb, t, fields, line, r) {
			continue
		}
		if rowsTooLarge(tb.f.Name, t, rows, line, opts, r) {
			return nil, false
		}
		if limitRows > 0 && len(t.rows) >= limitRows {
			break
		}
	}
	return rows, iteratorDone(tb.f.Name, it, r)
}

// openRecords takes the plan of a text table and returns an iterator over all its
// records: encoding/csv when tb.useCSV, else lines split on tb.delim; read from
// the window's text, or for a streamed file through f.ReaderAt in readChunk pieces.
func openRecords(tb *textTable) recordIter {
	f, w := tb.f, tb.win
	if tb.useCSV {
		var src io.Reader = bytes.NewReader(w.text)
		if w.streamed {
			src = bufio.NewReaderSize(io.NewSectionReader(f.ReaderAt, w.skip, f.Size-w.skip), readChunk)
		}
		cr := csv.NewReader(src)
		cr.Comma = rune(tb.delim)
		cr.LazyQuotes = true
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		return &csvIter{cr: cr}
	}
	if w.streamed {
		return newStreamIter(f, w.skip, tb.delim)
	}
	return &fastIter{lr: lineReader{data: w.text}, delim: tb.delim}
}

// startRows takes the plan of a text table and returns the empty state of its full
// pass, after allocating t.vals and t.rows for the rows estimated from the sample
// (bounded by the text's size) and telling r.step the estimated shape.
func startRows(tb *textTable, t *tensor, r *reporter) *tableRows {
	p := &tb.plan
	rows := &tableRows{d: countVec(p.isVec), labels: make([][]string, len(p.metaCols)), checkIndex: p.checkIndex}
	if p.listCol >= 0 {
		rows.d = 0 // from the first row
	}
	size := tb.win.size
	avgLine := max(1, tb.sample.bytes/len(tb.sample.lines))
	rows.estRows = int(size/int64(avgLine)) + 1
	if rows.d > 0 {
		t.vals = make([]float32, 0, min(rows.estRows*rows.d+rows.d, int(size/2)+rows.d))
	}
	t.rows = make([]int32, 0, min(rows.estRows, int(size/2)+1))
	r.step.estimate(rows.estRows, rows.d)
	return rows
}

// addRow takes one record of a text table (line is its line number) and appends
// its dimensions to t.vals, its line to t.rows and its label cells to
// rows.labels, returning true. A record of another width, or whose list cell is
// bad or of another length, is noted in rows.ragged or rows.nonNum and left out
// (false); a bad cell of a plain column is noted in rows.nonNum and read as 0.
func (rows *tableRows) addRow(tb *textTable, t *tensor, fields []string, line int, r *reporter) bool {
	p, width := &tb.plan, tb.hdr.width
	if len(fields) != width {
		if !(len(fields) == width+1 && fields[width] == "") && !(len(fields) == width-1 && p.kinds[width-1] == colEmpty) {
			rows.ragged.add(line, 0, "", len(fields))
			return false
		}
	}
	start := len(t.vals)
	var bad bool
	t.vals, bad = parseCells(fields, width, p.isVec, p.listCol, t.vals, &rows.nonNum, line)
	if p.listCol >= 0 {
		got := len(t.vals) - start
		if rows.d == 0 && !bad {
			rows.d = got
		}
		if got != rows.d && !bad {
			rows.ragged.add(line, p.listCol+1, "", got)
			t.vals = t.vals[:start]
			return false
		}
		if bad {
			t.vals = t.vals[:start]
			return false
		}
	}
	if rows.checkIndex && len(t.rows) < len(t.vals) {
		if v := t.vals[start]; v != float32(len(t.rows)+p.indexBase) {
			rows.checkIndex = false
		}
	}
	rows.addLabels(tb, fields, line, r)
	t.rows = append(t.rows, int32(line))
	return true
}

// parseCells takes the fields of one record and appends to vals the values of
// its dimension columns (isVec, among the first width): one number per cell, or
// all the numbers of the list column listCol. A cell that is not a number (or a
// list) is noted in nonNum at line, and a bad plain cell is appended as 0. It
// returns vals and whether a cell was bad.
func parseCells(fields []string, width int, isVec []bool, listCol int, vals []float32, nonNum *problems, line int) ([]float32, bool) {
	bad := false
	for j := 0; j < width && j < len(fields); j++ {
		if !isVec[j] {
			continue
		}
		if j == listCol {
			var ok bool
			vals, ok = parseList(fields[j], vals)
			if !ok {
				nonNum.add(line, j+1, fields[j], 0)
				bad = true
			}
			continue
		}
		v, ok := parseNum(fields[j])
		if !ok {
			nonNum.add(line, j+1, fields[j], 0)
			bad = true
			v = 0
		}
		vals = append(vals, v)
	}
	return vals, bad
}

// addLabels takes one record read at line and appends its label cells (the
// plan's metaCols, "" when missing) to rows.labels, copied out of the read
// buffer. A streamed file was not re-encoded up front, so a cell that is not
// UTF-8 is decoded as Windows-1252, with one warning for the file.
func (rows *tableRows) addLabels(tb *textTable, fields []string, line int, r *reporter) {
	for k, j := range tb.plan.metaCols {
		v := ""
		if j < len(fields) {
			v = strings.Clone(fields[j])
			if tb.win.streamed && !utf8.ValidString(v) {
				if !rows.badEncoding {
					rows.badEncoding = true
					r.warnf(CodeEncoding, tb.f.Name, line, "Save the file as UTF-8.", "",
						"%s is not UTF-8 (line %d); its labels were read as Windows-1252, so accented letters may be wrong.", tb.f.Name, line)
				}
				v = latin1String(v)
			}
		}
		rows.labels[k] = append(rows.labels[k], v)
	}
}

// rowsTooLarge takes t after the row read at line and reports whether its vectors
// need more than opts.maxBytes() as float32; if so it reports the error, with
// the number of points that would fit as the fix.
func rowsTooLarge(name string, t *tensor, rows *tableRows, line int, opts Options, r *reporter) bool {
	if int64(len(t.vals))*4 <= opts.maxBytes() {
		return false
	}
	dd := max(rows.d, 1)
	fit := int(opts.maxBytes() / int64(4*dd))
	r.errorf(CodeTooLarge, name, line, fmt.Sprintf("Use the first %d points.", fit), fmt.Sprintf("firstN=%d", fit),
		"%s needs more than %d MB as float32 (about %d points of %d dims); the limit is %d MB.", name, opts.maxBytes()>>20, rows.estRows, dd, opts.maxBytes()>>20)
	return true
}

// iteratorDone takes the iterator that ended the full pass over file name and
// reports why it ended early, if it did: a CSV syntax error is reported as
// non-numeric (ok stays true: the rows problems decide), a failed streamed read
// as a read error, with ok false.
func iteratorDone(name string, it recordIter, r *reporter) (ok bool) {
	if ci, isCSV := it.(*csvIter); isCSV && ci.err != nil {
		r.errorf(CodeNonNumeric, name, 0, "", "", "%s: %v", name, ci.err)
	}
	if si, isStream := it.(*streamIter); isStream && si.err != nil {
		r.errorf(CodeReadError, name, si.line, "Choose the file again.", "", "%s cannot be read after line %d: %v.", name, si.line, si.err)
		return false
	}
	return true
}

// finishTable takes a text table, t after its full pass and what the pass found.
// It reports blank lines, ragged rows and non-numbers, then sets t's shape and
// label columns and checks the result (see checkTable). It returns t, or nil
// (reported) when some row was bad or no vector was read.
func finishTable(tb *textTable, t *tensor, rows *tableRows, r *reporter) *tensor {
	if !reportRowProblems(tb, rows, r) {
		return nil
	}
	t.d = rows.d
	t.n = len(t.rows)
	if t.n == 0 || t.d == 0 {
		r.errorf(CodeNonNumeric, tb.f.Name, 0, "", "", "%s holds no vectors.", tb.f.Name)
		return nil
	}
	t.labels = tableLabels(tb, rows.labels)
	checkTable(tb, t, rows, r)
	return t
}

// reportRowProblems takes what the full pass over a text table found and reports
// its blank lines between vectors (a warning), ragged rows and non-numeric cells
// (errors, one per kind, with the first examples). It returns false when there
// were ragged rows or non-numbers.
func reportRowProblems(tb *textTable, rows *tableRows, r *reporter) bool {
	name, ragged, nonNum := tb.f.Name, &rows.ragged, &rows.nonNum
	if rows.blanks > 0 {
		r.warnf(CodeBlankLine, name, rows.blankFirst, "Remove blank lines from the tensor file, or add the matching empty rows to the metadata.", "",
			"%s has %s between vectors (first on line %d); they were skipped, so check that the metadata does not hold rows for them.",
			name, plural(rows.blanks, "blank line", "blank lines"), rows.blankFirst)
	}
	if ragged.count > 0 {
		r.add(Diagnostic{Severity: Error, Code: CodeRaggedRow, File: name, Line: ragged.lines[0],
			Message: fmt.Sprintf("Line %d of %s has %d fields where the others have %d (%s like this: line %s).",
				ragged.lines[0], name, ragged.got[0], widthOrD(tb.hdr.width, rows.d, tb.plan.listCol), plural(ragged.count, "line", "lines"), lineList(ragged.lines, ragged.count)),
			Fix: "Give every line the same number of values."})
	}
	if nonNum.count > 0 {
		r.add(Diagnostic{Severity: Error, Code: CodeNonNumeric, File: name, Line: nonNum.lines[0], Column: nonNum.cols[0],
			Message: fmt.Sprintf("Line %d, column %d of %s: %s is not a number%s (%s like this, on line %s).",
				nonNum.lines[0], nonNum.cols[0], name, quote(nonNum.cells[0]), decimalCommaNote(nonNum.cells[0]), plural(nonNum.count, "cell", "cells"), lineList(nonNum.lines, nonNum.count)),
			Fix: "Make every value of the tensor file a number."})
	}
	return ragged.count == 0 && nonNum.count == 0
}

// tableLabels takes a text table and the cells of its label columns and returns
// them as named columns (nil when there are none): by header name, else
// "column N", a single unnamed text column being "label"; after a sklearn count
// line the last is "target", followed by a "class" column of the class names
// its integers index when the count line named classes.
func tableLabels(tb *textTable, labels [][]string) []Column {
	var cols []Column
	p, h := &tb.plan, &tb.hdr
	for k, j := range p.metaCols {
		cols = append(cols, Column{Name: colName(h.names, j), Values: labels[k]})
	}
	if len(cols) == 1 && h.names == nil && p.kinds[p.metaCols[0]] == colText {
		cols[0].Name = "label"
	}
	if h.sklearnTarget != nil && len(cols) > 0 {
		tc := &cols[len(cols)-1]
		tc.Name = "target"
		if len(h.sklearnTarget) > 0 {
			cols = append(cols, Column{Name: "class", Values: classNames(tc.Values, h.sklearnTarget)})
		}
	}
	return cols
}

// classNames takes the values of a sklearn target column and the class names of
// its count line and returns, for each value, the class it indexes, or the value
// itself when it is not an index of classes.
func classNames(values, classes []string) []string {
	names := make([]string, len(values))
	for i, v := range values {
		if k, ok := isInt(v); ok && k >= 0 && k < len(classes) {
			names[i] = classes[k]
		} else {
			names[i] = v
		}
	}
	return names
}

// checkTable takes a text table and its complete tensor t and notes what may be
// wrong with the result: a first column that counted the rows on every row
// (t.indexCol, a warning), a word2vec header whose count differs from the rows
// read (a warning), and a first row reading 0, 1, …, D-1 (t.firstSeq).
func checkTable(tb *textTable, t *tensor, rows *tableRows, r *reporter) {
	name, base := tb.f.Name, tb.plan.indexBase
	if rows.checkIndex && t.n >= 3 {
		t.indexCol = true
		r.warnf(CodeIndexColumn, name, int(t.rows[0]), "Drop the first column: it numbers the rows.", "dropTensorColumns=1",
			"Column 1 of %s counts the rows (%d, %d, %d, …); it looks like an index, not a dimension.",
			name, base, base+1, base+2)
	}
	if t.declaredN >= 0 && t.declaredN != t.n {
		r.warnf(CodeWord2vecHeader, name, 1, "", "", "The word2vec header of %s announces %d words but the file holds %d.", name, t.declaredN, t.n)
	}
	// A first row 0, 1, …, D-1 is a header of column numbers (pandas to_csv with header=True).
	if t.n > 1 && t.d > 1 {
		seq := true
		for j := 0; j < t.d; j++ {
			if t.vals[j] != float32(j) {
				seq = false
				break
			}
		}
		t.firstSeq = seq
	}
}

func widthOrD(width, d, listCol int) int {
	if listCol >= 0 {
		return d
	}
	return width
}

func countVec(v []bool) int {
	n := 0
	for _, b := range v {
		if b {
			n++
		}
	}
	return n
}

// modeWidth returns the most common field count of recs.
func modeWidth(recs [][]string) int {
	counts := map[int]int{}
	best, bestN := 0, -1
	for _, r := range recs {
		counts[len(r)]++
		if c := counts[len(r)]; c > bestN || c == bestN && len(r) > best {
			best, bestN = len(r), c
		}
	}
	return best
}

func columnNumeric(recs [][]string, j int) bool {
	seen := false
	for _, r := range recs {
		if j >= len(r) {
			continue
		}
		if !isNum(r[j]) {
			if _, ok := parseList(r[j], nil); !ok {
				return false
			}
		}
		seen = true
	}
	return seen
}

func classify(recs [][]string, j int) colKind {
	empty, list := true, true
	num, total := 0, 0
	var buf []float32
	for _, r := range recs {
		if j >= len(r) {
			continue
		}
		s := r[j]
		total++
		if s != "" {
			empty = false
		}
		if isNum(s) {
			num++
		}
		if list {
			var ok bool
			buf, ok = parseList(s, buf[:0])
			list = ok && len(buf) > 1
		}
	}
	switch {
	case empty:
		return colEmpty
	case num*2 > total:
		// Mostly numbers: a few bad cells are reported as non-numeric, not turned into labels.
		return colNumeric
	case list:
		return colList
	}
	return colText
}

func columnIntegers(recs [][]string, j int) bool {
	for _, r := range recs {
		if j < len(r) {
			if _, ok := isInt(r[j]); !ok {
				return false
			}
		}
	}
	return true
}

// isIndexSample reports whether column j of the sample counts 0,1,2,… or 1,2,3,….
func isIndexSample(recs [][]string, j int) bool {
	if len(recs) < 3 {
		return false
	}
	base, ok := isInt(recs[0][j])
	if !ok || (base != 0 && base != 1) {
		return false
	}
	for i, r := range recs {
		if j >= len(r) {
			return false
		}
		v, ok := isInt(r[j])
		if !ok || v != base+i {
			return false
		}
	}
	return true
}

func cloneAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}

// decimalCommaNote explains a cell like "0,5" (a decimal comma).
func decimalCommaNote(cell string) string {
	if strings.Count(cell, ",") == 1 && isNum(strings.Replace(cell, ",", ".", 1)) {
		return " (it uses a decimal comma; numbers need a decimal point)"
	}
	return ""
}

// cell returns field j of rec, or "" when the record is shorter.
func cell(rec []string, j int) string {
	if j < len(rec) {
		return rec[j]
	}
	return ""
}

// latin1String decodes a Windows-1252 string to UTF-8.
func latin1String(s string) string {
	out := make([]byte, 0, len(s)+len(s)/4)
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x80 {
			out = append(out, b)
		} else {
			out = utf8.AppendRune(out, cp1252(b))
		}
	}
	return string(out)
}
