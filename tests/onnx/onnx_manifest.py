#!/usr/bin/env python3
"""Turn ONNX backend conformance tests into a manifest for the clshuffle driver, then run it.

Reads each selected test's model.onnx and test_data_set_*/{input,output}_*.pb
with the onnx module, and writes manifest.txt (one case per data set: the
node chain with its raw ONNX attributes, and tensor descriptors) and data.bin
(the tensors' raw little-endian bytes). The C driver (onnx_conformance) maps
each node onto clshuffle's public API and compares. Exit code 77 (ctest
SKIP_RETURN_CODE) when the data directory or the onnx module is missing.
"""
import argparse
import glob
import os
import subprocess
import sys

SKIP = 77

# (folder under the data directory, glob of test folders)
SELECTION = [
    ("node", "test_depthtospace_*"),
    ("node", "test_spacetodepth*"),
    ("node", "test_transpose_*"),
    ("pytorch-converted", "test_PixelShuffle"),
    ("node", "test_basic_conv_*"),
    ("node", "test_conv_with_*"),
    ("pytorch-converted", "test_Conv1d*"),
    ("pytorch-converted", "test_Conv2d*"),
    ("pytorch-converted", "test_Conv3d*"),
    ("pytorch-operator", "test_operator_conv"),
    ("node", "test_convtranspose*"),
    ("pytorch-converted", "test_ConvTranspose2d*"),
    ("pytorch-operator", "test_operator_convtranspose"),
]

# Ops the driver runs; Constant nodes are folded into the Reshape that reads them.
CHAIN_OPS = {"Reshape", "Transpose", "DepthToSpace", "SpaceToDepth", "Conv", "ConvTranspose"}

DTYPES = {  # numpy dtype name -> driver dtype name
    "float32": "f32", "float16": "f16", "float64": "f64", "int8": "i8", "uint8": "u8",
    "int16": "i16", "uint16": "u16", "int32": "i32", "uint32": "u32", "int64": "i64",
    "uint64": "u64", "bool": "u8",
}


class Unsupported(Exception):
    pass


def attr_text(onnx, attr):
    value = onnx.helper.get_attribute_value(attr)
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, int) for v in value):
            raise Unsupported("attribute %s is not a list of ints" % attr.name)
        return ",".join(str(v) for v in value) if value else "-"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    raise Unsupported("attribute %s of an unhandled type" % attr.name)


class Writer:
    def __init__(self, out_dir):
        self.blob_path = os.path.join(out_dir, "data.bin")
        self.blob = open(self.blob_path, "wb")
        self.offset = 0
        self.lines = ["# clshuffle onnx manifest v1", "blob " + self.blob_path]

    def tensor(self, np, role, array):
        name = DTYPES.get(array.dtype.name)
        if name is None:
            raise Unsupported("dtype %s" % array.dtype.name)
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        dims = " ".join(str(d) for d in array.shape)
        self.lines.append("tensor %s %s %d %s %d %d" % (role, name, array.ndim, dims,
                                                        self.offset, len(data)))
        self.blob.write(data)
        self.offset += len(data)


def chain_of(onnx, numpy_helper, model):
    """The model as a linear chain of nodes over one data input, or Unsupported."""
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    data_inputs = [i.name for i in g.input if i.name not in consts]
    steps, current, first = [], None, None
    for node in g.node:
        if node.op_type == "Constant":
            consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            continue
        if node.op_type not in CHAIN_OPS:
            raise Unsupported("op %s" % node.op_type)
        if current is None:
            current = first = node.input[0]
            if current not in data_inputs:
                raise Unsupported("first node does not read a graph input")
        elif node.input[0] != current:
            raise Unsupported("graph is not a chain")
        attrs = [(a.name, attr_text(onnx, a)) for a in node.attribute]
        extra = []
        for role, name in zip(("w", "b"), node.input[1:]):
            if node.op_type == "Reshape":
                if name not in consts:
                    raise Unsupported("Reshape with a computed shape")
                attrs.append(("shape", ",".join(str(int(v)) for v in consts[name])))
            elif name:
                extra.append((role, name))
        steps.append((node.op_type, attrs, extra))
        current = node.output[0]
    if len(g.output) != 1 or g.output[0].name != current:
        raise Unsupported("graph output is not the chain's end")
    return steps, first, data_inputs, consts


def emit_case(onnx, numpy_helper, np, writer, name, test_dir):
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    steps, x_name, data_inputs, consts = chain_of(onnx, numpy_helper, model)
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not sets:
        raise Unsupported("no test_data_set")
    group = ">".join(s[0] for s in steps)
    for k, ds in enumerate(sets):
        feeds = {}
        for i, input_name in enumerate(data_inputs):
            tp = onnx.TensorProto()
            with open(os.path.join(ds, "input_%d.pb" % i), "rb") as f:
                tp.ParseFromString(f.read())
            feeds[input_name] = numpy_helper.to_array(tp)
        tp = onnx.TensorProto()
        with open(os.path.join(ds, "output_0.pb"), "rb") as f:
            tp.ParseFromString(f.read())
        expected = numpy_helper.to_array(tp)
        case_name = name if len(sets) == 1 else "%s[%d]" % (name, k)
        writer.lines.append("case %s %s" % (case_name, group))
        writer.tensor(np, "x", feeds[x_name])
        for op, attrs, extra in steps:
            writer.lines.append("step %s %s" % (op, " ".join("%s=%s" % a for a in attrs)))
            for role, tname in extra:
                arr = feeds.get(tname, consts.get(tname))
                if arr is None:
                    raise Unsupported("input %s has no data" % tname)
                writer.tensor(np, role, arr)
        writer.tensor(np, "y", expected)
        writer.lines.append("end")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="ONNX test data directory (.../data)")
    ap.add_argument("--out", required=True, help="directory for manifest.txt and data.bin")
    ap.add_argument("driver", nargs=argparse.REMAINDER, help="driver command to run after")
    args = ap.parse_args()

    if not os.path.isdir(os.path.join(args.data, "node")):
        print("onnx: SKIP: no ONNX test data at %s (Debian: libonnx-testdata)" % args.data)
        return SKIP
    try:
        import numpy as np
        import onnx
        from onnx import numpy_helper
    except ImportError as e:
        print("onnx: SKIP: %s cannot import onnx (%s; Debian: python3-onnx)"
              % (sys.executable, e))
        return SKIP

    os.makedirs(args.out, exist_ok=True)
    writer = Writer(args.out)
    found = 0
    for folder, pattern in SELECTION:
        for test_dir in sorted(glob.glob(os.path.join(args.data, folder, pattern))):
            found += 1
            name = "%s/%s" % (folder, os.path.basename(test_dir))
            try:
                emit_case(onnx, numpy_helper, np, writer, name, test_dir)
            except Unsupported as e:
                # Drop the partial case: the lines after its "case" line.
                while writer.lines and not writer.lines[-1].startswith(("end", "unsupported", "blob")):
                    writer.lines.pop()
                writer.lines.append("unsupported %s %s" % (name, e))
    writer.blob.close()
    if found == 0:
        print("onnx: FAIL: %s has none of the selected tests" % args.data)
        return 1
    manifest = os.path.join(args.out, "manifest.txt")
    with open(manifest, "w") as f:
        f.write("\n".join(writer.lines) + "\n")
    print("onnx: %d test folders -> %s" % (found, manifest))
    sys.stdout.flush()
    if args.driver:
        return subprocess.call(args.driver + [manifest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
