package parse

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/embproj/projector/parse/tfckpt"
)

// ckptFixes is the fix sentence of each checkpoint reader code; "%s" is the
// file the error names.
var ckptFixes = map[string]string{
	tfckpt.CodeFormat:      "Give the checkpoint's PREFIX.index file (what tf.train.Checkpoint or tf.compat.v1.train.Saver writes); HDF5 (.h5), zip and pickle files are not TensorFlow checkpoints.",
	tfckpt.CodeCorrupt:     "The checkpoint is damaged: copy %s again from the machine that wrote it, or export the tensor to a TSV or .npy file.",
	tfckpt.CodeCRC:         "The bytes of %s differ from what TensorFlow wrote: copy it again (an interrupted or text-mode transfer changes bytes).",
	tfckpt.CodeTruncated:   "%s is cut short: copy it again completely and compare its size with the original.",
	tfckpt.CodeShardMiss:   "Add %s (it lies next to the .index file) and open them together.",
	tfckpt.CodeDType:       "Name a float tensor (DT_FLOAT, DT_DOUBLE, DT_HALF or DT_BFLOAT16) in tensor_name, or cast the variable to float32 before saving.",
	tfckpt.CodeNotFound:    "Correct tensor_name in the config to one of the checkpoint's tensors (projector validate lists them with their shapes).",
	tfckpt.CodeSlices:      "Give every data shard of the checkpoint, or save the variable unpartitioned.",
	tfckpt.CodeTooLarge:    "Export fewer rows of the tensor to a .npy file (numpy.save), or open it where more memory is allowed.",
	tfckpt.CodeV1:          "Save the checkpoint again in the V2 format (tf.compat.v1.train.Saver(write_version=tf.compat.v1.train.SaverDef.V2)), or export the tensor to a TSV or .npy file.",
	tfckpt.CodeVersion:     "This checkpoint needs a newer reader: export the tensor to a TSV or .npy file with the TensorFlow that wrote it.",
	tfckpt.CodeCompression: "Save the checkpoint again with TensorFlow (it writes uncompressed or snappy blocks), or export the tensor to a TSV or .npy file.",
	tfckpt.CodeState:       "Correct or delete %s; the checkpoint can also be named with model_checkpoint_path in the projector config.",
	tfckpt.CodeIO:          "Choose the files again: %s could not be read.",
}

// ckptDiag turns an error of the checkpoint reader into a Diagnostic with
// its code, file and byte offset, the reader's message and a fix.
func ckptDiag(err error, sev Severity) Diagnostic {
	var e *tfckpt.Error
	if !errors.As(err, &e) {
		return Diagnostic{Severity: sev, Code: tfckpt.CodeIO, Message: fmt.Sprintf("The checkpoint cannot be read: %v.", err), Fix: "Choose the files again."}
	}
	msg := e.Msg
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	fix := ckptFixes[e.Code]
	if strings.Contains(fix, "%s") {
		fix = fmt.Sprintf(fix, path.Base(e.File))
	}
	return Diagnostic{Severity: sev, Code: Code(e.Code), File: e.File, Offset: atOffset(e.Offset),
		Message: sentence(msg), Fix: fix}
}

// noteDiag turns a remark of the checkpoint reader into a Diagnostic: a
// conversion or byte swap (info, checkpoint-dtype), a reassembled
// partitioned variable (info, checkpoint-slices), data files a V1
// checkpoint does not use (info, extra-file), a shard paired by position
// (info, checkpoint-shard-missing) or an object graph that could not be read
// (warning, checkpoint-corrupt).
func noteDiag(file, note string, opening bool) Diagnostic {
	d := Diagnostic{Severity: Info, Code: tfckpt.CodeDType, File: file, Message: sentence(note)}
	switch {
	case strings.Contains(note, "partitioned"):
		d.Code = tfckpt.CodeSlices
	case strings.Contains(note, "data files given are not used"):
		d.Code = CodeExtraFile
	case strings.HasPrefix(note, "using "):
		d.Code = tfckpt.CodeShardMiss
	case opening:
		d.Severity, d.Code = Warning, tfckpt.CodeCorrupt
		d.Message = sentence(note + "; TF2 full names (like embed/embeddings:0) cannot be matched, keys still can")
	}
	return d
}
