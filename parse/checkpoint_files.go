package parse

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/embproj/projector/parse/tfckpt"
)

// ckptSet is what the files hold of TensorFlow checkpoints: the index files
// (V2 PREFIX.index and single-file V1 checkpoints), the data shards and the
// `checkpoint` state files. It is built once per load (loader.checkpoints) and
// opens one checkpoint, the latest, shared by configSource's hook and
// checkpointSource.
type ckptSet struct {
	indexes, shards, states []int // indexes into loader.files

	opened bool
	ck     *tfckpt.Checkpoint
	index  int // the opened index file, -1 before
	// diags are the findings of choosing and opening the checkpoint; every
	// candidate read from it carries them (so they are reported once, with
	// the embedding shown). failed is set when it could not be opened.
	diags  []Diagnostic
	failed bool
	// taken are the keys already offered; rest is set when a config embedding
	// without tensor_name took the likely one and the others are to be offered
	// too.
	taken map[string]bool
	rest  bool
}

// present reports whether the files hold a checkpoint index or data shard.
func (s *ckptSet) present() bool { return len(s.indexes)+len(s.shards) > 0 }

// checkpoints sorts the checkpoint files among l.files (once per load).
func (l *loader) checkpoints() *ckptSet {
	if l.ckpt != nil {
		return l.ckpt
	}
	s := &ckptSet{index: -1, taken: map[string]bool{}}
	for i, k := range l.kinds {
		if k != KindCheckpoint {
			continue
		}
		base := path.Base(l.files[i].Name)
		_, _, _, shard := tfckpt.ParseDataFilename(base)
		switch {
		case shard:
			s.shards = append(s.shards, i)
		case base == "checkpoint":
			s.states = append(s.states, i)
		case strings.HasSuffix(base, ".index") || l.isV1Checkpoint(l.files[i]):
			s.indexes = append(s.indexes, i)
		}
	}
	l.ckpt = s
	return s
}

// isV1Checkpoint reports whether f is a single-file TF1 V1 checkpoint: an
// SSTable starting with the empty header key (a .meta graph is not).
func (l *loader) isV1Checkpoint(f File) bool {
	if !tfckpt.Sniff(f.Data[:min(len(f.Data), 64)]) || f.size() < 8 {
		return false
	}
	tail, err := tailOf(f, 8)
	return err == nil && tfckpt.IsSSTable(tail)
}

// tailOf returns the last n bytes of f (n ≤ its size).
func tailOf(f File, n int) ([]byte, error) {
	if !f.streamed() {
		return f.Data[len(f.Data)-n:], nil
	}
	return readAtFull(f.ReaderAt, f.Size-int64(n), n)
}

// isShardName reports whether name is a checkpoint data file
// (PREFIX.data-NNNNN-of-NNNNN): raw tensor bytes, never a compressed wrapper,
// whatever its first bytes happen to be.
func isShardName(name string) bool {
	_, _, _, ok := tfckpt.ParseDataFilename(path.Base(name))
	return ok
}

// ckptFile gives f to the checkpoint reader: a streamed file through its
// ReaderAt (shards are never read whole), one in memory through a bytes.Reader.
func ckptFile(f File) tfckpt.File {
	if f.streamed() {
		return tfckpt.File{Name: f.Name, R: f.ReaderAt, Size: f.Size}
	}
	return tfckpt.File{Name: f.Name, R: bytes.NewReader(f.Data), Size: int64(len(f.Data))}
}

// names returns the names of the files at idx.
func (l *loader) names(idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = l.files[i].Name
	}
	return out
}

// indexNamed returns the index file whose prefix LatestPrefix returned, or -1.
func (l *loader) indexNamed(s *ckptSet, prefix string) int {
	for _, i := range s.indexes {
		if n := l.files[i].Name; n == prefix+".index" || n == prefix {
			return i
		}
	}
	return -1
}

// prefixOf returns the checkpoint prefix of an index file name.
func prefixOf(name string) string { return strings.TrimSuffix(name, ".index") }

// pickIndex chooses the checkpoint to read: the one the config's
// model_checkpoint_path names (by base name: absolute paths come from
// another machine), else the latest of the `checkpoint` state file nearest
// the config (or the top), else the one with the highest step number. The
// findings say how, when it was not the plain choice.
func (l *loader) pickIndex(s *ckptSet, cfgName, ckPath string) (int, []Diagnostic) {
	var diags []Diagnostic
	names := l.names(s.indexes)
	if ckPath != "" {
		if p, ok := tfckpt.LatestPrefix(names, tfckpt.State{ModelCheckpointPath: ckPath}); ok {
			i := l.indexNamed(s, p)
			if path.Join(path.Dir(cfgName), ckPath) != p {
				diags = append(diags, Diagnostic{Severity: Info, Code: CodeConfigMissingFile, File: cfgName,
					Message: fmt.Sprintf("model_checkpoint_path of %s is %s, which is not next to the config; the checkpoint %s given was used.", cfgName, ckPath, l.files[i].Name)})
			}
			return i, diags
		}
		diags = append(diags, Diagnostic{Severity: Warning, Code: CodeConfigMissingFile, File: cfgName,
			Message: fmt.Sprintf("model_checkpoint_path of %s names %s, which is not among the files given; the latest checkpoint given was used instead.", cfgName, ckPath),
			Fix:     fmt.Sprintf("Drop %s.index and its .data-… files with the config to use that checkpoint.", tfckpt.BaseName(ckPath))})
	}
	i, d := l.pickByState(s, path.Dir(cfgName))
	diags = append(diags, d...)
	if i >= 0 {
		return i, diags
	}
	return l.highestStep(s), diags
}

