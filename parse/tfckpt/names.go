package tfckpt

import (
	"fmt"
	"sort"
	"strings"
)

// Rule says how Resolve matched a name to a key.
type Rule string

// The rules Resolve tries, in this order (TF-FORMATS §2.8).
const (
	RuleExact      Rule = "exact key"
	RuleStripPort  Rule = "key after dropping the :N output suffix (TF1 name:0)"
	RuleAttributes Rule = "key with /.ATTRIBUTES/VARIABLE_VALUE appended (TF2 object path)"
	RuleFullName   Rule = "full_name in the object graph (_CHECKPOINTABLE_OBJECT_GRAPH)"
	RuleUnescaped  Rule = "key whose TF2 object path, unescaped (.S → /, .. → .), is the name"
	RuleSuffix     Rule = "the only key whose path ends with the name"
)

const (
	attributesSuffix = "/.ATTRIBUTES/VARIABLE_VALUE"
	attributesSep    = "/.ATTRIBUTES/"
)

// UnescapeLocalName undoes TensorFlow's escape_local_name (trackable_utils.py) on one
// segment of a TF2 object-based key: ".." is a "." and ".S" a "/" of the local name.
// Any other "." is kept: it starts a reserved segment (".ATTRIBUTES",
// ".OPTIMIZER_SLOT") that escaping never produces.
func UnescapeLocalName(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '.' || i+1 == len(s):
			b.WriteByte(s[i])
		case s[i+1] == '.':
			b.WriteByte('.')
			i++
		case s[i+1] == 'S':
			b.WriteByte('/')
			i++
		default:
			b.WriteByte('.')
		}
	}
	return b.String()
}

// EscapeLocalName is TensorFlow's escape_local_name: "." → "..", then "/" → ".S".
func EscapeLocalName(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, ".", ".."), "/", ".S")
}

// Readable returns key as people write it: for a TF2 object-based key (one holding
// "/.ATTRIBUTES/"), every "/"-separated segment unescaped with UnescapeLocalName, so
// "layer.Sblock/my..emb/.ATTRIBUTES/VARIABLE_VALUE" reads
// "layer/block/my.emb/.ATTRIBUTES/VARIABLE_VALUE". Other keys (TF1 names, whose dots
// are their own) are returned as they are.
func Readable(key string) string {
	if !strings.Contains(key, attributesSep) || !strings.Contains(key, "..") && !strings.Contains(key, ".S") {
		return key
	}
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = UnescapeLocalName(p)
	}
	return strings.Join(parts, "/")
}

// stripPort removes a trailing ":N" output index ("embedding:0" → "embedding").
func stripPort(name string) string {
	i := strings.LastIndexByte(name, ':')
	if i < 0 || i == len(name)-1 {
		return name
	}
	for _, r := range name[i+1:] {
		if r < '0' || r > '9' {
			return name
		}
	}
	return name[:i]
}

// Resolve finds the tensor a person or a projector config names: a key ("embedding",
// "embedding/.ATTRIBUTES/VARIABLE_VALUE"), a TF1 output name ("embedding:0"), a TF2 path
// without its attribute suffix, an object-graph full_name ("embed/embeddings:0" for
// "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"), a TF2 path written with
// its local names unescaped ("my.layer/emb" for "my..layer/emb/.ATTRIBUTES/…",
// "block/1/emb" for "block.S1/emb/.ATTRIBUTES/…", see Readable) or a unique path suffix
// (escaped or not). It returns the rule that matched; an unknown name gives
// checkpoint-tensor-not-found listing the closest keys, in their readable form.
func (c *Checkpoint) Resolve(name string) (Entry, Rule, error) {
	bare := stripPort(name)
	try := []struct {
		key  string
		rule Rule
	}{
		{name, RuleExact}, {bare, RuleStripPort},
		{bare + attributesSuffix, RuleAttributes}, {c.fullNames[bare], RuleFullName},
		{c.unescaped(name), RuleUnescaped}, {c.unescaped(bare), RuleUnescaped},
		{c.unescaped(bare + attributesSuffix), RuleUnescaped},
	}
	for _, t := range try {
		if i, ok := c.byKey[t.key]; ok && t.key != "" {
			return c.entries[i].clone(), t.rule, nil
		}
	}
	if e, ok := c.bySuffix(bare); ok {
		return e.clone(), RuleSuffix, nil
	}
	return Entry{}, "", errf(CodeNotFound, c.index.Name, -1, "no tensor %q; closest: %s", name, strings.Join(c.closest(bare, 5), ", "))
}

// unescaped returns the key with escapes whose Readable form is name, or "" when no
// key, or more than one, reads as name.
func (c *Checkpoint) unescaped(name string) string { return c.readable[name] }

