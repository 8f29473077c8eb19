package parse

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// textPrep holds a text file as UTF-8 without byte-order mark.
type textPrep struct {
	text []byte
	// latin1 is set when the bytes were not UTF-8 and were decoded as Windows-1252.
	latin1 bool
}

// prepText strips a UTF-8 BOM, decodes UTF-16 (with BOM), and when the bytes are
// not valid UTF-8 and decodeLatin is set, decodes them as Windows-1252 after
// reporting an "encoding" warning. Memory: at most one copy of data.
func prepText(name string, data []byte, r *reporter, decodeLatin bool) textPrep {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF):
		var order binary.ByteOrder = binary.LittleEndian
		if data[0] == 0xFE {
			order = binary.BigEndian
		}
		u := make([]uint16, 0, (len(data)-2)/2)
		for i := 2; i+1 < len(data); i += 2 {
			u = append(u, order.Uint16(data[i:]))
		}
		out := make([]byte, 0, len(u))
		for _, c := range utf16.Decode(u) {
			out = utf8.AppendRune(out, c)
		}
		r.infof(CodeEncoding, name, 0, "%s is UTF-16 text; it was converted to UTF-8.", name)
		return textPrep{text: out}
	}
	if !decodeLatin || utf8.Valid(data) {
		return textPrep{text: data}
	}
	// Find the first invalid byte to name its line.
	off := 0
	for off < len(data) {
		c, size := utf8.DecodeRune(data[off:])
		if c == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	line := bytes.Count(data[:off], []byte{'\n'}) + 1
	r.warnf(CodeEncoding, name, line, "Save the file as UTF-8.", "",
		"%s is not UTF-8 (first invalid byte 0x%02X on line %d); it was read as Windows-1252, so accented letters may be wrong.",
		name, data[off], line)
	out := make([]byte, 0, len(data)+len(data)/8)
	for _, b := range data {
		if b < 0x80 {
			out = append(out, b)
		} else {
			out = utf8.AppendRune(out, cp1252(b))
		}
	}
	return textPrep{text: out, latin1: true}
}

// cp1252 maps a Windows-1252 byte ≥ 0x80 to its rune.
func cp1252(b byte) rune {
	const tbl = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ"
	if b >= 0xA0 {
		return rune(b)
	}
	i := 0
	for _, c := range tbl {
		if i == int(b-0x80) {
			return c
		}
		i++
	}
	return rune(b)
}

// lineReader yields the lines of a text, without "\n" and without one trailing "\r".
// A final empty piece after the last "\n" is not a line.
type lineReader struct {
	data []byte
	pos  int
	line int // number of the line last returned, 1-based
}

func (l *lineReader) next() ([]byte, bool) {
	if l.pos >= len(l.data) {
		return nil, false
	}
	rest := l.data[l.pos:]
	i := bytes.IndexByte(rest, '\n')
	var line []byte
	if i < 0 {
		line = rest
		l.pos = len(l.data)
	} else {
		line = rest[:i]
		l.pos += i + 1
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	l.line++
	return line, true
}

// isBlank reports whether a line holds only ASCII spaces and tabs. Unicode spaces
// such as U+0085 or U+00A0 are content (labels), unlike strings.TrimSpace.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// looksHTML reports whether data starts like an HTML page (after blanks).
func looksHTML(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	if len(data) > 512 {
		data = data[:512]
	}
	low := bytes.ToLower(data)
	return bytes.HasPrefix(low, []byte("<!doctype html")) || bytes.HasPrefix(low, []byte("<html")) ||
		bytes.HasPrefix(low, []byte("<head")) || (bytes.HasPrefix(low, []byte("<!--")) && bytes.Contains(low, []byte("<html")))
}

var lfsPrefix = []byte("version https://git-lfs.github.com/spec/")

// looksLFS reports whether data is a Git LFS pointer file.
func looksLFS(data []byte) bool { return bytes.HasPrefix(data, lfsPrefix) }

// looksBinary reports whether the first KiB of data is not text: a NUL byte or
// many control bytes.
func looksBinary(data []byte) bool {
	if len(data) > 1024 {
		data = data[:1024]
	}
	if len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		return false // UTF-16 text
	}
	ctl := 0
	for _, c := range data {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			ctl++
		}
	}
	if ctl > len(data)/20 {
		return true
	}
	return !utf8.Valid(trimPartialRune(data)) && invalidShare(data) > 0.3
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of a prefix.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

func invalidShare(b []byte) float64 {
	bad, n := 0, 0
	for len(b) > 0 {
		c, size := utf8.DecodeRune(b)
		if c == utf8.RuneError && size == 1 {
			bad++
		}
		b = b[size:]
		n++
	}
	if n == 0 {
		return 0
	}
	return float64(bad) / float64(n)
}
