package parse

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// configSource offers one candidate per embedding of the projector config
// nearest the top of the files (projector_config.json or .pbtxt).
type configSource struct{}

func (configSource) offer(l *loader, _ []*candidate) []*candidate {
	ci := l.nearestConfig()
	if ci < 0 {
		return nil
	}
	cfg := l.readConfig(l.files[ci])
	if cfg == nil {
		return nil
	}
	out := make([]*candidate, len(cfg.Embeddings))
	for i := range cfg.Embeddings {
		out[i] = l.configCandidate(l.files[ci].Name, cfg, i)
	}
	return out
}

// nearestConfig returns the index of the config nearest the top of the folder
// (-1 when there is none) and notes every other config as an extra file.
func (l *loader) nearestConfig() int {
	ci := -1
	for i, k := range l.kinds {
		if k == KindConfig && (ci < 0 || strings.Count(l.files[i].Name, "/") < strings.Count(l.files[ci].Name, "/")) {
			ci = i
		}
	}
	for i, k := range l.kinds {
		if k == KindConfig && i != ci {
			l.r.infof(CodeExtraFile, l.files[i].Name, 0, "%s was not used: %s is the config nearest the top of the folder.", l.files[i].Name, l.files[ci].Name)
		}
	}
	return ci
}

// readConfig parses a config file; it reports config-syntax and returns nil
// when the file cannot be read or lists no embeddings.
func (l *loader) readConfig(cf File) *Config {
	var cfg *Config
	var err error
	if strings.HasSuffix(strings.ToLower(cf.Name), ".json") || bytes.HasPrefix(bytes.TrimLeft(cf.Data, " \t\r\n\xef\xbb\xbf"), []byte("{")) {
		cfg, err = ParseConfigJSON(cf.Data)
	} else {
		cfg, err = ParseConfigPbtxt(cf.Data)
	}
	if err != nil {
		d := l.r.add(Diagnostic{Severity: Error, Code: CodeConfigSyntax, File: cf.Name, Message: fmt.Sprintf("%s cannot be read: %v.", cf.Name, err), Fix: "Correct the config, or drop the tensor and metadata files without it."})
		if ce, ok := err.(*ConfigError); ok {
			d.Line, d.Column = ce.Line, ce.Column
		}
		return nil
	}
	if len(cfg.Embeddings) == 0 {
		l.r.errorf(CodeConfigSyntax, cf.Name, 0, "", "", "%s lists no embeddings.", cf.Name)
		return nil
	}
	return cfg
}

// configCandidate resolves embedding i of cfg (read from cfgName) to files.
func (l *loader) configCandidate(cfgName string, cfg *Config, i int) *candidate {
	e := cfg.Embeddings[i]
	name := e.TensorName
	if name == "" {
		name = fmt.Sprintf("embedding %d", i+1)
	}
	c := newCandidate(name, "config")
	c.byContent = true
	dir := path.Dir(cfgName)
	switch len(e.TensorShape) {
	case 0:
	case 2:
		c.shape = [2]int{e.TensorShape[0], e.TensorShape[1]}
	default:
		c.note(Diagnostic{Severity: Warning, Code: CodeShapeMismatch, File: cfgName,
			Message: fmt.Sprintf("tensorShape in %s has %d numbers; it needs two, [N, D]. It was ignored.", cfgName, len(e.TensorShape))})
	}
	if e.MetadataPath != "" {
		c.metadata = l.resolve(c.note, cfgName, dir, "metadataPath", e.MetadataPath, false)
	}
	if e.TensorPath != "" {
		c.tensor = l.resolve(c.note, cfgName, dir, "tensorPath", e.TensorPath, true)
	} else {
		l.tensorWithoutPath(c, cfgName, cfg, e)
	}
	if e.BookmarksPath != "" {
		c.bookmarks = l.resolve(c.note, cfgName, dir, "bookmarksPath", e.BookmarksPath, false)
	}
	if e.Sprite != nil && e.Sprite.ImagePath != "" {
		c.sprite = l.resolve(c.note, cfgName, dir, "sprite.imagePath", e.Sprite.ImagePath, false)
		c.cellDim = e.Sprite.SingleImageDim
	}
	return c
}

