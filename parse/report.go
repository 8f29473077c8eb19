package parse

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// reporter collects diagnostics in the order they are found.
type reporter struct {
	diags []Diagnostic
	// step, when not nil, is the Stepper that time-slices this load.
	step *Stepper
}

func (r *reporter) add(d Diagnostic) *Diagnostic {
	r.diags = append(r.diags, d)
	return &r.diags[len(r.diags)-1]
}

func (r *reporter) errorf(code Code, file string, line int, fix, action, format string, args ...any) {
	r.add(Diagnostic{Severity: Error, Code: code, File: file, Line: line, Message: fmt.Sprintf(format, args...), Fix: fix, Action: action})
}

func (r *reporter) warnf(code Code, file string, line int, fix, action, format string, args ...any) {
	r.add(Diagnostic{Severity: Warning, Code: code, File: file, Line: line, Message: fmt.Sprintf(format, args...), Fix: fix, Action: action})
}

func (r *reporter) infof(code Code, file string, line int, format string, args ...any) {
	r.add(Diagnostic{Severity: Info, Code: code, File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (r *reporter) blocking() bool { return Report{Diagnostics: r.diags}.Blocking() }

// lineList formats up to max line numbers as "3, 7, 12" and "…" when there are more.
func lineList(lines []int, total int) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", l)
	}
	if total > len(lines) {
		b.WriteString(", …")
	}
	return b.String()
}

// quote shortens s for a message and quotes it.
func quote(s string) string {
	const max = 60
	r := []rune(s)
	if len(r) > max {
		s = string(r[:max]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Location says where a finding is, the same way for the CLI and the page's
// banner: "vectors.tsv, line 3, column 2", "model.ckpt-1.index, byte 4096",
// "vectors.tsv", or "" when it concerns no single file.
func (d Diagnostic) Location() string {
	loc := d.File
	add := func(s string) {
		if loc != "" {
			loc += ", "
		}
		loc += s
	}
	if d.Line > 0 {
		add(fmt.Sprintf("line %d", d.Line))
		if d.Column > 0 {
			add(fmt.Sprintf("column %d", d.Column))
		}
	}
	if d.Offset != nil {
		add(fmt.Sprintf("byte %d", *d.Offset))
	}
	return loc
}

// atOffset returns a pointer to off for Diagnostic.Offset; a negative offset
// (the readers' "no single position") gives nil.
func atOffset(off int64) *int64 {
	if off < 0 {
		return nil
	}
	return &off
}

// sentence returns s trimmed, with its first letter in upper case and a full
// stop at the end: a reader's message as a Diagnostic's.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
