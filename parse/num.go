package parse

import "math"

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFast parses plain decimal numbers ("-0.123456", "12", "3.5e-3") to the
// float32 that strconv.ParseFloat(s, 32) returns, without its generality. ok is
// false for anything else (and for the rare inputs where the shortcut could round
// differently), and the caller then uses strconv.
//
// Method (Clinger's fast path): with at most 15 significant digits m and a power
// of ten |e| ≤ 22, m and 10^e are exact float64 values, so m·10^e or m/10^-e is
// the correctly rounded float64 x. Rounding x to float32 again equals rounding the
// true value, unless x lies exactly halfway between two float32 values (the only
// way double rounding can differ) or is outside float32's normal range.
func parseFast(s string) (float32, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var m uint64
	digits, frac := 0, 0
	sawDigit, sawDot := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			sawDigit = true
			if m == 0 && c == '0' {
				if sawDot {
					frac++
				}
				continue // leading zeros are not significant
			}
			if digits >= 15 {
				return 0, false
			}
			m = m*10 + uint64(c-'0')
			digits++
			if sawDot {
				frac++
			}
		case c == '.' && !sawDot:
			sawDot = true
		case c == 'e' || c == 'E':
			goto exp
		default:
			return 0, false
		}
	}
	return finishFast(m, -frac, neg, sawDigit)
exp:
	if !sawDigit {
		return 0, false
	}
	i++
	{
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return 0, false
		}
		e := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' || e > 1000 {
				return 0, false
			}
			e = e*10 + int(c-'0')
		}
		if eneg {
			e = -e
		}
		return finishFast(m, e-frac, neg, true)
	}
}

func finishFast(m uint64, e10 int, neg, sawDigit bool) (float32, bool) {
	if !sawDigit {
		return 0, false
	}
	if m == 0 {
		if neg {
			return float32(math.Copysign(0, -1)), true
		}
		return 0, true
	}
	if e10 < -22 || e10 > 22 {
		return 0, false
	}
	x := float64(m)
	if e10 < 0 {
		x /= pow10[-e10]
	} else {
		x *= pow10[e10]
	}
	// Normal float32 range only, and not a float32 midpoint (lower 29 mantissa bits = 1<<28).
	if x < 0x1p-126 || x > math.MaxFloat32 {
		return 0, false
	}
	if math.Float64bits(x)&(1<<29-1) == 1<<28 {
		return 0, false
	}
	f := float32(x)
	if neg {
		f = -f
	}
	return f, true
}