// tensorWithoutPath finds the vectors of an embedding that has no tensor path:
// a tensor file given with the config and named by none of its paths, or else
// the checkpoint the config's tensor_name lives in.
func (l *loader) tensorWithoutPath(c *candidate, cfgName string, cfg *Config, e EmbeddingConfig) {
	if i := l.looseTensor(cfg, c.metadata); i >= 0 {
		c.tensor = i
		c.note(Diagnostic{Severity: Info, Code: CodeConfigNoTensor, File: cfgName,
			Message: fmt.Sprintf("Embedding %q of %s has no tensor path; %s, the tensor file given with it, was used.", c.name, cfgName, l.files[i].Name)})
		return
	}
	l.checkpointTensor(c, cfgName, cfg.ModelCheckpointPath, e.TensorName)
}

// looseTensor returns the most likely tensor file (by content) that no path of
// cfg names and that is not the file skip, or -1.
func (l *loader) looseTensor(cfg *Config, skip int) int {
	named := map[string]bool{}
	for _, e := range cfg.Embeddings {
		for _, p := range []string{e.TensorPath, e.MetadataPath, e.BookmarksPath} {
			if p != "" {
				named[path.Base(strings.ReplaceAll(p, "\\", "/"))] = true
			}
		}
	}
	best := -1
	for i, k := range l.kinds {
		if i == skip || tensorRank(k) == 0 || named[path.Base(l.files[i].Name)] {
			continue
		}
		if best < 0 || tensorRank(k) > tensorRank(l.kinds[best]) || tensorRank(k) == tensorRank(l.kinds[best]) && l.files[i].size() > l.files[best].size() {
			best = i
		}
	}
	return best
}

// resolve finds the file a config path names: relative to the config's folder,
// then by base name (for URLs and absolute paths from another machine). It
// reports config-url or config-missing-file; required paths make them errors.
func (l *loader) resolve(report func(Diagnostic), cfgName, dir, field, p string, required bool) int {
	find := func(name string) int {
		for i, f := range l.files {
			if f.Name == name {
				return i
			}
		}
		return -1
	}
	findBase := func(base string) int {
		for i, f := range l.files {
			if path.Base(f.Name) == base {
				return i
			}
		}
		return -1
	}
	sev := Warning
	if required {
		sev = Error
	}
	low := strings.ToLower(p)
	if strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "https://") {
		u, err := url.Parse(p)
		base := path.Base(p)
		if err == nil {
			base = path.Base(u.Path)
		}
		if i := findBase(base); i >= 0 {
			report(Diagnostic{Severity: Info, Code: CodeConfigURL, File: cfgName, Message: fmt.Sprintf("%s of %s is a URL (%s); the dropped file %s was used instead (nothing is downloaded).", field, cfgName, p, l.files[i].Name)})
			return i
		}
		report(Diagnostic{Severity: sev, Code: CodeConfigURL, File: cfgName,
			Message: fmt.Sprintf("%s of %s is a URL (%s). This projector never downloads anything: drop %s together with the config.", field, cfgName, p, base),
			Fix:     fmt.Sprintf("Download %s and drop it with the config.", base)})
		return -1
	}
	clean := p
	if u, err := url.PathUnescape(p); err == nil {
		clean = u
	}
	clean = strings.ReplaceAll(clean, "\\", "/")
	abs := strings.HasPrefix(clean, "/") || len(clean) > 2 && clean[1] == ':' && clean[2] == '/'
	if !abs {
		if i := find(path.Join(dir, clean)); i >= 0 {
			return i
		}
		if i := find(path.Clean(clean)); i >= 0 {
			return i
		}
	}
	if i := findBase(path.Base(clean)); i >= 0 {
		report(Diagnostic{Severity: Info, Code: CodeConfigMissingFile, File: cfgName, Message: fmt.Sprintf("%s of %s is %s, which is not next to the config; the dropped file %s was used.", field, cfgName, p, l.files[i].Name)})
		return i
	}
	var names []string
	for _, f := range l.files {
		names = append(names, f.Name)
	}
	msg := fmt.Sprintf("%s of %s names %s, which is not among the files given (%s).", field, cfgName, p, strings.Join(names, ", "))
	if abs {
		msg = fmt.Sprintf("%s of %s is the absolute path %s (from the machine that wrote the config); drop that file too.", field, cfgName, p)
	}
	report(Diagnostic{Severity: sev, Code: CodeConfigMissingFile, File: cfgName, Message: msg, Fix: fmt.Sprintf("Drop %s together with the config (or the whole folder).", path.Base(clean))})
	return -1
}
