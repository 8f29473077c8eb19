package parse

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Model file formats recognised by content (modelFormat).
const (
	modelHDF5       = "hdf5"
	modelTorchZip   = "torch-zip"
	modelKeras      = "keras"
	modelPickle     = "pickle"
	modelSavedGraph = "savedmodel"
)

var hdf5Magic = []byte("\x89HDF\r\n\x1a\n")

// modelFormat says whether f is a model file rather than data, by its content
// (HDF5 magic at 0 or 512, a zip holding a PyTorch data.pkl, a pickle stream)
// or, for a SavedModel graph and a .keras archive, by its name.
func modelFormat(f File) (string, bool) {
	data := f.Data
	lower := strings.ToLower(path.Base(f.Name))
	zipped := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	switch {
	case bytes.HasPrefix(data, hdf5Magic) || len(data) > 520 && bytes.HasPrefix(data[512:], hdf5Magic):
		return modelHDF5, true
	case zipped && bytes.Contains(data[:min(len(data), 4096)], []byte("data.pkl")):
		return modelTorchZip, true
	case zipped && strings.HasSuffix(lower, ".keras"):
		return modelKeras, true
	case looksPickle(data, lower):
		return modelPickle, true
	case lower == "saved_model.pb" || lower == "saved_model.pbtxt":
		return modelSavedGraph, true
	}
	return "", false
}

// pickleOpcodes are the opcodes that follow PROTO in real pickles (torch's
// legacy magic number, a dict, a global, a frame, a list, a mark, a string).
var pickleOpcodes = []byte{0x8a, 0x7d, 0x63, 0x95, 0x5d, 0x28, 0x8c, 0x43, 0x80}

// looksPickle reports whether data is a Python pickle (protocol 2 to 5): the
// PROTO opcode, a plausible next opcode, and a pickle-like name or a final
// STOP opcode (raw float32 may begin with 0x80 0x02 by chance).
func looksPickle(data []byte, lower string) bool {
	if len(data) < 3 || data[0] != 0x80 || data[1] < 2 || data[1] > 5 || bytes.IndexByte(pickleOpcodes, data[2]) < 0 {
		return false
	}
	for _, ext := range []string{".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin", ".tar"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return data[len(data)-1] == '.'
}

// explainModel says what a model file is and how to export embeddings from it.
func explainModel(f File) (what, how string) {
	format, _ := modelFormat(f)
	lower := strings.ToLower(path.Base(f.Name))
	const npSave = "Export the embedding matrix as a tensor file and drop that instead"
	switch format {
	case modelHDF5:
		what = "an HDF5 file (a Keras model or weights, or another HDF5 data set)"
		if strings.HasSuffix(lower, ".weights.h5") {
			what = "a Keras 3 weights file (HDF5)"
		} else if strings.Contains(lower, ".ckpt") {
			what = "an HDF5 file named like a TensorFlow checkpoint (Keras save_weights writes HDF5 when the name does not end in .index/.data)"
		}
		how = npSave + ": numpy.save(\"vectors.npy\", model.get_layer(\"embedding\").get_weights()[0]) after loading the model, or numpy.savetxt(\"vectors.tsv\", w, delimiter=\"\\t\")."
	case modelTorchZip, modelPickle:
		what = "a PyTorch file saved with torch.save (a zip holding a pickle)"
		if format == modelPickle {
			what = "a Python pickle (torch.save's legacy format, or pickle.dump)"
		}
		how = npSave + ": numpy.save(\"vectors.npy\", model.embedding.weight.detach().cpu().numpy()), or SummaryWriter().add_embedding(weights, metadata=labels) and drop the run folder."
	case modelKeras:
		what = "a Keras 3 .keras model archive"
		how = npSave + ": numpy.save(\"vectors.npy\", keras.models.load_model(path).get_layer(\"embedding\").get_weights()[0])."
	case modelSavedGraph:
		what = "a TensorFlow SavedModel graph (its variables are a checkpoint in variables/variables.index and .data-…)"
		how = npSave + ", or drop the SavedModel's variables/ folder with a projector config naming the tensor."
	default:
		what, how = "a model file", npSave+"."
	}
	return what, how
}

// checkpointAsTensor reports a checkpoint file where a tensor file is needed,
// with the byte arithmetic that shows what it holds.
func (l *loader) checkpointAsTensor(f File, h shapeHint) {
	size := f.size()
	lower := strings.ToLower(path.Base(f.Name))
	prefix := f.Name
	if i := strings.Index(prefix, ".data-"); i >= 0 {
		prefix = prefix[:i]
	}
	prefix = strings.TrimSuffix(prefix, ".index")
	var what string
	switch {
	case strings.Contains(lower, ".data-"):
		what = fmt.Sprintf("%s is a TensorFlow checkpoint data shard: every variable of the model (weights, biases, optimizer slots) back to back, without names or shapes. Its %d bytes are %d float32 values if all were float32", f.Name, size, size/4)
		if d := h.shape[1]; d > 0 {
			what += fmt.Sprintf("; / %d dimensions = %d rows", d, size/4/int64(d))
		} else if n := h.metaRows; n > 0 {
			what += fmt.Sprintf("; / %d metadata rows = %.1f values a row", n, float64(size/4)/float64(n))
		}
		what += ", but other variables share the file, so the numbers alone cannot say which bytes are the embedding."
	case strings.HasSuffix(lower, ".index"):
		what = fmt.Sprintf("%s is the index of a TensorFlow checkpoint (%d bytes of names, shapes and offsets), not the values.", f.Name, size)
	default:
		what = fmt.Sprintf("%s is a TensorFlow checkpoint file, not a tensor file.", f.Name)
	}
	l.r.errorf(CodeTensorCheckpoint, f.Name, 0,
		fmt.Sprintf("Name the variable in tensor_name instead of tensor_path, and give the checkpoint reader both %s.index and %s.data-00000-of-00001 (it needs the index to find the tensor); or export the tensor to a TSV or .npy file.", path.Base(prefix), path.Base(prefix)), "",
		"The config's tensor path names a checkpoint file. %s", what)
}
