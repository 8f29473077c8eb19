package view

import (
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Palette is a categorical palette of 20 colours readable on a dark
// background (Tableau 10 followed by its lighter companions).
var Palette = []color.RGBA{
	{0x4e, 0x79, 0xa7, 0xff}, {0xf2, 0x8e, 0x2b, 0xff}, {0xe1, 0x57, 0x59, 0xff}, {0x76, 0xb7, 0xb2, 0xff},
	{0x59, 0xa1, 0x4f, 0xff}, {0xed, 0xc9, 0x48, 0xff}, {0xb0, 0x7a, 0xa1, 0xff}, {0xff, 0x9d, 0xa7, 0xff},
	{0x9c, 0x75, 0x5f, 0xff}, {0xba, 0xb0, 0xac, 0xff}, {0xa0, 0xcb, 0xe8, 0xff}, {0xff, 0xbe, 0x7d, 0xff},
	{0x8c, 0xd1, 0x7d, 0xff}, {0xb6, 0x99, 0x2d, 0xff}, {0x86, 0xbc, 0xb6, 0xff}, {0xf1, 0xce, 0x63, 0xff},
	{0xd3, 0x72, 0x95, 0xff}, {0xfa, 0xbf, 0xd2, 0xff}, {0xd4, 0xa6, 0xc8, 0xff}, {0x79, 0x70, 0x6e, 0xff},
}

// OtherColor is used for values beyond the palette and for uncoloured points.
var OtherColor = color.RGBA{0x9a, 0x9a, 0x9a, 0xff}

// Category is one legend entry.
type Category struct {
	Label string // the metadata value, or "(other)" for the pooled rest
	Count int    // points with this value
	Color color.RGBA
}

// OtherLabel names the legend entry that pools the values without a colour of their own.
const OtherLabel = "(other)"

// Categorize assigns a colour per distinct value of a metadata column. When
// there are more distinct values than palette colours, the most frequent
// len(Palette)-1 keep a colour of their own and the rest pool into one
// OtherLabel entry coloured OtherColor. It returns, per value, the index of
// its legend entry, and the legend: coloured entries in natural order
// (integers numerically, so digit labels read 0, 1, 2, ..., and digit runs
// inside labels by value, so c2 comes before c10), then the pool.
func Categorize(values []string) (index []uint16, legend []Category) {
	counts := map[string]int{}
	for _, v := range values {
		counts[v]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return naturalLess(a, b)
	})
	keep := keys
	pooled := 0
	if len(keys) > len(Palette) {
		keep = keys[:len(Palette)-1]
		for _, k := range keys[len(Palette)-1:] {
			pooled += counts[k]
		}
	}
	// Within the kept set, order the legend naturally (0, 1, 2, ... or a, b, c)
	// when it is small enough to read as a key; colours follow that order.
	sort.Slice(keep, func(i, j int) bool { return naturalLess(keep[i], keep[j]) })
	slot := make(map[string]uint16, len(keep))
	for i, k := range keep {
		slot[k] = uint16(i)
		legend = append(legend, Category{Label: k, Count: counts[k], Color: Palette[i]})
	}
	if pooled > 0 {
		legend = append(legend, Category{Label: OtherLabel, Count: pooled, Color: OtherColor})
	}
	other := uint16(len(keep))
	index = make([]uint16, len(values))
	for i, v := range values {
		if s, ok := slot[v]; ok {
			index[i] = s
		} else {
			index[i] = other
		}
	}
	return index, legend
}

// naturalLess orders strings that are both integers numerically, and
// integers before everything else; other strings compare run by run, digit
// runs by their numeric value and the rest bytewise, so c2 sorts before c10
// and item-9b before item-10a.
func naturalLess(a, b string) bool {
	ai, aok := smallInt(a)
	bi, bok := smallInt(b)
	switch {
	case aok && bok:
		return ai < bi
	case aok != bok:
		return aok
	}
	if c := naturalCompare(a, b); c != 0 {
		return c < 0
	}
	return a < b
}

