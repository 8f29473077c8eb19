package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// parseJSONRows reads vectors from JSON: an array of rows, each an array mixing
// numbers (the vector) and strings (labels), e.g. [[5.1, 3.5, "setosa"], …]; or an
// array of objects (or JSON Lines) where one field holds the list of numbers and
// scalar fields become metadata, e.g. {"text": "…", "embedding": [0.1, …]}.
// Memory: the decoded JSON values plus N×D float32.
func parseJSONRows(f File, opts Options, r *reporter) *tensor {
	data := bytes.TrimPrefix(f.Data, []byte{0xEF, 0xBB, 0xBF})
	var rows []json.RawMessage
	trim := bytes.TrimSpace(data)
	if len(trim) > 0 && trim[0] == '[' {
		if err := json.Unmarshal(trim, &rows); err != nil {
			r.errorf(CodeNonNumeric, f.Name, 0, "", "", "%s is not valid JSON: %v.", f.Name, err)
			return nil
		}
	} else {
		// JSON Lines: one object per line.
		lr := lineReader{data: data}
		for {
			line, ok := lr.next()
			if !ok {
				break
			}
			if !isBlank(line) {
				rows = append(rows, json.RawMessage(line))
			}
		}
	}
	if len(rows) == 0 {
		r.errorf(CodeNonNumeric, f.Name, 0, "", "", "%s holds no rows.", f.Name)
		return nil
	}
	t := &tensor{file: f.Name, format: "json"}
	var labelNames []string
	labels := map[string][]string{}
	for i, raw := range rows {
		if i&0xfff == 0xfff {
			r.step.tick(0)
		}
		var vec []float32
		var lab []string
		var names []string
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			r.errorf(CodeNonNumeric, f.Name, i+1, "", "", "Row %d of %s is not valid JSON: %v.", i+1, f.Name, err)
			return nil
		}
		switch x := v.(type) {
		case []any:
			for k, e := range x {
				switch y := e.(type) {
				case json.Number:
					fv, err := strconv.ParseFloat(y.String(), 32)
					if err != nil && fv == 0 {
						r.errorf(CodeNonNumeric, f.Name, i+1, "", "", "Row %d of %s: %s is not a number.", i+1, f.Name, y)
						return nil
					}
					vec = append(vec, float32(fv))
				default:
					lab = append(lab, fmt.Sprint(y))
					names = append(names, fmt.Sprintf("column %d", k+1))
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			found := false
			for _, k := range keys {
				if arr, ok := x[k].([]any); ok && !found && allNumbers(arr) {
					for _, e := range arr {
						fv, _ := strconv.ParseFloat(e.(json.Number).String(), 32)
						vec = append(vec, float32(fv))
					}
					found = true
					continue
				}
				switch y := x[k].(type) {
				case []any, map[string]any:
				default:
					lab = append(lab, fmt.Sprint(y))
					names = append(names, k)
				}
			}
		default:
			r.errorf(CodeNonNumeric, f.Name, i+1, "", "", "Row %d of %s is neither a list nor an object.", i+1, f.Name)
			return nil
		}
		if len(vec) == 0 {
			r.errorf(CodeNonNumeric, f.Name, i+1, "", "", "Row %d of %s holds no numbers.", i+1, f.Name)
			return nil
		}
		if i == 0 {
			t.d = len(vec)
			labelNames = names
		} else if len(vec) != t.d {
			r.errorf(CodeRaggedRow, f.Name, i+1, "Give every row the same number of values.", "", "Row %d of %s has %d numbers where row 1 has %d.", i+1, f.Name, len(vec), t.d)
			return nil
		}
		if int64(len(t.vals)+len(vec))*4 > opts.maxBytes() {
			r.errorf(CodeTooLarge, f.Name, i+1, "", "", "%s needs more than %d MB as float32.", f.Name, opts.maxBytes()>>20)
			return nil
		}
		t.vals = append(t.vals, vec...)
		for _, name := range labelNames {
			v := ""
			for q, n := range names {
				if n == name {
					v = lab[q]
				}
			}
			labels[name] = append(labels[name], v)
		}
		t.rows = append(t.rows, int32(i+1))
	}
	t.n = len(t.rows)
	for _, name := range labelNames {
		t.labels = append(t.labels, Column{Name: name, Values: labels[name]})
	}
	if len(t.labels) == 1 && t.labels[0].Name == fmt.Sprintf("column %d", t.d+1) {
		t.labels[0].Name = "label"
	}
	return t
}

func allNumbers(arr []any) bool {
	if len(arr) == 0 {
		return false
	}
	for _, e := range arr {
		if _, ok := e.(json.Number); !ok {
			return false
		}
	}
	return true
}
