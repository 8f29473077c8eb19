package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Config is a projector config (projector_config.json or projector_config.pbtxt).
type Config struct {
	Embeddings          []EmbeddingConfig `json:"embeddings"`
	ModelCheckpointPath string            `json:"modelCheckpointPath,omitempty"`
}

// EmbeddingConfig is one embedding of a Config. Paths are as written in the file.
type EmbeddingConfig struct {
	TensorName    string `json:"tensorName,omitempty"`
	TensorShape   []int  `json:"tensorShape,omitempty"` // [N, D]
	TensorPath    string `json:"tensorPath,omitempty"`
	MetadataPath  string `json:"metadataPath,omitempty"`
	BookmarksPath string `json:"bookmarksPath,omitempty"`
	Sprite        *struct {
		ImagePath      string `json:"imagePath,omitempty"`
		SingleImageDim []int  `json:"singleImageDim,omitempty"` // [width, height] in pixels
	} `json:"sprite,omitempty"`
}

// ConfigError locates a syntax error in a config file.
type ConfigError struct {
	Line, Column int
	Err          error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
}
func (e *ConfigError) Unwrap() error { return e.Err }

// ParseConfigJSON decodes a standalone projector_config.json.
func ParseConfigJSON(data []byte) (*Config, error) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	var raw struct {
		Embeddings []struct {
			EmbeddingConfig
			TensorShape []json.Number `json:"tensorShape"`
		} `json:"embeddings"`
		ModelCheckpointPath string `json:"modelCheckpointPath"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		off := int64(0)
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) {
			off = se.Offset
		} else if errors.As(err, &te) {
			off = te.Offset
		}
		off = min(max(off, 0), int64(len(data)))
		line := bytes.Count(data[:off], []byte{'\n'}) + 1
		col := int(off) - bytes.LastIndexByte(data[:off], '\n')
		return nil, &ConfigError{Line: line, Column: col, Err: err}
	}
	c := &Config{ModelCheckpointPath: raw.ModelCheckpointPath}
	for _, e := range raw.Embeddings {
		ec := e.EmbeddingConfig
		ec.TensorShape = nil
		for _, n := range e.TensorShape {
			f, err := n.Float64()
			if err != nil || f < 0 || f != float64(int(f)) {
				return nil, &ConfigError{Line: 0, Err: fmt.Errorf("tensorShape holds %q, not a size", n.String())}
			}
			ec.TensorShape = append(ec.TensorShape, int(f))
		}
		c.Embeddings = append(c.Embeddings, ec)
	}
	return c, nil
}

// pbField is one field of a protobuf text-format message.
type pbField struct {
	name  string
	value string // scalar value (strings unquoted)
	msg   *pbMsg // sub-message, or nil
	line  int
}

type pbMsg struct{ fields []pbField }

type pbLexer struct {
	s    string
	pos  int
	line int
}

func (l *pbLexer) errorf(format string, args ...any) error {
	col := l.pos - strings.LastIndexByte(l.s[:l.pos], '\n')
	return &ConfigError{Line: l.line, Column: col, Err: fmt.Errorf(format, args...)}
}

// token returns the next token: an identifier or number, a quoted string (unquoted,
// with quoted=true), or one of ":{}<>;,[]". "" at the end.
func (l *pbLexer) token() (tok string, quoted bool, err error) {
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == '\n':
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case c == '#':
			for l.pos < len(l.s) && l.s[l.pos] != '\n' {
				l.pos++
			}
		default:
			goto tok
		}
	}
	return "", false, nil
tok:
	c := l.s[l.pos]
	switch {
	case strings.IndexByte(":{}<>;,[]", c) >= 0:
		l.pos++
		return string(c), false, nil
	case c == '"' || c == '\'':
		start := l.pos
		l.pos++
		for l.pos < len(l.s) && l.s[l.pos] != c {
			if l.s[l.pos] == '\\' {
				l.pos++
			}
			if l.pos < len(l.s) && l.s[l.pos] == '\n' {
				return "", false, l.errorf("newline inside a string")
			}
			l.pos++
		}
		if l.pos >= len(l.s) {
			l.pos = start
			return "", false, l.errorf("unterminated string")
		}
		l.pos++
		raw := l.s[start:l.pos]
		if c == '\'' {
			raw = `"` + strings.ReplaceAll(raw[1:len(raw)-1], `"`, `\"`) + `"`
		}
		u, err := strconv.Unquote(raw)
		if err != nil {
			u = raw[1 : len(raw)-1]
		}
		return u, true, nil
	default:
		start := l.pos
		for l.pos < len(l.s) && (isIdent(l.s[l.pos])) {
			l.pos++
		}
		if l.pos == start {
			return "", false, l.errorf("unexpected character %q", c)
		}
		return l.s[start:l.pos], false, nil
	}
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c == '+' || c == '/' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// parseMsg reads fields until the closing brace (or the end when top is set).
func (l *pbLexer) parseMsg(top bool, depth int) (*pbMsg, error) {
	if depth > 20 {
		return nil, l.errorf("messages nested too deeply")
	}
	m := &pbMsg{}
	for {
		tok, quoted, err := l.token()
		if err != nil {
			return nil, err
		}
		switch {
		case tok == "" && !quoted:
			if !top {
				return nil, l.errorf("missing closing brace")
			}
			return m, nil
		case (tok == "}" || tok == ">") && !quoted:
			if top {
				return nil, l.errorf("unexpected %q", tok)
			}
			return m, nil
		case (tok == ";" || tok == ",") && !quoted:
			continue
		case quoted || !isIdent(tok[0]):
			return nil, l.errorf("expected a field name, found %q", tok)
		}
		f := pbField{name: tok, line: l.line}
		next, q, err := l.token()
		if err != nil {
			return nil, err
		}
		if next == ":" && !q {
			next, q, err = l.token()
			if err != nil {
				return nil, err
			}
		}
		switch {
		case (next == "{" || next == "<") && !q:
			sub, err := l.parseMsg(false, depth+1)
			if err != nil {
				return nil, err
			}
			f.msg = sub
		case next == "[" && !q:
			// Repeated scalar list: name: [1, 2]
			for {
				v, q2, err := l.token()
				if err != nil {
					return nil, err
				}
				if v == "]" && !q2 {
					break
				}
				if v == "" && !q2 {
					return nil, l.errorf("unterminated list")
				}
				if v == "," && !q2 {
					continue
				}
				m.fields = append(m.fields, pbField{name: tok, value: v, line: l.line})
			}
			continue
		case next == "" && !q:
			return nil, l.errorf("field %q has no value", tok)
		case !q && !isIdent(next[0]):
			return nil, l.errorf("field %q: unexpected %q", tok, next)
		default:
			f.value = next
		}
		m.fields = append(m.fields, f)
	}
}

// ParseConfigPbtxt decodes a TensorBoard projector_config.pbtxt (protobuf text format).
func ParseConfigPbtxt(data []byte) (*Config, error) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	l := &pbLexer{s: string(data), line: 1}
	top, err := l.parseMsg(true, 0)
	if err != nil {
		return nil, err
	}
	c := &Config{}
	atoi := func(f pbField) (int, error) {
		v, err := strconv.Atoi(f.value)
		if err != nil || v < 0 {
			return 0, &ConfigError{Line: f.line, Err: fmt.Errorf("%s holds %q, not a size", f.name, f.value)}
		}
		return v, nil
	}
	for _, f := range top.fields {
		switch f.name {
		case "model_checkpoint_path":
			c.ModelCheckpointPath = f.value
		case "embeddings":
			if f.msg == nil {
				return nil, &ConfigError{Line: f.line, Err: fmt.Errorf("embeddings is not a message")}
			}
			var e EmbeddingConfig
			for _, g := range f.msg.fields {
				switch g.name {
				case "tensor_name":
					e.TensorName = g.value
				case "tensor_path":
					e.TensorPath = g.value
				case "metadata_path":
					e.MetadataPath = g.value
				case "bookmarks_path":
					e.BookmarksPath = g.value
				case "tensor_shape":
					v, err := atoi(g)
					if err != nil {
						return nil, err
					}
					e.TensorShape = append(e.TensorShape, v)
				case "sprite":
					if g.msg == nil {
						return nil, &ConfigError{Line: g.line, Err: fmt.Errorf("sprite is not a message")}
					}
					e.Sprite = &struct {
						ImagePath      string `json:"imagePath,omitempty"`
						SingleImageDim []int  `json:"singleImageDim,omitempty"`
					}{}
					for _, s := range g.msg.fields {
						switch s.name {
						case "image_path":
							e.Sprite.ImagePath = s.value
						case "single_image_dim":
							v, err := atoi(s)
							if err != nil {
								return nil, err
							}
							e.Sprite.SingleImageDim = append(e.Sprite.SingleImageDim, v)
						}
					}
				}
			}
			c.Embeddings = append(c.Embeddings, e)
		}
	}
	return c, nil
}