// naturalCompare compares a and b run by run: a maximal run of ASCII digits
// against another by numeric value (any length; leading zeros ignored),
// anything else byte by byte. It returns -1, 0 or +1; "c01" and "c1" compare
// equal (naturalLess then breaks the tie bytewise).
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			ei, ej := digitRunEnd(a, i), digitRunEnd(b, j)
			if c := compareDigits(a[i:ei], b[j:ej]); c != 0 {
				return c
			}
			i, j = ei, ej
			continue
		}
		if a[i] != b[j] {
			if a[i] < b[j] {
				return -1
			}
			return 1
		}
		i, j = i+1, j+1
	}
	switch {
	case len(a)-i < len(b)-j:
		return -1
	case len(a)-i > len(b)-j:
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRunEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// compareDigits compares two runs of decimal digits by value.
func compareDigits(x, y string) int {
	x, y = strings.TrimLeft(x, "0"), strings.TrimLeft(y, "0")
	switch {
	case len(x) != len(y):
		if len(x) < len(y) {
			return -1
		}
		return 1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func smallInt(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
		if s == "" {
			return 0, false
		}
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// ColorColumn picks the metadata column to colour by: the first column
// (in order) whose number of distinct values is between 2 and maxDistinct,
// or -1 when none qualifies. columns[c] holds the values of column c.
func ColorColumn(columns [][]string, maxDistinct int) int {
	for c, vals := range columns {
		seen := map[string]struct{}{}
		for _, v := range vals {
			seen[v] = struct{}{}
			if len(seen) > maxDistinct {
				break
			}
		}
		if len(seen) >= 2 && len(seen) <= maxDistinct {
			return c
		}
	}
	return -1
}

// gradientStops is a viridis-like ramp for numeric values (violet, blue,
// teal, green, yellow; luminance rising), lifted at its dark end so that
// every colour on it has a WCAG contrast of at least 3:1 against the dark
// canvas background #16181d (the lowest stop about 3.8:1; viridis' own
// #440154 is 1.2:1 and vanishes).
var gradientStops = []color.RGBA{
	{0x80, 0x60, 0xd0, 0xff}, {0x4f, 0x8f, 0xdc, 0xff}, {0x2f, 0xb5, 0xa8, 0xff},
	{0x7f, 0xd3, 0x5a, 0xff}, {0xfd, 0xe7, 0x25, 0xff},
}

// Ramp returns the gradient colour at t in [0, 1] (clamped).
func Ramp(t float64) color.RGBA {
	if !(t > 0) {
		return gradientStops[0]
	}
	if t >= 1 {
		return gradientStops[len(gradientStops)-1]
	}
	f := t * float64(len(gradientStops)-1)
	i := int(f)
	f -= float64(i)
	a, b := gradientStops[i], gradientStops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*f + 0.5) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// Gradient colours numeric values along Ramp from their minimum to their
// maximum. ok is false when fewer than 90% of the non-empty values parse as
// finite numbers; values that do not parse get OtherColor. The legend has
// five entries from the minimum to the maximum (Count is 0: they are marks).
func Gradient(values []string) (colors []color.RGBA, legend []Category, ok bool) {
	nums := make([]float64, len(values))
	valid := make([]bool, len(values))
	lo, hi := math.Inf(1), math.Inf(-1)
	parsed, nonEmpty := 0, 0
	for i, v := range values {
		if v == "" {
			continue
		}
		nonEmpty++
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		nums[i], valid[i] = f, true
		parsed++
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	if nonEmpty == 0 || parsed*10 < nonEmpty*9 {
		return nil, nil, false
	}
	colors = make([]color.RGBA, len(values))
	span := hi - lo
	for i := range values {
		switch {
		case !valid[i]:
			colors[i] = OtherColor
		case span == 0:
			colors[i] = Ramp(0.5)
		default:
			colors[i] = Ramp((nums[i] - lo) / span)
		}
	}
	for k := 0; k <= 4; k++ {
		v := lo + span*float64(k)/4
		legend = append(legend, Category{Label: strconv.FormatFloat(v, 'g', 4, 64), Color: Ramp(float64(k) / 4)})
	}
	return colors, legend, true
}
