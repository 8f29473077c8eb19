package view

import (
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
