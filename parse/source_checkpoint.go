package parse

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/embproj/projector/parse/tfckpt"
)

// The checkpoint reader's codes are documented with parse's own.
func init() { mergeCodes(CheckpointCodePrefix, tfckpt.Codes) }

// checkpointSource offers the rank-2 float tensors of the latest TensorFlow
// checkpoint among the files (PREFIX.index with its PREFIX.data-NNNNN-of-NNNNN
// shards, or a V1 single file), the likely embedding first, each named by its
// key as TensorBoard names it. It speaks when no config named a tensor (no
// config, or one without tensor_name: then the config's embedding took the
// likely one and the others are offered after it) and no tensor file was
// given beside the checkpoint.
type checkpointSource struct{}

func (checkpointSource) offer(l *loader, prev []*candidate) []*candidate {
	s := l.checkpoints()
	if !s.present() || len(prev) > 0 && !s.rest {
		return nil
	}
	if len(prev) == 0 && l.hasLooseTensor() {
		l.r.infof(CodeExtraFile, "", 0, "The TensorFlow checkpoint among the files was not read: a tensor file was given.")
		return nil
	}
	if len(s.indexes) == 0 {
		l.reportAll(l.noIndex(s, "", ""))
		return nil
	}
	ck := l.openCheckpoint(s, "", "")
	if ck == nil {
		l.reportAll(s.diags)
		return nil
	}
	cands := likelyFirst(ck.Candidates())
	if len(cands) == 0 && len(prev) == 0 {
		l.reportAll(append(s.diags, l.noMatrix(s, "")))
		return nil
	}
	var out []*candidate
	for _, e := range cands {
		if !s.taken[e.Key] {
			out = append(out, l.ckptCandidate(s, e.Entry, "checkpoint"))
		}
	}
	if len(prev) == 0 && len(out) > 0 {
		out[0].metadata = l.looseMetadata(s)
	}
	return out
}

// reportAll adds diags to the report.
func (l *loader) reportAll(diags []Diagnostic) {
	for _, d := range diags {
		l.r.add(d)
	}
}

// hasLooseTensor reports whether a tensor file (.npy, .npz, .bytes, numeric
// text) is among the files.
func (l *loader) hasLooseTensor() bool {
	for _, k := range l.kinds {
		if tensorRank(k) > 1 {
			return true
		}
	}
	return false
}

