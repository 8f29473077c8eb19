package parse

import (
	"path"
	"sort"
	"strings"
)

// filesSource offers the tensor and metadata files chosen by content, when no
// config or log folder offered anything; beside event-file embeddings only
// when a file can be a tensor; never when eventsSource has already explained
// that the event files, the only candidates, hold nothing to show.
type filesSource struct{}

func (filesSource) offer(l *loader, prev []*candidate) []*candidate {
	for _, c := range prev {
		if c.source != "events" {
			return nil
		}
	}
	if l.eventsExplained || len(prev) > 0 && !l.hasTensorFile() {
		return nil
	}
	t, m, sp := l.rolesByContent()
	if t < 0 {
		return nil
	}
	c := newCandidate(l.files[t].Name, "files")
	c.tensor, c.metadata, c.sprite = t, m, sp
	return []*candidate{c}
}

var tensorHints = []string{"tensor", "vector", "vec", "emb", "feature", ".bytes", ".npy"}
var metaHints = []string{"meta", "label", "vocab", "word", "name", "class"}

func nameHints(name string, hints []string) bool {
	low := strings.ToLower(path.Base(name))
	for _, h := range hints {
		if strings.Contains(low, h) {
			return true
		}
	}
	return false
}

// tensorRank orders the kinds that can be a tensor (0: cannot).
func tensorRank(k Kind) int {
	switch k {
	case KindNpy, KindNpz, KindBinary:
		return 3
	case KindTensorText:
		return 2
	case KindJSON:
		return 1
	}
	return 0
}

// rolesByContent picks the tensor, metadata and sprite files among files without a config.
func (l *loader) rolesByContent() (tIdx, mIdx, sIdx int) {
	r := l.r
	tIdx, mIdx, sIdx = -1, -1, -1
	byName := func(n string) int {
		for i, f := range l.files {
			if f.Name == n {
				return i
			}
		}
		return -1
	}
	if l.opts.Tensor != "" {
		tIdx = byName(l.opts.Tensor)
	}
	if l.opts.Metadata != "" {
		mIdx = byName(l.opts.Metadata)
	}
	rank := tensorRank
	var tensors, texts []int
	for i, k := range l.kinds {
		switch {
		case rank(k) > 0:
			tensors = append(tensors, i)
		case k == KindText:
			texts = append(texts, i)
		case k == KindImage && sIdx < 0:
			sIdx = i
		}
	}
	sort.SliceStable(tensors, func(a, b int) bool {
		ka, kb := rank(l.kinds[tensors[a]]), rank(l.kinds[tensors[b]])
		if ka != kb {
			return ka > kb
		}
		return l.files[tensors[a]].size() > l.files[tensors[b]].size()
	})
	if tIdx < 0 {
		switch {
		case len(tensors) > 0:
			tIdx = tensors[0]
			// Two numeric texts: the narrower single-column one is metadata (numeric labels).
		case len(l.placeholder) > 0:
			for i := range l.kinds {
				if _, ok := l.placeholder[i]; ok {
					tIdx = i // an LFS pointer or web page where the tensor should be
					break
				}
			}
		case len(texts) > 0:
			tIdx = texts[0] // reported as non-numeric by the parser
			texts = texts[1:]
		default:
			if !r.blocking() { // the checkpoint source has said why its files hold no embedding
				r.errorf(CodeNoTensor, "", 0, "Add the tensor file.", "", "None of the files given holds vectors.")
			}
			return -1, -1, -1
		}
	}
	if mIdx < 0 {
		// Several candidates: the one whose name shares the longest start with the
		// tensor's (glove_tensors.bytes goes with glove_labels.tsv).
		best := -1
		for _, i := range texts {
			if i != tIdx {
				if p := commonPrefix(l.files[i].Name, l.files[tIdx].Name); p > best {
					mIdx, best = i, p
				}
			}
		}
		if mIdx < 0 {
			// Numeric single-column text (numeric labels) among the tensor candidates.
			for _, i := range tensors {
				if i != tIdx && l.kinds[i] == KindTensorText && l.kinds[tIdx] != KindTensorText {
					mIdx = i
					break
				}
			}
		}
		if mIdx < 0 && len(tensors) > 1 {
			// Two numeric texts: the one with more text in it (a header, a label
			// column) is metadata; if equal, the one with fewer fields per line.
			for _, i := range tensors {
				if i != tIdx && l.kinds[i] == KindTensorText && l.kinds[tIdx] == KindTensorText {
					sa, sb := numericShare(l.files[tIdx].Data), numericShare(l.files[i].Data)
					a, b := fieldsPerLine(l.files[tIdx].Data), fieldsPerLine(l.files[i].Data)
					if sb > sa || sb == sa && b > a {
						tIdx, i = i, tIdx
					}
					mIdx = i
					break
				}
			}
		}
	}
	// Extra files are named, not silently dropped.
	for i, k := range l.kinds {
		if i == tIdx || i == mIdx || i == sIdx || k == KindConfig || k == KindCheckpoint || k == KindJSON || k == KindModel || k == KindEvents {
			continue
		}
		r.infof(CodeExtraFile, l.files[i].Name, 0, "%s was not used (already have %s as the tensor).", l.files[i].Name, l.files[tIdx].Name)
	}
	if mIdx >= 0 && tIdx >= 0 {
		tn, mn := l.files[tIdx].Name, l.files[mIdx].Name
		if nameHints(tn, metaHints) && !nameHints(tn, tensorHints) && nameHints(mn, tensorHints) && !nameHints(mn, metaHints) {
			r.warnf(CodeFilesSwapped, "", 0, "", "",
				"%s holds the vectors and %s the labels, although their names say the opposite; they were used by content.", tn, mn)
		}
	}
	return tIdx, mIdx, sIdx
}

// fieldsPerLine returns the number of fields of the first non-blank line.
func fieldsPerLine(data []byte) int {
	lr := lineReader{data: data[:min(len(data), 65536)]}
	for {
		line, ok := lr.next()
		if !ok {
			return 0
		}
		if !isBlank(line) {
			d := sniffDelimiter([][]byte{line})
			if d == 0 {
				return 1
			}
			return len(splitFields(line, d, nil))
		}
	}
}

// numericShare is the share of number cells in the first lines of a text, header
// and label columns included (1 for a plain tensor file).
func numericShare(data []byte) float64 {
	lr := lineReader{data: data[:min(len(data), 65536)]}
	var lines [][]byte
	for len(lines) < 32 {
		line, ok := lr.next()
		if !ok {
			break
		}
		if !isBlank(line) {
			lines = append(lines, line)
		}
	}
	d := sniffDelimiter(lines)
	if d == 0 {
		d = '\t'
	}
	num, all := 0, 0
	var buf []string
	for _, line := range lines {
		buf = splitFields(line, d, buf[:0])
		for _, c := range buf {
			all++
			if isNum(c) {
				num++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(num) / float64(all)
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
