package view

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CutPoints appends to dst the byte offsets in s (0 < offset < len(s)) where
// text may be cut without splitting a user-perceived character: never before
// a combining mark (Unicode Mn, Mc, Me, which includes Thai vowel and tone
// marks and the variation selectors), never on either side of a zero-width
// joiner (emoji sequences), never before an emoji skin-tone modifier or a tag
// character, and only between pairs of regional indicators (flags). It is a
// conservative approximation of UAX #29 grapheme clusters. Invalid UTF-8
// bytes are single characters.
func CutPoints(s string, dst []int) []int {
	prev := rune(-1)
	regional := 0 // regional indicators in a row before the current rune
	for i, r := range s {
		if i > 0 && canCutBetween(prev, r, regional) {
			dst = append(dst, i)
		}
		if isRegional(r) {
			regional++
		} else {
			regional = 0
		}
		prev = r
	}
	return dst
}

func canCutBetween(prev, r rune, regional int) bool {
	switch {
	case prev == '\r' && r == '\n':
		return false
	case prev == zwj || r == zwj:
		return false
	case r == utf8.RuneError:
		return true
	case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		return false
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji modifiers
		return false
	case r >= 0xE0020 && r <= 0xE007F: // tags (subdivision flags)
		return false
	case isRegional(r) && regional%2 == 1:
		return false
	}
	return true
}

const zwj = '\u200d'

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// StrongRTL reports whether the first strongly directional character of s is
// right-to-left (Arabic, Hebrew, Syriac, Thaana, N'Ko and their presentation
// forms), which is how HTML's dir="auto" picks a paragraph's direction.
func StrongRTL(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) && unicode.IsLetter(r) {
			return true
		}
		if unicode.IsLetter(r) {
			return false
		}
	}
	return false
}

// Ellipsize shortens s to at most width (in the unit of measure, which gives
// a string's drawn width), cutting only at CutPoints (a mark stays with its
// base) and marking the cut with "…"; spaces before the cut go. A string
// that fits is returned as it is; when not even one character fits, "…".
// It measures O(log len(s)) prefixes.
func Ellipsize(s string, width float64, measure func(string) float64) string {
	if measure(s) <= width {
		return s
	}
	cuts := CutPoints(s, nil)
	prefix := func(k int) string { return strings.TrimRight(s[:cuts[k-1]], " ") + "…" }
	// The most cuts k (s[:cuts[k-1]]) whose prefix fits, by bisection.
	lo, hi := 0, len(cuts)
	for lo < hi {
		m := (lo + hi + 1) / 2
		if measure(prefix(m)) <= width {
			lo = m
		} else {
			hi = m - 1
		}
	}
	if lo == 0 {
		return "…"
	}
	return prefix(lo)
}

// Wrap splits s into lines no wider than width (in the unit of measure),
// at newlines and spaces; a word longer than a line is broken at CutPoints,
// so a mark never starts a line. A single character wider than the line
// gets a line of its own.
func Wrap(s string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Split(para, " ") {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if measure(try) <= width {
				line = try
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			line = breakWord(word, width, measure, &out)
		}
		out = append(out, line)
	}
	return out
}

// breakWord appends to out the full lines an over-long word fills and
// returns the rest, which starts the next line.
func breakWord(word string, width float64, measure func(string) float64, out *[]string) string {
	start, last := 0, 0
	for _, c := range append(CutPoints(word, nil), len(word)) {
		if measure(word[start:c]) > width && last > start {
			*out = append(*out, word[start:last])
			start = last
		}
		last = c
	}
	return word[start:]
}