// pickByState follows the `checkpoint` state file in dir, or else the one
// nearest the top; -1 when there is none or it names no checkpoint given.
func (l *loader) pickByState(s *ckptSet, dir string) (int, []Diagnostic) {
	st := -1
	for _, i := range s.states {
		name := l.files[i].Name
		if path.Dir(name) == dir {
			st = i
			break
		}
		if st < 0 || strings.Count(name, "/") < strings.Count(l.files[st].Name, "/") {
			st = i
		}
	}
	if st < 0 {
		return -1, nil
	}
	f := l.files[st]
	state, err := tfckpt.ParseState(f.Data)
	if err != nil {
		d := ckptDiag(err, Warning)
		d.File = f.Name
		d.Message += " The latest checkpoint given was used."
		return -1, []Diagnostic{d}
	}
	p, ok := tfckpt.LatestPrefix(l.names(s.indexes), state)
	if !ok {
		return -1, []Diagnostic{{Severity: Warning, Code: tfckpt.CodeState, File: f.Name,
			Message: fmt.Sprintf("%s names %s as the latest checkpoint, but neither it nor an older one it lists was given; the latest checkpoint given was used.", f.Name, state.ModelCheckpointPath),
			Fix:     fmt.Sprintf("Drop %s.index and its .data-… files to use that checkpoint.", tfckpt.BaseName(state.ModelCheckpointPath))}}
	}
	i := l.indexNamed(s, p)
	if tfckpt.BaseName(state.ModelCheckpointPath) == path.Base(prefixOf(l.files[i].Name)) {
		return i, nil
	}
	return i, []Diagnostic{{Severity: Warning, Code: tfckpt.CodeState, File: f.Name,
		Message: fmt.Sprintf("%s names %s as the latest checkpoint, which was not given; %s, the newest it lists that was given, was used.", f.Name, tfckpt.BaseName(state.ModelCheckpointPath), path.Base(prefixOf(l.files[i].Name))),
		Fix:     fmt.Sprintf("Drop the files of %s to see the latest one.", tfckpt.BaseName(state.ModelCheckpointPath))}}
}

// highestStep returns the index file with the highest step number (the
// digits after the last '-' of the prefix: model.ckpt-6800), the first one
// when none has a number.
func (l *loader) highestStep(s *ckptSet) int {
	best, bestStep := s.indexes[0], int64(-1)
	for _, i := range s.indexes {
		if n := stepOf(l.files[i].Name); n > bestStep {
			best, bestStep = i, n
		}
	}
	return best
}

// stepOf returns the global step of a checkpoint file name, or -1.
func stepOf(name string) int64 {
	p := path.Base(prefixOf(name))
	k := strings.LastIndexByte(p, '-')
	if k < 0 {
		return -1
	}
	n, err := strconv.ParseInt(p[k+1:], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// open opens the chosen checkpoint once, with the data shards given; later
// calls return what the first found. It notes every other checkpoint given
// as unused and fills the report's tensor list.
func (l *loader) openCheckpoint(s *ckptSet, cfgName, ckPath string) *tfckpt.Checkpoint {
	if s.opened {
		return s.ck
	}
	s.opened = true
	i, diags := l.pickIndex(s, cfgName, ckPath)
	s.index, s.diags = i, diags
	var shards []tfckpt.File
	for _, j := range s.shards {
		shards = append(shards, ckptFile(l.files[j]))
	}
	ck, err := tfckpt.Open(ckptFile(l.files[i]), l.ownShards(s, i, shards))
	if err != nil {
		s.failed = true
		s.diags = append(s.diags, ckptDiag(err, Error))
		return nil
	}
	s.ck = ck
	for _, n := range ck.Notes() {
		s.diags = append(s.diags, noteDiag(l.files[i].Name, n, true))
	}
	l.noteOtherCheckpoints(s, i)
	for _, e := range ck.Entries() {
		t := TensorInfo{Name: e.Key, Dtype: e.DType.String(), Shape: e.Shape}
		if r := tfckpt.Readable(e.Key); r != e.Key {
			t.Readable = r
		}
		l.tensors = append(l.tensors, t)
	}
	return ck
}

// ownShards keeps the shards named after index i's prefix; when there is none,
// all are given (the reader pairs a lone shard of a one-shard bundle by
// position, with a note).
func (l *loader) ownShards(s *ckptSet, i int, all []tfckpt.File) []tfckpt.File {
	base := path.Base(prefixOf(l.files[i].Name))
	var own []tfckpt.File
	for _, f := range all {
		if stem, _, _, _ := tfckpt.ParseDataFilename(path.Base(f.Name)); stem == base {
			own = append(own, f)
		}
	}
	if len(own) == 0 && len(s.indexes) == 1 {
		return all
	}
	return own
}

// noteOtherCheckpoints says which checkpoints given were not read.
func (l *loader) noteOtherCheckpoints(s *ckptSet, used int) {
	for _, i := range s.indexes {
		if i != used {
			s.diags = append(s.diags, Diagnostic{Severity: Info, Code: CodeExtraFile, File: l.files[i].Name,
				Message: fmt.Sprintf("The checkpoint %s was not read: %s is the latest.", l.files[i].Name, l.files[used].Name)})
		}
	}
}
