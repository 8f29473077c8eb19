package tfckpt

import (
	"fmt"
	"strings"
)

// graphAttr is one SerializedTensor of a TrackableObjectGraph node.
type graphAttr struct{ fullName, key string }

// loadObjectGraph reads the _CHECKPOINTABLE_OBJECT_GRAPH string tensor, if present and its
// shard given, and records every attribute's full_name (the TF1-style variable name) and
// which keys belong to optimizer slot variables. Failures become notes: the graph only
// helps name resolution.
func (c *Checkpoint) loadObjectGraph() {
	i, ok := c.byKey[objectGraphKey]
	if !ok {
		return
	}
	s, err := c.ReadStrings(c.entries[i], ReadOptions{MaxElements: 1})
	if err == nil && len(s) != 1 {
		err = fmt.Errorf("object graph has %d elements, want 1", len(s))
	}
	if err != nil {
		c.notes = append(c.notes, fmt.Sprintf("object graph not used: %v", err))
		return
	}
	attrs, slots, err := parseObjectGraph([]byte(s[0]))
	if err != nil {
		c.notes = append(c.notes, fmt.Sprintf("object graph not used: %v", err))
		return
	}
	for node, as := range attrs {
		for _, a := range as {
			j, ok := c.byKey[a.key]
			if !ok {
				continue
			}
			if a.fullName != "" {
				c.entries[j].FullName = a.fullName
				if _, dup := c.fullNames[a.fullName]; !dup {
					c.fullNames[a.fullName] = a.key
				}
			}
			if slots[node] {
				c.slotKeys[a.key] = true
			}
		}
	}
}

// parseObjectGraph decodes TrackableObjectGraph{nodes = 1: TrackableObject{attributes = 2:
// SerializedTensor{name = 1, full_name = 2, checkpoint_key = 3}, slot_variables = 3:
// {original_variable_node_id = 1, slot_name = 2, slot_variable_node_id = 3}}}. It returns
// the attributes per node id and the ids of slot-variable nodes.
func parseObjectGraph(b []byte) ([][]graphAttr, map[int]bool, error) {
	var nodes [][]graphAttr
	slots := map[int]bool{}
	err := walk(b, func(f field) error {
		if f.num != 1 {
			return nil
		}
		var attrs []graphAttr
		err := walk(f.b, func(g field) error {
			switch g.num {
			case 2:
				a, err := parseGraphAttr(g.b)
				attrs = append(attrs, a)
				return err
			case 3:
				return walk(g.b, func(h field) error {
					if h.num == 3 && h.v < 1<<31 {
						slots[int(h.v)] = true
					}
					return nil
				})
			}
			return nil
		})
		nodes = append(nodes, attrs)
		return err
	})
	return nodes, slots, err
}

func parseGraphAttr(b []byte) (graphAttr, error) {
	var a graphAttr
	err := walk(b, func(f field) error {
		switch f.num {
		case 2:
			a.fullName = string(f.b)
		case 3:
			a.key = string(f.b)
		}
		return nil
	})
	return a, err
}

// isSlotName reports whether a key or full name looks like an optimizer's copy of a
// variable: TF2 ".OPTIMIZER_SLOT/" keys, Keras 3 "optimizer/_variables/N", TF1 "name/Adam",
// "name/Adam_1", "name/Momentum", "name/RMSProp", Keras 2 full names "Adam/m/name", "name/rms".
func isSlotName(s string) bool {
	if strings.Contains(s, ".OPTIMIZER_SLOT") || strings.HasPrefix(s, "optimizer/") {
		return true
	}
	parts := strings.Split(s, "/")
	last := parts[len(parts)-1]
	for _, p := range []string{"Adam", "Adam_1", "Adagrad", "Momentum", "RMSProp", "RMSProp_1", "Ftrl", "Ftrl_1", "Adadelta", "Adadelta_1", "rms", "momentum", "accumulator"} {
		if last == p {
			return true
		}
	}
	switch parts[0] {
	case "Adam", "RMSprop", "SGD", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "AdamW", "Lion":
		return len(parts) > 1
	}
	return false
}
