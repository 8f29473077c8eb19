package parse

import "testing"

func TestClassify(t *testing.T) {
	npy := loadCase(t, "ok-npy-f4")[0].Data
	cases := []struct {
		name string
		data string
		want Kind
	}{
		{"vectors.tsv", "0.1\t0.2\n0.3\t0.4\n", KindTensorText},
		{"labels.tsv", "0.1\t0.2\n0.3\t0.4\n", KindTensorText}, // content, not name
		{"vectors.tsv", "cat\ndog\n", KindText},
		{"digits_labels.tsv", "0\n1\n2\n", KindText}, // single numeric column: labels
		{"words.vec", "the 0.1 0.2\nof 0.3 0.4\n", KindTensorText},
		{"emb.csv", "word,d0,d1\nhello,0.1,0.2\nworld,0.3,0.4\n", KindTensorText},
		{"meta.tsv", "name\tclass\nanna\tA\nbob\tB\n", KindText},
		{"t.bytes", "\x00\x00\x80\x3f\x00\x00\x00\x40", KindBinary},
		{"t.bytes", string(npy), KindNpy},
		{"x.png", "\x89PNG\r\n\x1a\n", KindImage},
		{"x.jpg", "\xff\xd8\xff\xe0", KindImage},
		{"projector_config.json", `{"embeddings": []}`, KindConfig},
		{"cfg.txt", "embeddings {\n tensor_path: \"a\"\n}\n", KindConfig},
		{"projector_config.pbtxt", "# empty\n", KindConfig},
		{"bookmarks.txt", `[{"label": "a"}]`, KindJSON},
		{"rows.json", `[[1, 2], [3, 4]]`, KindJSON},
		{"checkpoint", "model_checkpoint_path: \"model.ckpt-0\"\n", KindCheckpoint},
		{"model.ckpt-0.index", "\x00\x01", KindCheckpoint},
		{"events.out.tfevents.123.host", "\x00\x01", KindEvents},
		{"vectors.tsv", "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n", KindLFS},
		{"vectors.tsv", "\n  <!DOCTYPE html><html></html>", KindHTML},
		{"emb.npz", "PK\x03\x04", KindNpz},
		{"labels.tsv", "caf\xe9\nna\xefve\n", KindText}, // Latin-1 text is still text
	}
	for _, c := range cases {
		if got := Classify(File{Name: c.name, Data: []byte(c.data)}); got != c.want {
			t.Errorf("Classify(%s, %q) = %s, want %s", c.name, c.data[:min(len(c.data), 20)], got, c.want)
		}
	}
}
