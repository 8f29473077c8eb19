package parse

import (
	"path"
	"regexp"
)

// pytorchSource offers the folders SummaryWriter.add_embedding writes
// (NNNNN/<tag>/tensors.tsv, with metadata.tsv and sprite.png beside it, one
// per step and tag) that no earlier candidate uses: PyTorch rewrites
// projector_config.pbtxt per writer, so a run folder often holds steps its
// config no longer lists. Each is named as PyTorch names it, "<tag>:<step>".
type pytorchSource struct{}

var pytorchStep = regexp.MustCompile(`(?:^|/)(\d{5})/([^/]+)/tensors\.tsv$`)

func (pytorchSource) offer(l *loader, prev []*candidate) []*candidate {
	used := map[int]bool{}
	for _, c := range prev {
		used[c.tensor] = true
	}
	var out []*candidate
	for i, f := range l.files {
		m := pytorchStep.FindStringSubmatch(f.Name)
		if m == nil || used[i] {
			continue
		}
		dir := path.Dir(f.Name)
		c := newCandidate(m[2]+":"+m[1], "pytorch")
		c.tensor = i
		c.metadata = l.fileNamed(dir + "/metadata.tsv")
		c.sprite = l.fileNamed(dir + "/sprite.png")
		out = append(out, c)
	}
	return out
}

// fileNamed returns the index of the file called name, or -1.
func (l *loader) fileNamed(name string) int {
	for i, f := range l.files {
		if f.Name == name {
			return i
		}
	}
	return -1
}
