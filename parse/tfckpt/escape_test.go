package tfckpt

import (
	"strings"
	"testing"
)

func TestLocalNameEscaping(t *testing.T) {
	for local, key := range map[string]string{
		"emb":      "emb",
		"emb.v2":   "emb..v2",
		"dense/k":  "dense.Sk",
		"a.Sb":     "a..Sb",
		"a./b":     "a...Sb",
		"x.":       "x..",
		"/":        ".S",
		"..":       "....",
		"ok/.S/..": "ok.S..S.S....",
	} {
		if got := EscapeLocalName(local); got != key {
			t.Errorf("EscapeLocalName(%q) = %q, want %q", local, got, key)
		}
		if got := UnescapeLocalName(key); got != local {
			t.Errorf("UnescapeLocalName(%q) = %q, want %q", key, got, local)
		}
	}
	// A lone "." before another letter starts a reserved segment and stays.
	for _, s := range []string{".ATTRIBUTES", ".OPTIMIZER_SLOT", "a.", "."} {
		if got := UnescapeLocalName(s); got != s {
			t.Errorf("UnescapeLocalName(%q) = %q", s, got)
		}
	}
}

func TestReadable(t *testing.T) {
	for key, want := range map[string]string{
		"model/dense.Sblock/emb..v2/.ATTRIBUTES/VARIABLE_VALUE":          "model/dense/block/emb.v2/.ATTRIBUTES/VARIABLE_VALUE",
		"emb..v2/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE": "emb.v2/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE",
		"layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE":     "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE",
		"tf1/scope..name.Sx":           "tf1/scope..name.Sx", // not object-based: TF1 dots are the name's own
		"_CHECKPOINTABLE_OBJECT_GRAPH": "_CHECKPOINTABLE_OBJECT_GRAPH",
	} {
		if got := Readable(key); got != want {
			t.Errorf("Readable(%q) = %q, want %q", key, got, want)
		}
	}
}

// escaped returns an object-based bundle whose local names hold a "/" ("dense/block",
// written dense.Sblock) and a "." ("emb.v2", written emb..v2), with the embedding's
// optimizer slot and an unrelated matrix.
func escaped() tBundle {
	emb := "model/dense.Sblock/emb..v2/.ATTRIBUTES/VARIABLE_VALUE"
	slot := "model/dense.Sblock/emb..v2/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"
	other := "model/other/.ATTRIBUTES/VARIABLE_VALUE"
	return tBundle{tensors: []tTensor{
		{key: emb, dtype: DTFloat, shape: []int64{3, 2}, data: f32LE(seq(6)...)},
		{key: slot, dtype: DTFloat, shape: []int64{3, 2}, data: f32LE(seq(6)...)},
		{key: other, dtype: DTFloat, shape: []int64{2, 2}, data: f32LE(seq(4)...)},
	}}
}

// A config's tensor_name written with the local names as the model named them (a "/"
// or a "." inside a layer's name) finds the escaped key; the escaped forms still do.
func TestResolveEscapedNames(t *testing.T) {
	c := escaped().open(t)
	emb := "model/dense.Sblock/emb..v2/.ATTRIBUTES/VARIABLE_VALUE"
	for name, want := range map[string]Rule{
		emb:                          RuleExact,
		"model/dense.Sblock/emb..v2": RuleAttributes,
		"model/dense/block/emb.v2":   RuleUnescaped,
		"model/dense/block/emb.v2:0": RuleUnescaped,
		"model/dense/block/emb.v2/.ATTRIBUTES/VARIABLE_VALUE": RuleUnescaped,
		"dense/block/emb.v2":   RuleSuffix,
		"emb.v2:0":             RuleSuffix,
		"dense.Sblock/emb..v2": RuleSuffix,
	} {
		e, rule, err := c.Resolve(name)
		if err != nil || e.Key != emb || rule != want {
			t.Errorf("Resolve(%q) = %q %q %v, want rule %q", name, e.Key, rule, err, want)
		}
	}
	cs := c.Candidates()
	if len(cs) != 2 || cs[0].Key != emb || Readable(cs[0].Key) != "model/dense/block/emb.v2/.ATTRIBUTES/VARIABLE_VALUE" {
		t.Fatalf("candidates %+v", cs)
	}
	_, _, err := c.Resolve("model/dense/blok/emb.v2")
	if code(err) != CodeNotFound || !strings.Contains(err.Error(), `"model/dense/block/emb.v2/.ATTRIBUTES/VARIABLE_VALUE"`) {
		t.Errorf("near miss: %v", err)
	}
}

// Two keys that read alike ("a/b" as a path and "a/b" as one local name) are not
// guessed between: the readable name is ambiguous, the escaped keys still resolve.
func TestResolveAmbiguousReadable(t *testing.T) {
	path, local := "a/b/.ATTRIBUTES/VARIABLE_VALUE", "a.Sb/.ATTRIBUTES/VARIABLE_VALUE"
	c := tBundle{tensors: []tTensor{
		{key: path, dtype: DTFloat, shape: []int64{1, 2}, data: f32LE(1, 2)},
		{key: local, dtype: DTFloat, shape: []int64{1, 2}, data: f32LE(3, 4)},
	}}.open(t)
	if e, rule, err := c.Resolve("a/b"); err != nil || e.Key != path || rule != RuleAttributes {
		t.Errorf("a/b: %q %q %v", e.Key, rule, err)
	}
	if e, rule, err := c.Resolve("a.Sb"); err != nil || e.Key != local || rule != RuleAttributes {
		t.Errorf("a.Sb: %q %q %v", e.Key, rule, err)
	}
	if c.unescaped("a/b") != "" || c.unescaped("a/b/.ATTRIBUTES/VARIABLE_VALUE") != "" {
		t.Errorf("readable form taken as unique")
	}
}
