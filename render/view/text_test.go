package view

import (
	"image/color"
	"slices"
	"sort"
	"strconv"
	"testing"
	"unicode"
	"unicode/utf8"
)

// clusters splits s at its cut points.
func clusters(s string) []string {
	var out []string
	last := 0
	for _, c := range CutPoints(s, nil) {
		out = append(out, s[last:c])
		last = c
	}
	return append(out, s[last:])
}

func TestCutPointsKeepMarksWithTheirBase(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"abc", []string{"a", "b", "c"}},
		{"", []string{""}},
		// Thai: ์ (U+0E4C) is a mark on น.
		{"ไวน์", []string{"ไ", "ว", "น์"}},
		// e + combining acute, then a plain e.
		{"e\u0301e", []string{"e\u0301", "e"}},
		// A family emoji joined by ZWJs, then a thumbs-up with a skin tone.
		{"👨\u200d👩\u200d👧👍🏽", []string{"👨\u200d👩\u200d👧", "👍🏽"}},
		// Two flags: regional indicators pair up.
		{"🇹🇭🇯🇵", []string{"🇹🇭", "🇯🇵"}},
		// Emoji presentation selector stays with the heart.
		{"❤\ufe0fx", []string{"❤\ufe0f", "x"}},
		{"a\r\nb", []string{"a", "\r\n", "b"}},
		// Invalid UTF-8 never panics and cuts around the bad byte.
		{"a\xffb", []string{"a", "\xff", "b"}},
	}
	for _, c := range cases {
		if got := clusters(c.in); !slices.Equal(got, c.want) {
			t.Errorf("clusters(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStrongRTL(t *testing.T) {
	for s, want := range map[string]bool{
		"نبيذ وردي": true, "  (12) نبيذ": true, "שלום": true,
		"wine نبيذ": false, "ไวน์แดง": false, "白葡萄酒": false, "123": false, "": false,
	} {
		if got := StrongRTL(s); got != want {
			t.Errorf("StrongRTL(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestNaturalSortOfLabels(t *testing.T) {
	labels := []string{"c10", "c2", "c1", "c0", "c11", "c3", "b", "c", "c02", "-3", "7", "x9y10", "x9y9", "x10y1"}
	sort.Slice(labels, func(i, j int) bool { return naturalLess(labels[i], labels[j]) })
	want := []string{"-3", "7", "b", "c", "c0", "c1", "c02", "c2", "c3", "c10", "c11", "x9y9", "x9y10", "x10y1"}
	if !slices.Equal(labels, want) {
		t.Errorf("natural order %q, want %q", labels, want)
	}
	// Very long digit runs compare by value without overflowing.
	if !naturalLess("id99999999999999999999", "id100000000000000000000") {
		t.Error("a 20-digit run sorted after a 21-digit one")
	}
}

func TestCategorizeLegendInNaturalOrder(t *testing.T) {
	var vals []string
	for i := 11; i >= 0; i-- {
		for k := 0; k < 12-i; k++ { // c11 is rarest, c0 most frequent
			vals = append(vals, "c"+strconv.Itoa(i))
		}
	}
	_, legend := Categorize(vals)
	var got []string
	for _, e := range legend {
		got = append(got, e.Label)
	}
	want := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11"}
	if !slices.Equal(got, want) {
		t.Errorf("legend %q, want %q", got, want)
	}
	if legend[0].Count != 12 || legend[11].Count != 1 {
		t.Errorf("counts %d (c0) and %d (c11), want 12 and 1", legend[0].Count, legend[11].Count)
	}
}

func TestGradientVisibleOnTheBackground(t *testing.T) {
	bg := color.RGBA{0x16, 0x18, 0x1d, 0xff} // render.Background
	if c := Contrast(color.RGBA{0x44, 0x01, 0x54, 0xff}, bg); c > 1.5 {
		t.Fatalf("the contrast computation is off: viridis' dark end gives %.2f", c)
	}
	for i, s := range gradientStops {
		if c := Contrast(s, bg); c < 3 {
			t.Errorf("gradient stop %d %v: contrast %.2f against the background, want ≥ 3", i, s, c)
		}
	}
	prev := 0.0
	for k := 0; k <= 100; k++ {
		c := Ramp(float64(k) / 100)
		if r := Contrast(c, bg); r < 3 {
			t.Errorf("Ramp(%.2f) = %v: contrast %.2f, want ≥ 3", float64(k)/100, c, r)
		}
		// Luminance rises along the ramp, so it reads low to high.
		if l := Luminance(c); l < prev-1e-3 {
			t.Errorf("Ramp(%.2f) is darker than the colour before it", float64(k)/100)
		} else {
			prev = l
		}
	}
}

func TestLRUEvictsLeastRecentlyUsedOnTrim(t *testing.T) {
	var evicted []string
	c := NewLRU[string, int](2, func(k string, v int) { evicted = append(evicted, k) })
	c.Add("a", 1)
	c.Add("b", 2)
	c.Add("c", 3)
	if c.Len() != 3 || len(evicted) != 0 {
		t.Fatalf("Add evicted before Trim: len %d, evicted %v", c.Len(), evicted)
	}
	if v, ok := c.Get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("Get(a) = %v, %v", v, ok)
	}
	c.Trim()
	if !slices.Equal(evicted, []string{"b"}) || c.Len() != 2 {
		t.Errorf("Trim evicted %v (len %d), want [b]", evicted, c.Len())
	}
	if _, ok := c.Get("b"); ok {
		t.Error("b still cached after eviction")
	}
	c.Add("a", 10) // replacing frees the old value
	if v, _ := c.Get("a"); v != 10 || !slices.Equal(evicted, []string{"b", "a"}) {
		t.Errorf("replace: a = %d, evicted %v", v, evicted)
	}
	c.Clear()
	if c.Len() != 0 || len(evicted) != 4 || c.Cap != 2 {
		t.Errorf("Clear: len %d, evicted %v, cap %d", c.Len(), evicted, c.Cap)
	}
}

// clusterWidth measures a string as 1 per character (a base with its marks;
// "…" is one too).
func clusterWidth(s string) float64 {
	if s == "" {
		return 0
	}
	return float64(len(CutPoints(s, nil)) + 1)
}

func TestEllipsizeCutsBetweenCharacters(t *testing.T) {
	cases := []struct {
		in    string
		width float64
		want  string
	}{
		{"short", 10, "short"},
		{"abcdefgh", 5, "abcd…"},
		{"ab   cdef", 4, "ab…"}, // spaces before the cut go
		// Thai: น์ is one character of width 1; the mark stays with น.
		{"ไวน์แดง", 4, "ไวน์…"},
		{"e\u0301e\u0301e\u0301", 2, "e\u0301…"},
		{"👨\u200d👩\u200d👧👨\u200d👩\u200d👧", 1.5, "…"},
		{"abc", 0.5, "…"},
	}
	for _, c := range cases {
		got := Ellipsize(c.in, c.width, clusterWidth)
		if got != c.want {
			t.Errorf("Ellipsize(%q, %v) = %q, want %q", c.in, c.width, got, c.want)
		}
		if got != c.in && got != "…" && clusterWidth(got) > c.width {
			t.Errorf("Ellipsize(%q, %v) = %q is %v wide", c.in, c.width, got, clusterWidth(got))
		}
	}
}

func TestWrapFitsLinesAndKeepsMarks(t *testing.T) {
	got := Wrap("one two three\nไวน์ไวน์ไวน์ x", 6, clusterWidth)
	want := []string{"one", "two", "three", "ไวน์ไวน์", "ไวน์ x"}
	if !slices.Equal(got, want) {
		t.Errorf("Wrap = %q, want %q", got, want)
	}
	for _, l := range got {
		if clusterWidth(l) > 6 {
			t.Errorf("line %q is %v wide, over 6", l, clusterWidth(l))
		}
		if r, _ := utf8.DecodeRuneInString(l); unicode.Is(unicode.Mn, r) {
			t.Errorf("line %q starts with a mark", l)
		}
	}
	if got := Wrap("", 5, clusterWidth); !slices.Equal(got, []string{""}) {
		t.Errorf("Wrap of nothing = %q", got)
	}
}
