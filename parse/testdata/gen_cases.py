#!/usr/bin/env python3
"""Recipe for parse/testdata/cases: one folder per situation, named after its defect
(or ok-* for a near miss that must NOT produce the code). Every file is small enough
to check by hand; load_test.go's table says what Load must report for each folder.

Run from parse/testdata:  python3 gen_cases.py
The .npy fixtures are written by numpy itself (numpy.save / numpy.savez*), so the
reader is cross-checked against what numpy writes; without numpy they are skipped.
"""
import gzip, io, json, os, shutil, struct, zipfile

ROOT = "cases"
T3 = "0.1\t0.2\n0.3\t0.4\n0.5\t0.6\n"          # 3 vectors of 2 dims
BYTES_3x2 = struct.pack("<6f", 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def w(case, name, data):
    p = os.path.join(ROOT, case, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(p, "wb") as f:
        f.write(data)


def cfg(embeddings):
    return json.dumps({"embeddings": embeddings}, indent=2)


shutil.rmtree(ROOT, ignore_errors=True)

# --- TensorBoard TSV + metadata rules -------------------------------------------
w("ok-tsv-single-column", "tensors.tsv", T3)
w("ok-tsv-single-column", "labels.tsv", "a\nb\nc\n")
w("ok-single-column-first-label-is-label", "tensors.tsv", T3)
w("ok-single-column-first-label-is-label", "labels.tsv", "label\nb\nc\n")
w("metadata-header-single-column", "tensors.tsv", T3)
w("metadata-header-single-column", "labels.tsv", "label\na\nb\nc\n")
w("delimiter-metadata-csv", "tensors.tsv", T3)
w("delimiter-metadata-csv", "meta.csv", 'name,score\na,1\n"b, c",2\nd,3\n')
w("ok-multi-column-header", "tensors.tsv", T3)
w("ok-multi-column-header", "meta.tsv", "name\tn\na\t1\nb\t2\nc\t3\n")
w("metadata-header-missing", "tensors.tsv", T3)
w("metadata-header-missing", "meta.tsv", "a\t1\nb\t2\nc\t3\n")
w("tensor-header-row-numbers", "tensors.tsv", "0\t1\n" + T3)
w("tensor-header-row-numbers", "labels.tsv", "a\nb\nc\n")
w("ok-first-vector-0-1", "tensors.tsv", "0\t1\n" + T3)
w("ok-first-vector-0-1", "labels.tsv", "a\nb\nc\nd\n")
w("tensor-header-row-names", "tensors.tsv", "x\ty\n" + T3)
w("tensor-label-column", "vectors.tsv", "cat\t0.1\t0.2\ndog\t0.3\t0.4\nfish\t0.5\t0.6\n")
w("index-column", "vectors.tsv", "0\t0.5\t0.1\n1\t0.2\t0.7\n2\t0.9\t0.3\n3\t0.4\t0.4\n")
w("ok-first-column-not-index", "vectors.tsv", "0\t0.5\t0.1\n1\t0.2\t0.7\n3\t0.9\t0.3\n3\t0.4\t0.4\n")
w("blank-line-metadata", "tensors.tsv", T3)
w("blank-line-metadata", "labels.tsv", "a\n\nc\n")
w("blank-line-tensor", "tensors.tsv", "0.1\t0.2\n\n0.3\t0.4\n0.5\t0.6\n")
w("ok-trailing-newline-only", "tensors.tsv", T3)
w("ok-trailing-newline-only", "labels.tsv", "a\nb\nc")
w("blank-line-trailing", "tensors.tsv", T3)
w("blank-line-trailing", "labels.tsv", "a\nb\nc\n\n\n")
w("count-mismatch-blank-lines", "tensors.tsv", T3)
w("count-mismatch-blank-lines", "labels.tsv", "a\n\nb\nc\n")
w("count-mismatch", "tensors.tsv", T3)
w("count-mismatch", "labels.tsv", "a\nb\nc\nd\ne\n")
w("count-mismatch-pad-row", "tensors.tsv", T3)
w("count-mismatch-pad-row", "vocab.tsv", "<pad>\na\nb\nc\n")
w("count-mismatch-zero-first-row", "tensors.tsv", "0\t0\n" + T3)
w("count-mismatch-zero-first-row", "vocab.tsv", "a\nb\nc\n")
w("count-mismatch-no-final-newline", "tensors.tsv", T3 + "0.7\t0.8")
w("count-mismatch-no-final-newline", "labels.tsv", "a\nb\nc\n")
w("delimiter-comma", "vectors.csv", "0.1,0.2\n0.3,0.4\n0.5,0.6\n")
w("delimiter-semicolon", "vectors.txt", "0.1;0.2\n0.3;0.4\n0.5;0.6\n")
w("delimiter-spaces", "vectors.txt", "0.1  0.2\n 0.3 0.4\n0.5   0.6\n")
w("ragged-row", "vectors.tsv", "0.1\t0.2\n0.3\t0.4\t0.9\n0.5\t0.6\n")
w("non-numeric", "vectors.tsv", "0.1\t0.2\n0.3\tabc\n0.5\t0.6\n")
w("non-numeric-decimal-comma", "vectors.tsv", "0,1\t0,2\n0,3\t0,4\n0,5\t0,6\n")
w("non-finite", "vectors.tsv", "0.1\t0.2\nNaN\t0.4\n0.5\tinf\n")
w("non-finite-overflow", "vectors.tsv", "0.1\t0.2\n1e39\t0.4\n0.5\t0.6\n")
w("ok-large-finite", "vectors.tsv", "0.1\t0.2\n3e38\t0.4\n0.5\t0.6\n")
w("zero-vector", "vectors.tsv", "0.1\t0.2\n0\t0\n0.5\t0.6\n")
w("ok-one-zero-value", "vectors.tsv", "0.1\t0.2\n0\t0.1\n0.5\t0.6\n")
w("encoding-latin1", "tensors.tsv", T3)
w("encoding-latin1", "labels.tsv", b"caf\xe9\nna\xefve\nb\n")
w("ok-utf8-bom-crlf-nel", "tensors.tsv", T3)
w("ok-utf8-bom-crlf-nel", "labels.tsv", b"\xef\xbb\xbfcaf\xc3\xa9\r\n\xc2\x85\r\nb\r\n")
w("encoding-utf16", "tensors.tsv", T3)
w("encoding-utf16", "labels.tsv", "a\nb\nc\n".encode("utf-16"))
w("lfs-pointer", "vectors.tsv", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
w("lfs-pointer-with-labels", "vectors.tsv", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
w("lfs-pointer-with-labels", "labels.tsv", "a\nb\nc\n")
w("lfs-pointer-sprite-still-loads", "projector_config.json", cfg([{"tensorName": "t", "tensorPath": "t.tsv", "sprite": {"imagePath": "s.png", "singleImageDim": [8, 8]}}]))
w("lfs-pointer-sprite-still-loads", "t.tsv", T3)
w("lfs-pointer-sprite-still-loads", "s.png", "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 99\n")
w("html-page", "vectors.tsv", "<!DOCTYPE html>\n<html><head><title>vectors.tsv at main</title></head><body>0.1\t0.2</body></html>\n")
w("word2vec-header", "vectors.vec", "3 2\nthe 0.1 0.2\nof 0.3 0.4\nand 0.5 0.6\n")
w("word2vec-header-wrong-count", "vectors.vec", "5 2\nthe 0.1 0.2\nof 0.3 0.4\nand 0.5 0.6\n")
w("ok-word2vec-no-header", "vectors.vec", "the 0.1 0.2\nof 0.3 0.4\nand 0.5 0.6\n")
w("ok-two-dims-first-row-ints", "vectors.txt", "3 2\n1 0.4\n0.5 0.6\n")
w("files-swapped", "labels.tsv", T3)
w("files-swapped", "tensors.tsv", "a\nb\nc\n")
w("ok-numeric-metadata-wider-than-tensor", "a.tsv", "name\tx\ty\tz\tw\na\t1\t2\t3\t4\nb\t5\t6\t7\t8\nc\t1\t1\t1\t1\n")
w("ok-numeric-metadata-wider-than-tensor", "b.tsv", T3)
w("ok-numeric-labels", "tensors.tsv", T3)
w("ok-numeric-labels", "labels.tsv", "1\n2\n3\n")
w("files-swapped-config", "projector_config.json", cfg([{"tensorName": "t", "tensorPath": "vecs.tsv", "metadataPath": "meta.tsv"}]))
w("files-swapped-config", "meta.tsv", T3)
w("files-swapped-config", "vecs.tsv", "a\nb\nc\n")

# --- CSV with header (pandas) ----------------------------------------------------
w("csv-pandas-index", "emb.csv", ",text,label,0,1\n0,hello,1,0.1,0.2\n1,world,0,0.3,0.4\n2,\"a, b\",1,0.5,0.6\n")
w("csv-list-column", "emb.csv", "text,embedding\nhello,\"[0.1, 0.2]\"\nworld,\"[0.3, 0.4]\"\nfoo,\"[0.5, 0.6]\"\n")
w("csv-header", "emb.csv", "word,d0,d1\nhello,0.1,0.2\nworld,0.3,0.4\nfoo,0.5,0.6\n")

# --- JSON rows -----------------------------------------------------------------
w("ok-json-rows", "rows.json", '[[0.1, 0.2, "a"], [0.3, 0.4, "b"], [0.5, 0.6, "c"]]')
w("ok-jsonl-objects", "emb.jsonl", '{"text": "a", "embedding": [0.1, 0.2]}\n{"text": "b", "embedding": [0.3, 0.4]}\n{"text": "c", "embedding": [0.5, 0.6]}\n')
w("ragged-row-json", "rows.json", '[[0.1, 0.2], [0.3], [0.5, 0.6]]')

# --- .bytes ----------------------------------------------------------------------
w("ok-bytes-metadata", "t.bytes", BYTES_3x2)
w("ok-bytes-metadata", "labels.tsv", "a\nb\nc\n")
w("bytes-size", "t.bytes", BYTES_3x2[:-2])
w("bytes-size", "labels.tsv", "a\nb\nc\n")
w("bytes-size-rows", "t.bytes", BYTES_3x2)
w("bytes-size-rows", "labels.tsv", "a\nb\nc\nd\ne\n")
w("bytes-size-header", "t.bytes", BYTES_3x2)
w("bytes-size-header", "labels.tsv", "label\na\nb\nc\n")
w("bytes-dtype-float64", "t.bytes", struct.pack("<6d", 0.1, 0.2, 0.3, 0.4, 0.5, 0.6))
w("bytes-dtype-float64", "projector_config.json", cfg([{"tensorName": "t", "tensorShape": [3, 2], "tensorPath": "t.bytes"}]))
w("ok-bytes-config", "t.bytes", BYTES_3x2)
w("ok-bytes-config", "projector_config.json", cfg([{"tensorName": "t", "tensorShape": [3, 2], "tensorPath": "t.bytes", "metadataPath": "l.tsv"}]))
w("ok-bytes-config", "l.tsv", "a\nb\nc\n")
w("shape-mismatch-transposed", "t.bytes", BYTES_3x2)
w("shape-mismatch-transposed", "projector_config.json", cfg([{"tensorName": "t", "tensorShape": [2, 3], "tensorPath": "t.bytes", "metadataPath": "l.tsv"}]))
w("shape-mismatch-transposed", "l.tsv", "a\nb\nc\n")
w("shape-mismatch", "t.bytes", BYTES_3x2)
w("shape-mismatch", "projector_config.json", cfg([{"tensorName": "t", "tensorShape": [1000, 50], "tensorPath": "t.bytes"}]))
w("shape-mismatch-tsv", "t.tsv", T3)
w("shape-mismatch-tsv", "projector_config.json", cfg([{"tensorName": "t", "tensorShape": [1000, 50], "tensorPath": "t.tsv"}]))
w("shape-missing", "t.bytes", BYTES_3x2)

# --- configs ---------------------------------------------------------------------
w("config-syntax", "projector_config.json", '{"embeddings": [{"tensorPath": "t.tsv",}]}')
w("config-syntax", "t.tsv", T3)
w("config-syntax-pbtxt", "projector_config.pbtxt", 'embeddings {\n  tensor_path: "t.tsv"\n')
w("config-syntax-pbtxt", "t.tsv", T3)
w("config-missing-file", "projector_config.json", cfg([{"tensorName": "t", "tensorPath": "missing.tsv"}]))
w("config-missing-file", "other.tsv", T3)
w("config-url", "projector_config.json", cfg([{"tensorName": "t", "tensorPath": "https://example.org/data/t.tsv"}]))
w("ok-config-url-with-file", "projector_config.json", cfg([{"tensorName": "t", "tensorPath": "https://example.org/data/t.tsv?raw=true"}]))
w("ok-config-url-with-file", "t.tsv", T3)
w("checkpoint-not-given", "projector_config.pbtxt", 'embeddings {\n  tensor_name: "embedding/weights"\n  metadata_path: "vocab.tsv"\n}\nmodel_checkpoint_path: "model.ckpt-0"\n')
w("checkpoint-not-given", "vocab.tsv", "a\nb\nc\n")
w("ok-pbtxt-logdir", "logs/projector_config.pbtxt",
  '# written by TensorBoard\nembeddings {\n  tensor_name: "emb"\n  tensor_path: "00000/default/tensors.tsv"\n  metadata_path: "00000/default/metadata.tsv"\n  tensor_shape: 3\n  tensor_shape: 2\n}\n')
w("ok-pbtxt-logdir", "logs/00000/default/tensors.tsv", T3)
w("ok-pbtxt-logdir", "logs/00000/default/metadata.tsv", "a\nb\nc\n")
w("ok-config-two-embeddings", "projector_config.json",
  cfg([{"tensorName": "first", "tensorPath": "a.tsv"}, {"tensorName": "second", "tensorPath": "b.tsv", "metadataPath": "l.tsv"}]))
w("ok-config-two-embeddings", "a.tsv", T3)
w("ok-config-two-embeddings", "b.tsv", "1\t2\t3\n4\t5\t6\n")
w("ok-config-two-embeddings", "l.tsv", "x\ny\n")

# --- compressed and archived -----------------------------------------------------
w("ok-gzip", "vectors.tsv.gz", gzip.compress(T3.encode()))
w("ok-gzip-misnamed", "vectors.dat", gzip.compress(T3.encode()))
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("run/projector_config.json", cfg([{"tensorName": "t", "tensorPath": "t.bytes", "metadataPath": "l.tsv", "tensorShape": [3, 2]}]))
    z.writestr("run/t.bytes", BYTES_3x2)
    z.writestr("run/l.tsv", "a\nb\nc\n")
w("ok-zip-folder", "run.zip", buf.getvalue())

# --- numpy (written by numpy itself) ---------------------------------------------
try:
    import numpy as np
except ImportError:
    np = None
if np is not None:
    a = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])

    def npy(case, name, arr):
        b = io.BytesIO()
        np.save(b, arr)
        w(case, name, b.getvalue())

    npy("ok-npy-f4", "emb.npy", a.astype("<f4"))
    npy("ok-npy-f8-big-endian", "emb.npy", a.astype(">f8"))
    npy("ok-npy-f2", "emb.npy", a.astype("<f2"))
    npy("ok-npy-fortran", "emb.npy", np.asfortranarray(a.astype("<f4")))
    npy("ok-npy-int", "emb.npy", np.array([[1, 2], [3, 4], [5, 6]], dtype="<i8"))
    npy("dtype-unsupported", "emb.npy", a.astype("<c8"))
    b = io.BytesIO()
    np.save(b, a.astype("<f4"))
    w("npy-header-truncated", "emb.npy", b.getvalue()[:-5])
    w("npy-header-broken", "emb.npy", b.getvalue()[:10] + b"{'descr': '<f4', 'fortran_order': False, 'shape': (3, x), }".ljust(117) + b"\n" + b.getvalue()[128:])
    w("bytes-dtype-npy-as-bytes", "t.bytes", b.getvalue())
    b = io.BytesIO()
    np.savez(b, emb=a.astype("<f4"), ids=np.arange(3))
    w("ok-npz-stored", "emb.npz", b.getvalue())
    b = io.BytesIO()
    np.savez_compressed(b, emb=a.astype("<f4"))
    w("ok-npz-deflated", "emb.npz", b.getvalue())
else:
    print("numpy missing: .npy fixtures not written")
