package parse

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

var padTokens = map[string]bool{"<pad>": true, "[pad]": true, "<unk>": true, "[unk]": true, "<s>": true, "</s>": true,
	"pad": true, "unk": true, "<padding>": true, "[cls]": true, "<oov>": true, "[oov]": true, "": true}

// reconcile matches tensor and metadata row counts, explaining any mismatch. It
// returns false when the mismatch blocks drawing.
func (l *loader) reconcile(t *tensor, m *metadata) bool {
	r := l.r
	// Trailing blank lines at the end of the metadata are not points when the counts
	// match without them.
	if m.n > t.n && m.n-t.n <= m.trailingBlank {
		k := m.n - t.n
		m.truncate(t.n)
		r.infof(CodeBlankLine, m.file, t.n+m.lineOff, "%s ends with %s after the last label; %s ignored.", m.file,
			plural(k, "blank line", "blank lines"), map[bool]string{true: "it was", false: "they were"}[k == 1])
	}
	if n := l.opts.FirstN; n > 0 {
		n = min(n, t.n, m.n)
		// The tensor may already have stopped at n rows: say it whenever asked.
		r.infof(CodeCountMismatch, "", 0, "Using the first %d points of %s and %s, as asked. This assumes the rows missing from the shorter file are at its end: a row missing in the middle would give every later point the label of the next.", n, t.file, m.file)
		t.truncate(n)
		m.truncate(n)
	}
	if t.n == m.n {
		return true
	}
	nt, nm := t.n, m.n
	base := fmt.Sprintf("%s has %d vectors but %s has %d labels", t.file, nt, m.file, nm)
	firstN := fmt.Sprintf("firstN=%d", min(nt, nm))
	firstNFix := fmt.Sprintf("Use the first %d points of both (right when the missing rows are at the end).", min(nt, nm))
	newlineNote := ""
	if nt-nm == 1 || nm-nt == 1 {
		if m.noFinalNewline {
			newlineNote = fmt.Sprintf(" (%s does not end with a newline; its last line %s was counted as a row)", m.file, quote(m.lastLine))
		} else if t.noFinalNewline && t.format != "bytes" {
			newlineNote = fmt.Sprintf(" (%s does not end with a newline; its last line was counted as a vector)", t.file)
		}
	}
	first := ""
	if len(m.first) > 0 {
		first = strings.Join(m.first, "\t")
	}
	switch {
	case nm == nt+1 && m.header == false && padTokens[strings.ToLower(strings.TrimSpace(first))] && l.opts.DropMetadataRows == 0:
		r.errorf(CodeCountMismatch, m.file, 1, "Drop the first metadata row.", "dropMetadataRows=1",
			"%s: one label too many. The first label %s is a padding/unknown token that the tensor does not have a row for.", base, quote(first))
	case m.interiorBlank > 0 && nm-m.interiorBlank == nt:
		r.errorf(CodeCountMismatch, m.file, m.firstBlank, "Remove the blank lines from the metadata, or give them labels and the tensor rows they stand for.", firstN,
			"%s. The difference is exactly the %d blank lines of %s (first on line %d), which are rows by TensorBoard's rule.", base, m.interiorBlank, m.file, m.firstBlank)
	case l.reportDivergence(t, m, base): // the files show where: before the guesses below
	case nm == nt+1 && m.single && !m.header && l.opts.MetadataHeader == "":
		r.errorf(CodeMetadataHeaderSingleColumn, m.file, 1, "Treat the first metadata line as a header.", "metadataHeader=yes",
			"%s: one label too many. Its first line %s is probably a column name, but TensorBoard's rule is that metadata with a single column has no header line, so it was read as a label%s.", base, quote(first), newlineNote)
	case nm == nt-1 && t.firstSeq:
		r.errorf(CodeTensorHeaderRow, t.file, 1, "Drop the first row of the tensor file.", "dropTensorRows=1",
			"%s: one vector too many. The first line of %s reads %s: it is a header of column numbers (pandas writes one), not a vector. TensorBoard would blame the metadata for this.", base, t.file, seqText(t.d))
	case nm == nt-1 && m.header && !m.single && l.opts.MetadataHeader == "":
		r.errorf(CodeMetadataHeaderMissing, m.file, 1, "Treat the first metadata line as data.", "metadataHeader=no",
			"%s: one label too few. Metadata with several columns must start with a header line, so its first line %s was read as column names; it looks like the header is missing%s.", base, quote(first), newlineNote)
	case nm == nt-1 && allZero(t.vals[:t.d]):
		r.errorf(CodeCountMismatch, t.file, int(t.rows[0]), "Drop the first row of the tensor file.", "dropTensorRows=1",
			"%s: one vector too many. The first vector is all zeros: probably the padding row 0 of an embedding layer, which the vocabulary does not list.", base)
	case nm == t.d && nt == len(m.first):
		r.errorf(CodeFilesSwapped, "", 0, "Swap the files.", "swap=true", "%s; the counts fit the other way round, so the tensor may be transposed.", base)
	case nm == nt-1 && t.noFinalNewline:
		r.errorf(CodeCountMismatch, t.file, int(t.rows[nt-1]), firstNFix, firstN,
			"%s: one vector too many%s. Some tools drop a last line without a newline, so the files may have been counted differently.", base, newlineNote)
	case nm == nt-1:
		r.errorf(CodeCountMismatch, t.file, 0, "Drop the first tensor row, or use the first points of both.", "dropTensorRows=1",
			"%s: one vector too many%s. An extra first row (a header, or a padding/unknown token the vocabulary omits) is the usual cause.", base, newlineNote)
	default:
		r.errorf(CodeCountMismatch, "", 0, firstNFix, firstN, "%s%s; they do not belong together, or one of them was cut or extended.", base, newlineNote)
	}
	return false
}

