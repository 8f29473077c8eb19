package tfckpt

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// State is the `checkpoint` file TensorFlow writes next to its checkpoints (text-format
// CheckpointState): the latest prefix and the ones kept, oldest first. Paths may be
// absolute on the machine that wrote them.
type State struct {
	ModelCheckpointPath     string
	AllModelCheckpointPaths []string
}

// ParseState parses a `checkpoint` state file. Fields other than model_checkpoint_path and
// all_model_checkpoint_paths (timestamps) are skipped; a file without
// model_checkpoint_path is an error (checkpoint-state).
func ParseState(data []byte) (State, error) {
	var st State
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.Trim(line, " \t\r")
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return State{}, errf(CodeState, "checkpoint", -1, "line %d: no ':' in %q", n+1, line)
		}
		key = strings.TrimSpace(key)
		if key != "model_checkpoint_path" && key != "all_model_checkpoint_paths" {
			continue
		}
		s, err := unquoteText(strings.TrimSpace(val))
		if err != nil {
			return State{}, wrap(CodeState, "checkpoint", -1, err, "line %d", n+1)
		}
		if key == "model_checkpoint_path" {
			st.ModelCheckpointPath = s
		} else {
			st.AllModelCheckpointPaths = append(st.AllModelCheckpointPaths, s)
		}
	}
	if st.ModelCheckpointPath == "" {
		return State{}, errf(CodeState, "checkpoint", -1, "no model_checkpoint_path")
	}
	return st, nil
}

// unquoteText decodes a protobuf text-format string literal: '…' or "…" with C escapes
// (\n \t \r \\ \' \" \a \b \f \v, octal \NNN, hex \xHH).
func unquoteText(s string) (string, error) {
	if len(s) < 2 || (s[0] != '"' && s[0] != '\'') || s[len(s)-1] != s[0] {
		return "", fmt.Errorf("not a quoted string: %s", s)
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i++; i >= len(s) {
			return "", fmt.Errorf("string ends in a backslash")
		}
		v, n, err := textEscape(s[i:])
		if err != nil {
			return "", err
		}
		b.WriteByte(v)
		i += n - 1
	}
	return b.String(), nil
}

// textEscape decodes one escape (after its backslash), returning the byte and its length.
func textEscape(s string) (byte, int, error) {
	if k := strings.IndexByte(`ntrabfv\'"`, s[0]); k >= 0 {
		return "\n\t\r\a\b\f\v\\'\""[k], 1, nil
	}
	if s[0] == 'x' {
		v, n := 0, 1
		for ; n < 3 && n < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[n]) >= 0; n++ {
			v = v*16 + hexVal(s[n])
		}
		if n == 1 {
			return 0, 0, fmt.Errorf(`\x without hex digits`)
		}
		return byte(v), n, nil
	}
	v, n := 0, 0
	for ; n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7'; n++ {
		v = v*8 + int(s[n]-'0')
	}
	if n == 0 || v > 255 {
		return 0, 0, fmt.Errorf("unknown escape \\%c", s[0])
	}
	return byte(v), n, nil
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// BaseName returns the last element of a path written on any system: "/home/u/x",
// `C:\Users\x`, `E:\\runs\\x` (doubled backslashes) and "C:/Users/x" all give "x".
func BaseName(p string) string {
	p = strings.TrimRight(slashes(p), "/")
	return path.Base(p)
}

// LatestPrefix picks the checkpoint the state names, among the files given (paths or base
// names): model_checkpoint_path first, then all_model_checkpoint_paths newest first, each
// matched by base name to "PREFIX.index" (V2) or "PREFIX" (V1). The prefix returned is
// spelled as in files (with its directory, without ".index").
func LatestPrefix(files []string, st State) (string, bool) {
	want := []string{st.ModelCheckpointPath}
	for i := len(st.AllModelCheckpointPaths) - 1; i >= 0; i-- {
		want = append(want, st.AllModelCheckpointPaths[i])
	}
	for _, w := range want {
		b := BaseName(w)
		if b == "" || b == "." || b == "/" {
			continue
		}
		for _, f := range files {
			switch BaseName(f) {
			case b + ".index":
				return strings.TrimSuffix(f, ".index"), true
			case b:
				return f, true
			}
		}
	}
	return "", false
}

// FindFiles returns, among names, the index of the checkpoint prefix ("PREFIX.index", or the
// single V1 file "PREFIX") and its data shards ("PREFIX.data-NNNNN-of-NNNNN", in shard
// order), matching by base name. index is "" when neither is present.
func FindFiles(names []string, prefix string) (index string, shards []string) {
	b := BaseName(prefix)
	v1 := ""
	for _, n := range names {
		switch nb := BaseName(n); {
		case nb == b+".index":
			index = n
		case nb == b:
			v1 = n
		default:
			if stem, _, _, ok := ParseDataFilename(nb); ok && stem == b {
				shards = append(shards, n)
			}
		}
	}
	sort.Slice(shards, func(i, j int) bool { return BaseName(shards[i]) < BaseName(shards[j]) })
	if index == "" {
		index = v1
	}
	return index, shards
}