// indexReadable fills c.readable: Readable form → key, for the keys that have escapes
// and whose Readable form no other key has (as its own key or Readable form).
func (c *Checkpoint) indexReadable() {
	c.readable = map[string]string{}
	seen := map[string]int{}
	for _, e := range c.entries {
		seen[Readable(e.Key)]++
	}
	for _, e := range c.entries {
		if r := Readable(e.Key); r != e.Key && seen[r] == 1 {
			c.readable[r] = e.Key
		}
	}
}

// bySuffix returns the only entry whose key, with any attribute suffix removed, ends
// with the "/"-separated segments of name, comparing the key as it is and in its
// Readable form.
func (c *Checkpoint) bySuffix(name string) (Entry, bool) {
	if name == "" {
		return Entry{}, false
	}
	var found []Entry
	for _, e := range c.entries {
		k := strings.TrimSuffix(e.Key, attributesSuffix)
		r := strings.TrimSuffix(Readable(e.Key), attributesSuffix)
		if strings.HasSuffix(k, "/"+name) || strings.HasSuffix(r, "/"+name) {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		return Entry{}, false
	}
	return found[0], true
}

// closest returns up to n keys nearest to name by edit distance (over keys and full names).
func (c *Checkpoint) closest(name string, n int) []string {
	type scored struct {
		key string
		d   int
	}
	var all []scored
	for _, e := range c.entries[:min(len(c.entries), maxClosestScan)] {
		r := Readable(e.Key)
		d := editDistance(name, strings.TrimSuffix(r, attributesSuffix))
		if e.FullName != "" {
			d = min(d, editDistance(name, e.FullName))
		}
		all = append(all, scored{r, d})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for _, s := range all[:min(n, len(all))] {
		out = append(out, fmt.Sprintf("%q", s.key))
	}
	if len(out) == 0 {
		return []string{"(the checkpoint has no tensors)"}
	}
	return out
}

// maxClosestScan bounds the keys compared for "closest" suggestions, and maxEditLen the
// bytes of each, so a hostile index cannot make an error message slow.
const maxClosestScan, maxEditLen = 20000, 128

// editDistance is the Levenshtein distance of a and b, each cut to maxEditLen bytes.
func editDistance(a, b string) int {
	a, b = a[:min(len(a), maxEditLen)], b[:min(len(b), maxEditLen)]
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Candidate is a tensor that may be an embedding, with the reason for its rank.
type Candidate struct {
	Entry
	Reason string
}

// Candidates lists the rank-2 float tensors (DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16) that
// may be embeddings, best first: names mentioning "embed" first, then more rows, then more
// elements. Optimizer slot copies (".OPTIMIZER_SLOT/", "optimizer/", "/Adam", "/Momentum",
// object-graph slot variables, full names like "Adam/m/…") are left out.
func (c *Checkpoint) Candidates() []Candidate {
	var out []Candidate
	for _, e := range c.entries {
		if len(e.Shape) != 2 || !e.DType.IsFloat() || c.isSlot(e) {
			continue
		}
		out = append(out, Candidate{Entry: e.clone()})
	}
	sort.SliceStable(out, func(i, j int) bool { return better(out[i].Entry, out[j].Entry) })
	slots := map[[2]int64]int{} // optimizer copies per rank-2 shape
	for _, e := range c.entries {
		if len(e.Shape) == 2 && c.isSlot(e) {
			slots[[2]int64{e.Shape[0], e.Shape[1]}]++
		}
	}
	for i := range out {
		out[i].Reason = reason(out[i].Entry, i, slots[[2]int64{out[i].Shape[0], out[i].Shape[1]}])
	}
	return out
}

func (c *Checkpoint) isSlot(e Entry) bool {
	return c.slotKeys[e.Key] || isSlotName(e.Key) || (e.FullName != "" && isSlotName(e.FullName))
}

func mentionsEmbed(e Entry) bool {
	return strings.Contains(strings.ToLower(e.Key+" "+e.FullName), "embed")
}

// better orders candidates: "embed" in the name, then more rows, then more elements.
func better(a, b Entry) bool {
	if ea, eb := mentionsEmbed(a), mentionsEmbed(b); ea != eb {
		return ea
	}
	if a.Shape[0] != b.Shape[0] {
		return a.Shape[0] > b.Shape[0]
	}
	return a.Shape[1] > b.Shape[1]
}

// reason explains candidate e's place i in the list; slots is the number of optimizer
// copies of its shape that were left out.
func reason(e Entry, i, slots int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rank-2 %s [%d, %d]", e.DType, e.Shape[0], e.Shape[1])
	if e.FullName != "" {
		fmt.Fprintf(&b, ", variable %q", e.FullName)
	}
	if mentionsEmbed(e) {
		b.WriteString(", name mentions embed")
	}
	if i == 0 {
		b.WriteString(", ranked first")
	}
	if slots > 0 {
		fmt.Fprintf(&b, "; %d optimizer slot copies of this shape ignored", slots)
	}
	return b.String()
}