// reportDivergence reports a count mismatch whose rows, as the files show,
// part ways before the end (see divergence), and reports whether it did.
// Using the first rows of both would then mislabel every later point, so
// no one-click fix is offered.
func (l *loader) reportDivergence(t *tensor, m *metadata, base string) bool {
	row, how, ok := divergence(t, m)
	if !ok {
		return false
	}
	l.r.errorf(CodeCountMismatch, m.file, row+m.lineOff,
		fmt.Sprintf("Add the missing row (or remove the extra one) near line %d of %s or at point %d of %s, then load again.", row+m.lineOff, m.file, row+1, t.file), "",
		"%s, and the rows part ways at point %d: %s. Using the first %d of both would give every point from there on another point's label.", base, row+1, how, min(t.n, m.n))
	return true
}

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func (t *tensor) truncate(n int) {
	t.n = n
	t.vals = t.vals[:n*t.d]
	t.rows = t.rows[:n]
	for j := range t.labels {
		t.labels[j].Values = t.labels[j].Values[:n]
	}
}

// cleanRows reports (and, when asked, drops) points holding NaN/±Inf and all-zero
// points. It returns false when non-finite values block drawing.
func (l *loader) cleanRows(t *tensor, m *metadata) bool {
	r := l.r
	var bad, zero problems
	var badIdx, zeroIdx []int
	d := t.d
	every := max(1, (1<<20)/max(d, 1)) // rows per million values, between Stepper checks
	for i := 0; i < t.n; i++ {
		if i%every == every-1 {
			r.step.tick(0)
		}
		row := t.vals[i*d : (i+1)*d]
		// One pass over the bits: exponent all ones = NaN or ±Inf; any bit but the sign = non-zero.
		var nonFinite, any uint32
		for _, v := range row {
			b := math.Float32bits(v)
			if b&0x7f800000 == 0x7f800000 {
				nonFinite = 1
			}
			any |= b &^ 0x80000000
		}
		finite, nz := nonFinite == 0, any != 0
		if !finite {
			for j, v := range row {
				if math.Float32bits(v)&0x7f800000 == 0x7f800000 {
					bad.add(int(t.rows[i]), j+1, "", 0)
					break
				}
			}
		}
		if !finite {
			badIdx = append(badIdx, i)
		} else if !nz {
			zero.add(int(t.rows[i]), 0, "", 0)
			zeroIdx = append(zeroIdx, i)
		}
	}
	unit := "line"
	if t.format == "bytes" || t.format == "npy" || t.format == "npz" || t.format == "events" {
		unit = "row"
	}
	var drop []int
	if bad.count > 0 {
		if l.opts.SkipNonFinite {
			r.infof(CodeNonFinite, t.file, bad.lines[0], "Skipped %s holding NaN or ±Inf (%s %s), as asked.", plural(bad.count, "point", "points"), unit, lineList(bad.lines, bad.count))
			drop = append(drop, badIdx...)
		} else {
			r.add(Diagnostic{Severity: Error, Code: CodeNonFinite, File: t.file, Line: bad.lines[0], Column: bad.cols[0],
				Message: fmt.Sprintf("%s of %d %s NaN or ±Inf (%ss %s). Projections cannot use them.", plural(bad.count, "point", "points"), t.n, verb(bad.count, "holds", "hold"), unit, lineList(bad.lines, bad.count)),
				Fix:     "Skip the points with NaN or ±Inf.", Action: "skipNonFinite=true"})
		}
	}
	if zero.count > 0 {
		if l.opts.SkipZero {
			r.infof(CodeZeroVector, t.file, zero.lines[0], "Skipped %s that are all zeros (%s %s), as asked.", plural(zero.count, "point", "points"), unit, lineList(zero.lines, zero.count))
			drop = append(drop, zeroIdx...)
		} else {
			r.add(Diagnostic{Severity: Warning, Code: CodeZeroVector, File: t.file, Line: zero.lines[0],
				Message: fmt.Sprintf("%s of %d %s all zeros (%ss %s): without a direction, cosine distances to them are undefined.", plural(zero.count, "point", "points"), t.n, verb(zero.count, "is", "are"), unit, lineList(zero.lines, zero.count)),
				Fix:     "Skip the all-zero points.", Action: "skipZero=true"})
		}
	}
	if bad.count > 0 && !l.opts.SkipNonFinite {
		return false
	}
	if len(drop) > 0 {
		sort.Ints(drop)
		keep := make([]bool, t.n)
		for i := range keep {
			keep[i] = true
		}
		for _, i := range drop {
			keep[i] = false
		}
		w := 0
		for i := 0; i < t.n; i++ {
			if !keep[i] {
				continue
			}
			copy(t.vals[w*d:(w+1)*d], t.vals[i*d:(i+1)*d])
			t.rows[w] = t.rows[i]
			for j := range t.labels {
				t.labels[j].Values[w] = t.labels[j].Values[i]
			}
			if m != nil {
				for j := range m.cols {
					m.cols[j].Values[w] = m.cols[j].Values[i]
				}
			}
			w++
		}
		t.truncate(w)
		if m != nil {
			m.truncate(w)
		}
		if w == 0 {
			r.errorf(CodeNonFinite, t.file, 0, "", "", "No points are left after skipping.")
			return false
		}
	}
	return true
}

// seqText writes 0, 1, …, d-1 briefly.
func seqText(d int) string {
	if d <= 4 {
		parts := make([]string, d)
		for i := range parts {
			parts[i] = fmt.Sprint(i)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprintf("0, 1, 2, …, %d", d-1)
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