// looseMetadata returns the one label file (a text whose name says metadata,
// labels or vocabulary) in the checkpoint's folder, or -1.
func (l *loader) looseMetadata(s *ckptSet) int {
	dir, found := path.Dir(l.files[s.index].Name), -1
	for i, k := range l.kinds {
		if k == KindText && path.Dir(l.files[i].Name) == dir && nameHints(l.files[i].Name, metaHints) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// ckptCandidate makes the candidate reading entry e of the opened checkpoint,
// named by its key with TF2 local names unescaped (tfckpt.Readable).
func (l *loader) ckptCandidate(s *ckptSet, e tfckpt.Entry, src string) *candidate {
	s.taken[e.Key] = true
	c := newCandidate(tfckpt.Readable(e.Key), src)
	c.file = l.files[s.index].Name
	c.read = func(l *loader) *tensor { return l.readCheckpointTensor(s, e) }
	for _, d := range s.diags {
		c.note(d)
	}
	if d, missing := l.missingShard(s, e); missing {
		c.note(d)
	}
	return c
}

// likelyFirst puts the tensors whose own name (the last part of the key or
// full name: "embedding", "embeddings", "word_embeddings") mentions "embed"
// first, keeping the reader's order otherwise: in a TF1 seq2seq model every
// key starts with "embedding_attention_seq2seq/", which says nothing.
func likelyFirst(cands []tfckpt.Candidate) []tfckpt.Candidate {
	leaf := func(e tfckpt.Entry) bool {
		k := strings.TrimSuffix(e.Key, "/.ATTRIBUTES/VARIABLE_VALUE")
		return strings.Contains(strings.ToLower(path.Base(k)+" "+path.Base(e.FullName)), "embed")
	}
	sort.SliceStable(cands, func(i, j int) bool { return leaf(cands[i].Entry) && !leaf(cands[j].Entry) })
	return cands
}

// missingShard says, before anything is read, that the data shard holding
// entry e was not given (the exact file to add).
func (l *loader) missingShard(s *ckptSet, e tfckpt.Entry) (Diagnostic, bool) {
	if s.ck.IsV1() || len(e.Slices) > 0 {
		return Diagnostic{}, false
	}
	index := l.files[s.index].Name
	name := tfckpt.DataFilename(path.Base(prefixOf(index)), e.Shard, s.ck.NumShards())
	if !slices.Contains(s.ck.MissingShards(), name) {
		return Diagnostic{}, false
	}
	return Diagnostic{Severity: Error, Code: tfckpt.CodeShardMiss, File: name,
		Message: fmt.Sprintf("The values of %q are in the data file %s, which was not given (only its index %s was).", tfckpt.Readable(e.Key), name, index),
		Fix:     fmt.Sprintf(ckptFixes[tfckpt.CodeShardMiss], name)}, true
}

// checkpointTensor is configSource's hook for an embedding with no tensor
// path: it sets c.read to read the tensor called name (any form Resolve
// knows: TF1 name:0, TF2 object path, object-graph full name) from the
// latest checkpoint among the files (ckPath is the config's
// model_checkpoint_path, "" when absent), or notes on c why it cannot. An
// empty name takes the likely embedding, and the checkpoint's other matrices
// are offered after it.
func (l *loader) checkpointTensor(c *candidate, cfgName, ckPath, name string) {
	s := l.checkpoints()
	if len(s.indexes) == 0 {
		for _, d := range l.noIndex(s, cfgName, ckPath) {
			c.note(d)
		}
		return
	}
	ck := l.openCheckpoint(s, cfgName, ckPath)
	for _, d := range s.diags {
		c.note(d)
	}
	if ck == nil {
		return
	}
	e, ok := l.resolveTensor(c, s, ck, cfgName, name)
	if !ok {
		return
	}
	if name == "" {
		c.name = tfckpt.Readable(e.Key)
	}
	s.taken[e.Key] = true
	c.file = l.files[s.index].Name
	if d, differs := statedShape(c.shape, cfgName, c.file, e); differs {
		c.note(d)
	}
	if d, missing := l.missingShard(s, e); missing {
		c.note(d)
		return
	}
	c.read = func(l *loader) *tensor { return l.readCheckpointTensor(s, e) }
}

// resolveTensor finds the entry name stands for (the likely embedding for
// ""), noting on c why there is none or why it cannot be an embedding.
func (l *loader) resolveTensor(c *candidate, s *ckptSet, ck *tfckpt.Checkpoint, cfgName, name string) (tfckpt.Entry, bool) {
	if name == "" {
		for _, e := range likelyFirst(ck.Candidates()) {
			if !s.taken[e.Key] {
				s.rest = true
				return e.Entry, true
			}
		}
		c.note(l.noMatrix(s, cfgName))
		return tfckpt.Entry{}, false
	}
	e, _, err := ck.Resolve(name)
	if err != nil {
		d := ckptDiag(err, Error)
		d.Message = fmt.Sprintf("tensor_name %q of %s is not in the checkpoint %s: %s", name, cfgName, l.files[s.index].Name, d.Message)
		c.note(d)
		return tfckpt.Entry{}, false
	}
	if d, bad := matrixProblem(e, l.files[s.index].Name); bad {
		c.note(d)
		return tfckpt.Entry{}, false
	}
	return e, true
}

// matrixProblem says why entry e cannot be shown as N points of D float
// dimensions (another rank, an empty dimension, a non-float dtype).
func matrixProblem(e tfckpt.Entry, file string) (Diagnostic, bool) {
	key := tfckpt.Readable(e.Key)
	switch {
	case len(e.Shape) != 2:
		return Diagnostic{Severity: Error, Code: CodeShapeMismatch, File: file,
			Message: fmt.Sprintf("The tensor %q has shape %v (rank %d); an embedding is a matrix [N, D] of N points.", key, e.Shape, len(e.Shape)),
			Fix:     "Name a rank-2 tensor in tensor_name (projector validate lists the checkpoint's tensors), or reshape the variable before saving."}, true
	case e.Shape[0] == 0 || e.Shape[1] == 0:
		return Diagnostic{Severity: Error, Code: CodeShapeMismatch, File: file,
			Message: fmt.Sprintf("The tensor %q has shape %v: there are no points to show.", key, e.Shape),
			Fix:     "Name a tensor with at least one row and one column."}, true
	case !e.DType.IsFloat():
		return Diagnostic{Severity: Error, Code: tfckpt.CodeDType, File: file,
			Message: fmt.Sprintf("The tensor %q is %s; only DT_FLOAT, DT_DOUBLE, DT_HALF and DT_BFLOAT16 can be shown as points.", key, e.DType),
			Fix:     ckptFixes[tfckpt.CodeDType]}, true
	}
	return Diagnostic{}, false
}

// statedShape warns when the config's tensor_shape (stated, [N, D], zeros when
// absent; from cfgName) disagrees with the shape of entry e of the checkpoint
// index: the checkpoint's shape is used, and the config was most likely
// written for another run or checkpoint.
func statedShape(stated [2]int, cfgName, index string, e tfckpt.Entry) (Diagnostic, bool) {
	if stated == [2]int{} || len(e.Shape) != 2 || int64(stated[0]) == e.Shape[0] && int64(stated[1]) == e.Shape[1] {
		return Diagnostic{}, false
	}
	n, d := e.Shape[0], e.Shape[1]
	why := "The config was probably written for another run or checkpoint (another vocabulary size or embedding dimension), so its metadata may not belong to these points either."
	switch {
	case int64(stated[0]) == d && int64(stated[1]) == n:
		why = fmt.Sprintf("The two numbers are swapped: the tensor holds %d points of %d dimensions.", n, d)
	case stated == [2]int{1000, 50}:
		why = "[1000, 50] is the example value of the config template."
	}
	return Diagnostic{Severity: Warning, Code: CodeShapeMismatch, File: cfgName,
		Message: fmt.Sprintf("tensor_shape [%d, %d] in %s does not match the tensor %q of the checkpoint %s, which is [%d, %d]; the checkpoint's shape was used. %s",
			stated[0], stated[1], cfgName, tfckpt.Readable(e.Key), index, n, d, why),
		Fix: fmt.Sprintf("Use the config written with this checkpoint (same run and step), or correct tensor_shape in %s to [%d, %d] (or delete it: the checkpoint states the shape).", path.Base(cfgName), n, d)}, true
}

// noIndex explains a checkpoint whose index was not given: data shards alone,
// or a config naming a tensor (and perhaps its model_checkpoint_path ckPath)
// with no checkpoint at all.
func (l *loader) noIndex(s *ckptSet, cfgName, ckPath string) []Diagnostic {
	if len(s.shards) > 0 {
		shard := l.files[s.shards[0]].Name
		stem, _, _, _ := tfckpt.ParseDataFilename(path.Base(shard))
		return []Diagnostic{{Severity: Error, Code: CodeNoTensor, File: shard,
			Message: fmt.Sprintf("%s is a TensorFlow checkpoint data shard: raw values without names or shapes. They are described by %s.index, which was not given.", shard, stem),
			Fix:     fmt.Sprintf("Add %s.index (it lies next to the shard) and open them together.", stem)}}
	}
	if ckPath != "" {
		b := tfckpt.BaseName(ckPath)
		return []Diagnostic{{Severity: Error, Code: CodeConfigMissingFile, File: cfgName,
			Message: fmt.Sprintf("model_checkpoint_path of %s names the checkpoint %s, which holds the embedding's values; neither %s.index nor its data files were given.", cfgName, ckPath, b),
			Fix:     fmt.Sprintf("Drop %s.index and %s.data-00000-of-00001 (or the whole log folder) with the config.", b, b)}}
	}
	return []Diagnostic{{Severity: Error, Code: CodeNoTensor, File: cfgName,
		Message: fmt.Sprintf("The embedding of %s has no tensor_path: its values live in a TensorFlow checkpoint (PREFIX.index and PREFIX.data-00000-of-00001), and none was given.", cfgName),
		Fix:     "Drop the whole log folder: the config with the checkpoint's .index and .data-… files (and the `checkpoint` file)."}}
}

// noMatrix says that the opened checkpoint holds no tensor that can be an embedding.
func (l *loader) noMatrix(s *ckptSet, cfgName string) Diagnostic {
	var list []string
	for _, t := range l.tensors[:min(len(l.tensors), 8)] {
		list = append(list, fmt.Sprintf("%s %s %v", t.Name, t.Dtype, t.Shape))
	}
	return Diagnostic{Severity: Error, Code: CodeNoTensor, File: l.files[s.index].Name,
		Message: fmt.Sprintf("The checkpoint %s holds no rank-2 float tensor (besides optimizer slots) that could be an embedding; its tensors: %s.", l.files[s.index].Name, strings.Join(list, ", ")),
		Fix:     "Save the embedding variable itself in the checkpoint (e.g. tf.train.Checkpoint(embedding=layer.embeddings)), or export it to a TSV or .npy file."}
}

// readCheckpointTensor reads entry e of s's checkpoint as N×D float32, through
// the shard's ReaderAt (only the tensor's byte range), ticking the Stepper.
func (l *loader) readCheckpointTensor(s *ckptSet, e tfckpt.Entry) *tensor {
	file := l.files[s.index].Name
	if d, bad := matrixProblem(e, file); bad {
		l.r.add(d)
		return nil
	}
	n, d := int(e.Shape[0]), int(e.Shape[1])
	l.r.step.estimate(n, d)
	opts := tfckpt.ReadOptions{MaxElements: l.opts.maxBytes() / 4, Progress: func(done, _ int64) { l.r.step.tick(done) }}
	vals, notes, err := s.ck.ReadFloat32(e, opts)
	if err != nil {
		l.r.add(ckptDiag(err, Error))
		return nil
	}
	for _, note := range notes {
		l.r.add(noteDiag(file, fmt.Sprintf("tensor %q: %s", tfckpt.Readable(e.Key), note), false))
	}
	t := &tensor{file: file, n: n, d: d, vals: vals, format: "checkpoint", rows: make([]int32, n)}
	for i := range t.rows {
		t.rows[i] = int32(i + 1)
	}
	return t
}
