"""Torch's own answers for every op and form of API.md's op set, as golden cases.

Each form below becomes up to two programs in the conformance-case format
(../shared/reference/README.md), answered by ../shared/reference/refimpl.py on real torch:

  <name>          the op on float leaves with fixed pseudo-random values, a backward with a
                  random seed gradient, and "graph": true, so that values, dtypes, grad_fn
                  names, the backward graph and every leaf's .grad are torch's;
  <name>.second   for float results: g = grad(sum(y * w), leaves, create_graph=True), then
                  h = grad(sum(g * u), leaves, allow_unused=True): second derivatives, and the
                  grad_fn torch gives each g (TanhBackwardBackward0, ...). Dropped where torch
                  itself refuses (a gradient that is constant).

The cases land in Tests/Fixtures/cases/ and are checked in; the Swift suite runs them in
process (AutogradProgramTests) without torch. Regenerate after changing a form:

    VENV/bin/python Tests/Fixtures/generate.py [../shared/reference]

(VENV has torch numpy orjson; the argument defaults to ../shared/reference beside the package.)
"""
import json
import math
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "reference")
sys.path.insert(0, os.path.abspath(REFERENCE))
import refimpl  # noqa: E402

OUT = os.path.join(HERE, "cases")

# ---------------------------------------------------------------- inputs

DOMAINS = {  # name -> value generator over a random.Random
    "any": lambda r: round(r.uniform(-2, 2), 2) or 0.5,
    "pos": lambda r: round(r.uniform(0.3, 2.5), 2),
    "unit": lambda r: round(r.uniform(0.05, 0.95), 2),
    "small": lambda r: round(r.uniform(-1.2, 1.2), 2) or 0.25,
    "away": lambda r: round(r.choice([-1, 1]) * r.uniform(0.2, 2), 2),   # away from kinks at 0
}


def nested(shape, values):
    if not shape:
        return next(values)
    return [nested(shape[1:], values) for _ in range(shape[0])]


def numel(shape):
    return math.prod(shape)


class Leaf:
    """A float leaf that requires grad: tensor(data) of `shape`, seen through `view`
    (an inline op over the leaf's name: a transpose or an expand makes it non-contiguous)."""

    def __init__(self, shape, dom="any", view=None, grad=True, data=None):
        self.shape, self.dom, self.view, self.grad, self.data = shape, dom, view, grad, data


class Const:
    """A constant tensor literal (no grad): targets, weights, index tensors."""

    def __init__(self, data, dtype=None):
        self.data, self.dtype = data, dtype


def T(shape, dom="any"):            # a transposed view of a [b, a] leaf: non-contiguous
    return Leaf(list(reversed(shape)), dom, view=lambda name: {"op": "t", "inputs": [name]})


def X(shape, to, dom="any"):        # an expanded view: stride 0
    return Leaf(shape, dom, view=lambda name: {"op": "expand", "inputs": [name], "attrs": {"size": to}})


def I(data):                        # an int64 literal
    return Const(data, "int64")


# ---------------------------------------------------------------- the forms

FORMS = []   # (name, op, inputs, attrs, options)


def form(name, op, inputs, attrs=None, **options):
    FORMS.append((name, op, inputs, attrs or {}, options))


UNARY = {
    "neg": "any", "abs": "away", "reciprocal": "away", "square": "any", "sqrt": "pos", "rsqrt": "pos",
    "exp": "any", "log": "pos", "log1p": "pos", "expm1": "any", "sin": "any", "cos": "any",
    "tan": "small", "tanh": "any", "sigmoid": "any", "relu": "away", "gelu": "any", "softplus": "any",
}
for op, dom in UNARY.items():
    form(f"{op}", op, [Leaf([2, 3], dom)])
    form(f"{op}-f32", op, [Leaf([2, 3], dom)], dtype="float32")
    form(f"{op}-transposed", op, [T([3, 2], dom)])
    form(f"{op}-0d", op, [Leaf([], dom)])
    form(f"{op}-empty", op, [Leaf([0, 3], dom)])
form("gelu-tanh", "gelu", [Leaf([5])], {"approximate": "tanh"})
form("softplus-beta-threshold", "softplus", [Leaf([6], data=[-3.0, -0.5, 0.2, 0.4, 0.6, 4.0])], {"beta": 2, "threshold": 1})
form("softplus-large", "softplus", [Leaf([4], data=[-30.0, -1.0, 19.0, 40.0])])
form("relu-at-zero", "relu", [Leaf([3], data=[-1.0, 0.0, 1.0])])
form("abs-at-zero", "abs", [Leaf([3], data=[-1.0, 0.0, 2.0])])
form("clamp", "clamp", [Leaf([2, 3])], {"min": -0.5, "max": 0.7})
form("clamp-min-only", "clamp", [Leaf([2, 3])], {"min": 0.1})
form("clamp-max-only", "clamp", [Leaf([2, 3])], {"max": 0.1})
form("clamp-positional", "clamp", [Leaf([5]), -0.5, 0.5])
form("clamp-at-bounds", "clamp", [Leaf([5], data=[-1.0, 0.0, 0.5, 1.0, 2.0])], {"min": 0, "max": 1})
form("clamp-tensor-bounds", "clamp", [Leaf([2, 3])], {"min": Leaf([3]), "max": Const([0.5, 1.0, 1.5])})
form("clamp-transposed", "clamp", [T([3, 2])], {"min": -0.3, "max": 0.3})

BINARY = {"add": ("any", "any"), "sub": ("any", "any"), "mul": ("any", "any"), "div": ("any", "away"),
          "pow": ("pos", "any"), "maximum": ("any", "any"), "minimum": ("any", "any")}
for op, (da, db) in BINARY.items():
    form(f"{op}", op, [Leaf([2, 3], da), Leaf([2, 3], db)])
    form(f"{op}-f32", op, [Leaf([2, 3], da), Leaf([2, 3], db)], dtype="float32")
    form(f"{op}-broadcast-row", op, [Leaf([2, 3], da), Leaf([3], db)])
    form(f"{op}-broadcast-outer", op, [Leaf([2, 1], da), Leaf([1, 3], db)])
    form(f"{op}-broadcast-0d", op, [Leaf([2, 3], da), Leaf([], db)])
    form(f"{op}-transposed-expanded", op, [T([3, 2], da), X([1, 2], [3, 2], db)])
    form(f"{op}-empty", op, [Leaf([0, 3], da), Leaf([3], db)])
    form(f"{op}-one-requires-grad", op, [Leaf([2, 3], da), Leaf([2, 3], db, grad=False)])
    form(f"{op}-mixed-dtypes", op, [Leaf([3], da), Leaf([3], db, grad=False)], second_dtype="float32")
for op in ("add", "sub", "mul", "div"):
    form(f"{op}-scalar", op, [Leaf([2, 3], "away"), 3])
    form(f"{op}-float-scalar", op, [Leaf([2, 3], "away"), 0.5])
    form(f"{op}-scalar-first", op, [2, Leaf([2, 3], "away")])
    form(f"{op}-scalar-f32", op, [Leaf([3], "away"), 2.5], dtype="float32")
form("pow-scalar", "pow", [Leaf([2, 3]), 3])
form("pow-float-scalar", "pow", [Leaf([2, 3], "pos"), 0.5])
form("pow-scalar-first", "pow", [2, Leaf([2, 3])])
form("pow-square", "pow", [Leaf([4], data=[-1.0, 0.0, 0.5, 2.0]), 2])
form("pow-zero-exponent", "pow", [Leaf([3]), 0])
form("add-alpha", "add", [Leaf([2, 3]), Leaf([3])], {"alpha": 2})
form("sub-alpha", "sub", [Leaf([2, 3]), Leaf([3])], {"alpha": 0.5})
form("rsub", "rsub", [Leaf([2, 3]), Leaf([3])])
form("rsub-alpha", "rsub", [Leaf([2, 3]), Leaf([2, 3])], {"alpha": 3})
form("rsub-scalar", "rsub", [Leaf([2, 3]), 1])
form("maximum-ties", "maximum", [Leaf([4], data=[1.0, 2.0, 3.0, -1.0]), Leaf([4], data=[1.0, 0.0, 3.0, 2.0])])
form("minimum-ties", "minimum", [Leaf([4], data=[1.0, 2.0, 3.0, -1.0]), Leaf([4], data=[1.0, 0.0, 3.0, 2.0])])
form("where", "where", [Const([[True, False, True], [False, False, True]]), Leaf([2, 3]), Leaf([2, 3])])
form("where-broadcast", "where", [Const([True, False, True]), Leaf([2, 1]), Leaf([3])])
form("where-scalar", "where", [Const([True, False, True]), Leaf([3]), 0.0])
form("int-plus-float-scalar", "add", [I([1, 2, 3]), 0.5])
form("int-times-float-tensor", "mul", [I([1, 2, 3]), Leaf([3])])
form("int-div-int", "div", [I([1, 2, 3]), I([2, 2, 2])])
form("div-floor", "div", [Leaf([4], data=[-3.5, -1.0, 2.5, 7.0]), 2], {"rounding_mode": "floor"})
form("div-trunc", "div", [Leaf([4], data=[-3.5, -1.0, 2.5, 7.0]), 2], {"rounding_mode": "trunc"})

# reductions
for op in ("sum", "mean"):
    form(f"{op}", op, [Leaf([2, 3])])
    form(f"{op}-f32", op, [Leaf([2, 3])], dtype="float32")
    form(f"{op}-dim", op, [Leaf([2, 3])], {"dim": 1})
    form(f"{op}-dim-negative-keepdim", op, [Leaf([2, 3, 2])], {"dim": -2, "keepdim": True})
    form(f"{op}-dims", op, [Leaf([2, 3, 2])], {"dim": [0, 2]})
    form(f"{op}-positional-dim", op, [Leaf([2, 3]), 0])
    form(f"{op}-transposed", op, [T([3, 2])], {"dim": 0})
    form(f"{op}-expanded", op, [X([3, 1], [3, 4])], {"dim": 1})
    form(f"{op}-empty", op, [Leaf([0, 3])], {"dim": 0})
    form(f"{op}-empty-all", op, [Leaf([0, 3])])
    form(f"{op}-0d", op, [Leaf([])])
form("sum-int", "sum", [I([[1, 2], [3, 4]])], {"dim": 0})
form("sum-bool", "sum", [Const([True, False, True])])
form("mean-dtype", "mean", [Leaf([2, 3])], {"dtype": "float64"}, dtype="float32")
form("prod", "prod", [Leaf([2, 3])])
form("prod-dim", "prod", [Leaf([2, 3])], {"dim": 1})
form("prod-dim-keepdim", "prod", [Leaf([2, 3])], {"dim": 0, "keepdim": True})
form("prod-one-zero", "prod", [Leaf([4], data=[2.0, 0.0, 3.0, -1.5])])
form("prod-two-zeros", "prod", [Leaf([4], data=[2.0, 0.0, 3.0, 0.0])])
form("prod-dim-zeros", "prod", [Leaf([2, 3], data=[1.0, 0.0, 2.0, 0.0, 0.0, 3.0])], {"dim": 1})
form("prod-transposed", "prod", [T([3, 2])], {"dim": 0})
for op in ("max", "min"):
    form(f"{op}", op, [Leaf([2, 3])])
    form(f"{op}-ties", op, [Leaf([4], data=[3.0, -1.0, 3.0, -1.0])])
    form(f"{op}-dim", op, [Leaf([2, 3])], {"dim": 1}, outs=2)
    form(f"{op}-dim-keepdim", op, [Leaf([3, 2])], {"dim": 0, "keepdim": True}, outs=2)
    form(f"{op}-dim-ties", op, [Leaf([2, 3], data=[1.0, 1.0, 0.0, -2.0, -2.0, -2.0])], {"dim": 1}, outs=2)
    form(f"{op}-binary", op, [Leaf([2, 3]), Leaf([3])])
    form(f"{op}-transposed", op, [T([3, 2])], {"dim": 0}, outs=2)
for op in ("amax", "amin"):
    form(f"{op}", op, [Leaf([2, 3])])
    form(f"{op}-dims", op, [Leaf([2, 3, 2])], {"dim": [0, 2]})
    form(f"{op}-ties", op, [Leaf([2, 3], data=[1.0, 1.0, 0.0, -2.0, -2.0, 5.0])], {"dim": 1, "keepdim": True})
    form(f"{op}-ties-all", op, [Leaf([4], data=[3.0, -1.0, 3.0, -1.0])])
for op in ("var", "std"):
    form(f"{op}", op, [Leaf([2, 3])])
    form(f"{op}-dim", op, [Leaf([2, 3])], {"dim": 1})
    form(f"{op}-correction0", op, [Leaf([2, 3])], {"dim": 0, "correction": 0, "keepdim": True})
    form(f"{op}-unbiased-false", op, [Leaf([5])], {"unbiased": False})
    form(f"{op}-dims", op, [Leaf([2, 3, 2])], {"dim": [0, 2]})
    form(f"{op}-f32", op, [Leaf([6])], dtype="float32")
    form(f"{op}-single", op, [Leaf([1])])
form("norm", "norm", [Leaf([2, 3])])
form("norm-f32", "norm", [Leaf([2, 3])], dtype="float32")
form("norm-p1", "norm", [Leaf([2, 3], "away")], {"p": 1})
form("norm-p3", "norm", [Leaf([2, 3], "away")], {"p": 3})
form("norm-p0.5", "norm", [Leaf([4], "away")], {"p": 0.5})
form("norm-inf", "norm", [Leaf([2, 3])], {"p": "inf"})
form("norm-neg-inf", "norm", [Leaf([2, 3])], {"p": "-inf"})
form("norm-fro", "norm", [Leaf([2, 3])], {"p": "fro"})
form("norm-dim", "norm", [Leaf([2, 3])], {"dim": 1})
form("norm-dim-keepdim-p1", "norm", [Leaf([2, 3], "away")], {"p": 1, "dim": 0, "keepdim": True})
form("norm-positional-p", "norm", [Leaf([3]), 2])
form("norm-at-zero", "norm", [Leaf([3], data=[0.0, 0.0, 0.0])])
form("logsumexp", "logsumexp", [Leaf([2, 3])], {"dim": 1})
form("logsumexp-dims-keepdim", "logsumexp", [Leaf([2, 3, 2])], {"dim": [0, 2], "keepdim": True})
form("logsumexp-large", "logsumexp", [Leaf([3], data=[1000.0, 1000.5, -1000.0])], {"dim": 0})
form("logsumexp-f32", "logsumexp", [Leaf([2, 3])], {"dim": 0}, dtype="float32")
for op in ("softmax", "log_softmax"):
    form(f"{op}", op, [Leaf([2, 3])], {"dim": 1})
    form(f"{op}-dim0", op, [Leaf([2, 3])], {"dim": 0})
    form(f"{op}-positional", op, [Leaf([2, 3]), -1])
    form(f"{op}-large", op, [Leaf([3], data=[1000.0, 999.0, -1000.0])], {"dim": 0})
    form(f"{op}-transposed", op, [T([3, 2])], {"dim": 1})
    form(f"{op}-f32", op, [Leaf([4])], {"dim": 0}, dtype="float32")
for op in ("argmax", "argmin"):
    form(f"{op}", op, [Leaf([2, 3])])
    form(f"{op}-dim", op, [Leaf([2, 3])], {"dim": 1})
    form(f"{op}-dim-keepdim", op, [Leaf([2, 3])], {"dim": 0, "keepdim": True})
    form(f"{op}-ties", op, [Leaf([4], data=[1.0, 3.0, 3.0, 1.0])])

# linear algebra
form("matmul-dot", "matmul", [Leaf([3]), Leaf([3])])
form("matmul-mv", "matmul", [Leaf([2, 3]), Leaf([3])])
form("matmul-vm", "matmul", [Leaf([3]), Leaf([3, 2])])
form("matmul-mm", "matmul", [Leaf([2, 3]), Leaf([3, 4])])
form("matmul-mm-f32", "matmul", [Leaf([2, 3]), Leaf([3, 4])], dtype="float32")
form("matmul-mm-transposed", "matmul", [T([2, 3]), T([3, 2])])
form("matmul-batched", "matmul", [Leaf([2, 2, 3]), Leaf([2, 3, 2])])
form("matmul-batched-matrix", "matmul", [Leaf([2, 2, 3]), Leaf([3, 2])])
form("matmul-matrix-batched", "matmul", [Leaf([2, 3]), Leaf([2, 3, 2])])
form("matmul-batch-broadcast", "matmul", [Leaf([2, 1, 2, 3]), Leaf([3, 3, 2])])
form("matmul-batched-vector", "matmul", [Leaf([2, 2, 3]), Leaf([3])])
form("matmul-vector-batched", "matmul", [Leaf([3]), Leaf([2, 3, 2])])
form("matmul-single-batch-first", "matmul", [Leaf([1, 2, 3]), Leaf([2, 3, 4])])
form("matmul-single-batch-second", "matmul", [Leaf([2, 2, 3]), Leaf([1, 3, 4])])
form("matmul-single-batches", "matmul", [Leaf([1, 2, 3]), Leaf([1, 3, 4])])
form("matmul-single-batch-4d", "matmul", [Leaf([1, 1, 2, 3]), Leaf([2, 3, 4])])
form("matmul-empty", "matmul", [Leaf([0, 3]), Leaf([3, 2])])
form("matmul-empty-inner", "matmul", [Leaf([2, 0]), Leaf([0, 2])])
form("mm", "mm", [Leaf([2, 3]), Leaf([3, 2])])
form("mm-expanded", "mm", [X([1, 3], [2, 3]), Leaf([3, 2])])
form("bmm", "bmm", [Leaf([2, 2, 3]), Leaf([2, 3, 2])])
form("dot", "dot", [Leaf([4]), Leaf([4])])
form("dot-f32", "dot", [Leaf([4]), Leaf([4])], dtype="float32")
form("outer", "outer", [Leaf([3]), Leaf([2])])
form("t", "t", [Leaf([2, 3])])
form("t-1d", "t", [Leaf([3])])
form("transpose", "transpose", [Leaf([2, 3, 2])], {"dim0": 0, "dim1": 2})
form("transpose-positional-negative", "transpose", [Leaf([2, 3]), -1, 0])
form("linear", "linear", [Leaf([2, 3]), Leaf([4, 3]), Leaf([4])])
form("linear-bias-attr", "linear", [Leaf([2, 3]), Leaf([4, 3])], {"bias": Leaf([4])})
form("linear-no-bias", "linear", [Leaf([2, 3]), Leaf([4, 3])])
form("linear-1d", "linear", [Leaf([3]), Leaf([2, 3]), Leaf([2])])
form("linear-3d", "linear", [Leaf([2, 2, 3]), Leaf([4, 3]), Leaf([4])])
form("linear-f32", "linear", [Leaf([2, 3]), Leaf([4, 3]), Leaf([4])], dtype="float32")

# shape and indexing
form("reshape", "reshape", [Leaf([2, 3]), 3, 2])
form("reshape-minus-one", "reshape", [Leaf([2, 3, 2])], {"shape": [-1, 4]})
form("reshape-transposed", "reshape", [T([3, 2]), 6])
form("view", "view", [Leaf([2, 3]), 6])
form("view-size", "view", [Leaf([2, 3])], {"size": [3, -1]})
form("view-transposed-compatible", "view", [T([3, 2]), 3, 2, 1])
form("view-transposed-error", "view", [T([3, 2]), 6], message="view size is not compatible")
form("flatten", "flatten", [Leaf([2, 3, 2])])
form("flatten-range", "flatten", [Leaf([2, 3, 2, 1])], {"start_dim": 1, "end_dim": 2})
form("flatten-0d", "flatten", [Leaf([])])
form("squeeze", "squeeze", [Leaf([2, 1, 3, 1])])
form("squeeze-dim", "squeeze", [Leaf([2, 1, 3])], {"dim": 1})
form("squeeze-dim-not-one", "squeeze", [Leaf([2, 1, 3])], {"dim": 0})
form("squeeze-dims", "squeeze", [Leaf([1, 2, 1])], {"dim": [0, 2]})
form("unsqueeze", "unsqueeze", [Leaf([2, 3]), 1])
form("unsqueeze-negative", "unsqueeze", [Leaf([2, 3])], {"dim": -1})
form("expand", "expand", [Leaf([3, 1]), 3, 4])
form("expand-new-dims", "expand", [Leaf([3])], {"size": [2, 3]})
form("expand-minus-one", "expand", [Leaf([1, 3])], {"size": [4, -1]})
form("permute", "permute", [Leaf([2, 3, 2]), 2, 0, 1])
form("permute-dims", "permute", [Leaf([2, 3, 2])], {"dims": [1, 2, 0]})
form("cat", "cat", [Leaf([2, 3]), Leaf([1, 3])])
form("cat-dim1", "cat", [Leaf([2, 3]), Leaf([2, 1]), Leaf([2, 2])], {"dim": 1})
form("cat-negative-dim", "cat", [Leaf([2, 3]), Leaf([2, 1])], {"dim": -1})
form("cat-with-empty", "cat", [Leaf([2, 3]), Leaf([0, 3])])
form("cat-transposed", "cat", [T([2, 3]), Leaf([1, 3])])
form("cat-constant", "cat", [Leaf([2]), Const([5.0, 6.0])])
form("stack", "stack", [Leaf([2, 3]), Leaf([2, 3])])
form("stack-dim-last", "stack", [Leaf([2, 3]), Leaf([2, 3]), Leaf([2, 3])], {"dim": -1})
form("stack-0d", "stack", [Leaf([]), Leaf([])])
form("split", "split", [Leaf([5, 2])], {"split_size_or_sections": 2}, outs=3)
form("split-sections", "split", [Leaf([2, 5])], {"split_size_or_sections": [1, 4], "dim": 1}, outs=2)
form("split-positional", "split", [Leaf([4]), 2], outs=2)
form("chunk", "chunk", [Leaf([5, 2])], {"chunks": 3}, outs=3)
form("chunk-dim", "chunk", [Leaf([2, 4])], {"chunks": 2, "dim": 1}, outs=2)
form("select", "select", [Leaf([2, 3])], {"dim": 1, "index": -1})
form("select-positional", "select", [Leaf([3, 2]), 0, 1])
form("index-int", "index", [Leaf([3, 4])], {"index": [1]})
form("index-ints", "index", [Leaf([3, 4])], {"index": [1, -1]})
form("index-slice", "index", [Leaf([5, 2])], {"index": [{"start": 1, "stop": 4}]})
form("index-slice-negative", "index", [Leaf([5, 2])], {"index": [{"start": -3}]})
form("index-slice-step", "index", [Leaf([7])], {"index": [{"start": 1, "stop": -1, "step": 2}]})
form("index-slice-and-int", "index", [Leaf([3, 4])], {"index": [{"step": 2}, 2]})
form("index-none", "index", [Leaf([3, 2])], {"index": [None, 1]})
form("index-ellipsis", "index", [Leaf([2, 3, 4])], {"index": ["...", 1]})
form("index-list", "index", [Leaf([4, 2])], {"index": [[0, 2, 2]]})
form("index-list-negative", "index", [Leaf([4])], {"index": [[-1, 0]]})
form("index-empty-slice", "index", [Leaf([4])], {"index": [{"start": 3, "stop": 1}]})
form("index-transposed", "index", [T([3, 4])], {"index": [{"start": 1}, 0]})
form("clone", "clone", [Leaf([2, 3])])
form("clone-transposed", "clone", [T([3, 2])])
form("contiguous", "contiguous", [T([3, 2])])
form("contiguous-already", "contiguous", [Leaf([2, 3])])

# comparison and logic
for op in ("eq", "ne", "lt", "le", "gt", "ge"):
    form(f"{op}", op, [Const([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]), Const([2.0, 2.0, 2.0])])
    form(f"{op}-scalar", op, [Const([1.0, 2.0, 3.0]), 2])
    form(f"{op}-int", op, [I([1, 2, 3]), I([3, 2, 1])])
    form(f"{op}-requires-grad", op, [Leaf([3], data=[1.0, 2.0, 3.0]), Const([2.0, 2.0, 2.0])])
form("all", "all", [Const([True, True, False])])
form("all-dim", "all", [Const([[True, True], [False, True]])], {"dim": 1})
form("all-float", "all", [Const([1.0, 0.5, 2.0])])
form("all-empty", "all", [Const([], "bool")])
form("any", "any", [Const([False, False, True])])
form("any-dim-keepdim", "any", [Const([[False, True], [False, False]])], {"dim": 0, "keepdim": True})
form("any-float", "any", [Const([0.0, 0.0])])
form("isclose", "isclose", [Const([1.0, 1.00001, 2.0]), Const([1.0, 1.0, 2.1])])
form("isclose-tolerances", "isclose", [Const([1.0, 1.1, 2.0]), Const([1.05, 1.0, 2.1])], {"rtol": 0.0, "atol": 0.06})
form("isclose-nan", "isclose", [Const([1.0, "NaN"]), Const([1.0, "NaN"])], {"equal_nan": True})
form("allclose", "allclose", [Const([1.0, 2.0]), Const([1.0, 2.000001])])
form("allclose-false", "allclose", [Const([1.0, 2.0]), Const([1.0, 2.1])])
form("allclose-atol", "allclose", [Const([1.0, 2.0]), Const([1.0, 2.1])], {"atol": 0.2})

# losses
for red in ("mean", "sum", "none"):
    form(f"mse_loss-{red}", "mse_loss", [Leaf([2, 3]), Const(nested([2, 3], iter([0.5, -1.0, 2.0, 0.0, 1.0, -0.5])))], {"reduction": red})
    form(f"l1_loss-{red}", "l1_loss", [Leaf([2, 3]), Const(nested([2, 3], iter([0.5, -1.0, 2.0, 0.0, 1.0, -0.5])))], {"reduction": red})
    form(f"binary_cross_entropy-{red}", "binary_cross_entropy", [Leaf([2, 3], "unit"), Const([[1.0, 0.0, 1.0], [0.0, 0.25, 1.0]])], {"reduction": red})
    form(f"binary_cross_entropy_with_logits-{red}", "binary_cross_entropy_with_logits", [Leaf([2, 3]), Const([[1.0, 0.0, 1.0], [0.0, 0.25, 1.0]])], {"reduction": red})
    form(f"cross_entropy-{red}", "cross_entropy", [Leaf([3, 4]), I([1, 0, 3])], {"reduction": red})
    form(f"nll_loss-{red}", "nll_loss", [Leaf([3, 4]), I([1, 0, 3])], {"reduction": red})
form("mse_loss-both-grad", "mse_loss", [Leaf([4]), Leaf([4])])
form("mse_loss-f32", "mse_loss", [Leaf([4]), Const([0.0, 1.0, 2.0, 3.0])], dtype="float32")
form("l1_loss-at-zero", "l1_loss", [Leaf([3], data=[1.0, 2.0, 3.0]), Const([1.0, 0.0, 3.0])])
form("l1_loss-both-grad", "l1_loss", [Leaf([4]), Leaf([4])])
form("binary_cross_entropy-weight", "binary_cross_entropy", [Leaf([3], "unit"), Const([1.0, 0.0, 1.0])], {"weight": Const([0.5, 2.0, 1.0])})
form("binary_cross_entropy-extremes", "binary_cross_entropy", [Leaf([3], data=[0.0, 1.0, 0.5]), Const([0.0, 1.0, 1.0])])
form("binary_cross_entropy_with_logits-weight", "binary_cross_entropy_with_logits", [Leaf([2, 3]), Const([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])], {"weight": Const([0.5, 2.0, 1.0])})
form("binary_cross_entropy_with_logits-pos_weight", "binary_cross_entropy_with_logits", [Leaf([2, 3]), Const([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])], {"pos_weight": Const([3.0, 1.0, 0.5])})
form("binary_cross_entropy_with_logits-large", "binary_cross_entropy_with_logits", [Leaf([4], data=[-200.0, -30.0, 30.0, 200.0]), Const([1.0, 0.0, 1.0, 0.0])])
form("binary_cross_entropy_with_logits-target-grad", "binary_cross_entropy_with_logits", [Leaf([3]), Leaf([3], "unit")])
form("cross_entropy-weight", "cross_entropy", [Leaf([3, 4]), I([1, 0, 3])], {"weight": Const([1.0, 2.0, 0.5, 1.5])})
form("cross_entropy-ignore_index", "cross_entropy", [Leaf([3, 4]), I([1, -100, 3])])
form("cross_entropy-ignore_index-custom", "cross_entropy", [Leaf([3, 4]), I([1, 2, 3])], {"ignore_index": 2})
form("cross_entropy-label_smoothing", "cross_entropy", [Leaf([3, 4]), I([1, 0, 3])], {"label_smoothing": 0.1})
form("cross_entropy-label_smoothing-weight", "cross_entropy", [Leaf([3, 4]), I([1, 0, 3])], {"label_smoothing": 0.2, "weight": Const([1.0, 2.0, 0.5, 1.5])})
form("cross_entropy-probabilities", "cross_entropy", [Leaf([2, 3]), Const([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])])
form("cross_entropy-probabilities-sum", "cross_entropy", [Leaf([2, 3]), Const([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])], {"reduction": "sum", "label_smoothing": 0.1})
form("cross_entropy-unbatched", "cross_entropy", [Leaf([4]), I(2)])
form("cross_entropy-spatial", "cross_entropy", [Leaf([2, 3, 2]), I([[0, 2], [1, 1]])])
form("cross_entropy-f32", "cross_entropy", [Leaf([3, 4]), I([1, 0, 3])], dtype="float32")
form("nll_loss-weight", "nll_loss", [Leaf([3, 4]), I([1, 0, 3])], {"weight": Const([1.0, 2.0, 0.5, 1.5])})
form("nll_loss-ignore_index", "nll_loss", [Leaf([3, 4]), I([1, 2, 3])], {"ignore_index": 2})
form("nll_loss-all-ignored", "nll_loss", [Leaf([2, 3]), I([-100, -100])])
form("nll_loss-target-out-of-range", "nll_loss", [Leaf([2, 3]), I([0, 5])], message="out of bounds")

# errors whose whole message torch words in its own way (found by difftest.py --messages)
form("nll_loss-1d-target-size-error", "nll_loss", [Leaf([3]), I([0, 1])], message="For 1D input, 1D target must have size 1, but got target size: 2")
form("nll_loss-0d-input-error", "nll_loss", [Leaf([]), I(0)], message="Expected 1 or more dimensions (got 0)")
form("nll_loss-float-target-error", "nll_loss", [Leaf([2, 3]), Const([0.0, 1.0])], message="expected target dtype to be Long or Byte, but got Double")
form("nll_loss-spatial-target-rank-error", "nll_loss", [Leaf([2, 3, 2, 2]), I([[0, 1], [1, 0]])], message="only batches of spatial targets supported (3D tensors) but got targets of dimension: 2")
form("nll_loss-batch-error", "nll_loss", [Leaf([2, 3]), I([0, 1, 2])], message="Expected input batch_size (2) to match target batch_size (3).")
form("cross_entropy-0d-input-error", "cross_entropy", [Leaf([]), I([0, 1])], message="Dimension out of range (expected to be in range of [-1, 0], but got 1)")
form("cross_entropy-negative-label_smoothing", "cross_entropy", [Leaf([3, 4]), I([1, 0, 3])], {"label_smoothing": -0.5})
form("std-integer-error", "std", [I([1, 2, 3])], message="std and var only support floating point and complex dtypes")
form("linear-0d-weight-error", "linear", [Leaf([2, 3]), Leaf([])], message="both arguments to linear need to be at least 1D, but they are 2D and 0D")
form("outer-vec2-error", "outer", [Leaf([2]), Leaf([2, 2])], message="outer: Expected 1-D argument vec2, but got 2-D")
form("broadcast-last-mismatch-error", "add", [Leaf([2, 3]), Leaf([3, 2])], message="The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1")
form("amax-empty-error", "amax", [Leaf([0, 3])], message="amax(): Expected reduction dim to be specified for input.numel() == 0.")
form("argmax-empty-dim-error", "argmax", [Leaf([0, 3])], {"dim": 0}, message="argmax(): Expected reduction dim 0 to have non-zero size.")
form("softmax-integer-dim0-error", "softmax", [I([[1, 2], [3, 4]])], {"dim": 0}, message='"softmax_kernel_impl" not implemented for \'Long\'')
form("matmul-mv-dtype-error", "matmul", [Leaf([2, 3]), I([1, 0, 1])], message="addmv input tensors must have the same dtype, but got Long, Double, and Long")
form("matmul-bool-vectors-error", "matmul", [Const([True, False], "bool"), Const([True, True], "bool")], message='"dot" not implemented for \'Bool\'')
form("cat-all-empty", "cat", [Leaf([0]), Leaf([0])], {"dim": 1})
form("cat-zero-dim-error", "cat", [Leaf([2]), Leaf([])], message="zero-dimensional tensor (at position 1) cannot be concatenated")
form("norm-inf-empty-dim-error", "norm", [Leaf([0, 3])], {"p": "inf", "dim": 0}, message="cannot compute the inf norm on the dimension 0because this dimension is empty")
form("norm-inf-empty-negative-dim-error", "norm", [Leaf([3, 0])], {"p": "inf", "dim": -1}, message="cannot compute the inf norm on the dimension -1because this dimension is empty")
form("pow-bool-broadcast-first-error", "pow", [Const([[True, False, True]], "bool"), Const([[True, False], [True, True]], "bool")], message="The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1")
form("expand-0d-minus-one-error", "expand", [Leaf([]), 2, -1], message="numel: integer multiplication overflow")

# creation and non-tensor results
form("arange", "arange", [5])
form("arange-start-end-step", "arange", [1, 2.5, 0.5])
form("arange-int64", "arange", [2, 8], {"dtype": "int64"})
form("arange-negative-step", "arange", [5, 0, -2])
form("arange-attrs", "arange", [], {"start": 0, "end": 3, "step": 1, "requires_grad": True})
form("linspace", "linspace", [0, 1, 5])
form("linspace-attrs", "linspace", [], {"start": -1, "end": 1, "steps": 4, "dtype": "float64"})
form("linspace-one", "linspace", [2, 3, 1])
form("eye", "eye", [3])
form("eye-rect", "eye", [2, 3], {"requires_grad": True})
form("empty", "empty", [2, 3], shape_only=True)
form("full_like", "full_like", [Leaf([2, 3])], {"fill_value": 2.5})
form("full_like-positional-int", "full_like", [Leaf([2]), 7])
form("ones_like", "ones_like", [Leaf([2, 3])])
form("zeros_like-dtype", "zeros_like", [Leaf([2, 3])], {"dtype": "int64"})
form("randn_like", "randn_like", [Leaf([2, 3])], shape_only=True)
form("rand_like", "rand_like", [Leaf([4])], {"requires_grad": True}, shape_only=True)
form("full", "full", [], {"shape": [2, 2], "fill_value": 1.5, "requires_grad": True})
form("full-int", "full", [], {"size": [3], "fill_value": 4})
form("full-bool", "full", [], {"shape": [2], "fill_value": True})
form("numel", "numel", [Leaf([2, 3])])
form("size", "size", [Leaf([2, 3])])
form("size-dim", "size", [Leaf([2, 3])], {"dim": -1})
form("item", "item", [Leaf([], data=[1.25])])
form("item-int", "item", [I(7)])


# ---------------------------------------------------------------- whole programs
# Forms that take more than one step: in-place writes through views (CopySlices, regenerated
# AsStridedBackward0 histories) and their errors. (name, steps, outputs, options)

PROGRAMS = []


def program(name, steps, outputs, **options):
    PROGRAMS.append((name, steps, outputs, options))


def leaf(name, data):
    return {"out": name, "op": "tensor", "attrs": {"data": data, "requires_grad": True}}


def sl(start=None, stop=None, step=None):
    return {k: v for k, v in (("start", start), ("stop", stop), ("step", step)) if v is not None}


program("view-inplace-mul-scalar", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(0, 2)]}},
    {"op": "mul_", "inputs": ["v", 3]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", [1.0, 10.0, 100.0]]}]}]}],
    ["x", "y", "v"])
program("view-inplace-mul-tensor", [
    leaf("x", [1.0, 2.0, 3.0]), leaf("w", [2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(1)]}},
    {"op": "mul_", "inputs": ["v", "w"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", [1.0, 10.0, 100.0]]}]}]}],
    ["x", "w", "y", "v"])
program("view-inplace-copy-column", [
    leaf("x", [[1.0, 2.0], [3.0, 4.0]]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    {"out": "r", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(), 0]}},
    {"op": "copy_", "inputs": ["r", [7.0, 8.0]]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}],
    ["x", "y", "r"])
program("view-regenerated-after-base-write", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(0, 2)]}},
    {"op": "add_", "inputs": ["y", 1]},
    {"out": "z", "op": "mul", "inputs": ["v", "v"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["z"]}]}],
    ["x", "v", "z"])
program("view-inplace-into-constant-base", [
    leaf("w", [2.0, 3.0]), {"out": "b", "op": "zeros", "inputs": [3]},
    {"out": "v", "op": "index", "inputs": ["b"], "attrs": {"index": [sl(1)]}},
    {"op": "add_", "inputs": ["v", "w"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["b", [1.0, 2.0, 3.0]]}]}]}],
    ["w", "b", "v"])
program("view-of-view-inplace", [
    leaf("x", [[1.0, 2.0], [3.0, 4.0]]), {"out": "y", "op": "clone", "inputs": ["x"]},
    {"out": "t", "op": "t", "inputs": ["y"]},
    {"out": "r", "op": "select", "inputs": ["t", 0, 0]},
    {"op": "mul_", "inputs": ["r", 2]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", [[1.0, 2.0], [3.0, 4.0]]]}]}]}],
    ["x", "y", "t"])
program("view-inplace-twice-then-used", [
    leaf("x", [1.0, -2.0, 3.0, 0.5]), {"out": "y", "op": "mul", "inputs": ["x", 3]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(None, None, 2)]}},
    {"op": "mul_", "inputs": ["v", 2]},
    {"op": "sub_", "inputs": ["v", [1.0, 2.0]]},
    {"out": "z", "op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["v", "v"]}]}, {"op": "sum", "inputs": ["y"]}]},
    {"op": "backward", "inputs": ["z"]}],
    ["x", "y", "v", "z"])
program("view-inplace-saved-result-error", [
    leaf("x", [1.0, -2.0, 3.0, 0.5]), {"out": "y", "op": "exp", "inputs": ["x"]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(None, None, 2)]}},
    {"op": "mul_", "inputs": ["v", 2]},
    {"op": "sub_", "inputs": ["v", [1.0, 2.0]]},
    {"out": "z", "op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["v", "v"]}]}, {"op": "sum", "inputs": ["y"]}]},
    {"op": "backward", "inputs": ["z"]}],
    ["x", "y", "v", "z"], message="modified by an inplace operation")
program("view-inplace-split-part", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "mul", "inputs": ["x", "x"]},
    {"out": ["p", "q"], "op": "split", "inputs": ["y"], "attrs": {"split_size_or_sections": 2}},
    {"op": "clamp_", "inputs": ["q"], "attrs": {"max": 10}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}],
    ["x", "y", "p", "q"], message="This view is the output of a function that returns multiple views")
program("view-inplace-chunk-part-error", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "mul", "inputs": ["x", "x"]},
    {"out": ["p", "q"], "op": "chunk", "inputs": ["y", 2]},
    {"op": "mul_", "inputs": ["p", 2]}],
    ["y"], message="Output 0 of SplitBackward0 is a view".replace("Backward0", ""))
program("view-inplace-split-part-no-grad", [
    {"out": "y", "op": "arange", "inputs": [4]},
    {"out": ["p", "q"], "op": "split", "inputs": ["y"], "attrs": {"split_size_or_sections": 2}},
    {"op": "mul_", "inputs": ["q", 10]}],
    ["y", "p", "q"])
program("view-inplace-reshaped", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "sin", "inputs": ["x"]},
    {"out": "m", "op": "view", "inputs": ["y", 2, 2]},
    {"op": "div_", "inputs": ["m", [[2.0], [4.0]]]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}],
    ["x", "y", "m"])
program("view-inplace-second-order", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", "x"]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(0, 2)]}},
    {"op": "mul_", "inputs": ["v", {"op": "index", "inputs": ["x"], "attrs": {"index": [sl(0, 2)]}}]},
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": ["y"]}, "x"], "attrs": {"create_graph": True}},
    {"out": "h", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g", [1.0, 2.0, 3.0]]}]}, "x"]},
    {"out": "gd", "op": "detach", "inputs": ["g"]}],
    ["gd", "h"], graph=False)
# Gradients meeting at a node are summed in place into a buffered one nothing else holds
# (torch's InputBuffer::accumulate): x.grad's version counter shows it, in version-check errors.
for name, inner, versions in [
        ("grad-version-summed-in-place", {"op": "add", "inputs": ["x", {"op": "mul", "inputs": ["x", 3]}]}, "version 2; expected version 1"),
        ("grad-version-summed-out-of-place", {"op": "add", "inputs": ["x", "x"]}, "version 1; expected version 0")]:
    program(name, [
        leaf("x", [1.0, 2.0, 3.0]),
        {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": [inner, 5]}]}]},
        leaf("w", [1.0, 1.0, 1.0]),
        {"out": "g", "op": "detach", "inputs": ["x.grad"]},
        {"out": "z", "op": "sum", "inputs": [{"op": "mul", "inputs": ["g", "w"]}]},
        {"op": "mul_", "inputs": ["g", 2]},
        {"op": "backward", "inputs": ["z"]}],
        ["x", "w"], message=versions,
        about="gradients meeting at a node: summed in place when nothing else holds the buffered one, as x.grad's version shows")
# AccumulateGrad as torch's: a gradient is stolen only when nothing else holds it and it is laid out
# as the leaf is (the gradient layout contract); else it is copied into the leaf's layout with
# copy_ (x.grad's version is then 1; under create_graph its grad_fn is CopyBackwards).
for name, make, seed, versions in [
        ("grad-version-copied-expanded", None, None, "version 2; expected version 1"),
        ("grad-version-copied-held-seed", {"out": "v", "op": "ones", "attrs": {"shape": [3]}}, "v", "version 2; expected version 1"),
        ("grad-version-stolen", None, 2, "version 1; expected version 0")]:
    program(name, [
        leaf("x", [1.0, 2.0, 3.0]),
        *([make] if make else []),
        {"op": "backward", "inputs": [{"op": "sum", "inputs": ["x" if seed is None else {"op": "mul", "inputs": ["x", seed]}]}]
         if seed != "v" else ["x", "v"]},
        leaf("w", [1.0, 1.0, 1.0]),
        {"out": "z", "op": "sum", "inputs": [{"op": "mul", "inputs": ["x.grad", "w"]}]},
        {"op": "mul_", "inputs": ["x.grad", 2]},
        {"op": "backward", "inputs": ["z"]}],
        ["x", "w"], message=versions,
        about="x.grad stolen or copied as torch's AccumulateGrad decides, as its version counter shows")
program("grad-version-summed-in-place-permuted", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "a", "op": "t", "inputs": ["x"]},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "exp", "inputs": ["a"]}]},
                                                          {"op": "sum", "inputs": [{"op": "exp", "inputs": ["a"]}]}]}]},
    leaf("w", [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
    {"out": "z", "op": "sum", "inputs": [{"op": "mul", "inputs": ["x.grad", "w"]}]},
    {"op": "mul_", "inputs": ["x.grad", 2]},
    {"op": "backward", "inputs": ["z"]}],
    ["x", "w"], message="version 2; expected version 1",
    about="a buffered gradient laid out as a transpose (dense) takes the next in place, as torch's can_accumulate_inplace allows")
program("grad-stolen-view-shares-seed", [
    {"out": "x", "op": "ones", "attrs": {"shape": [4], "requires_grad": True}},
    {"out": "y", "op": "view", "inputs": ["x"], "attrs": {"shape": [2, 2]}},
    {"out": "v", "op": "ones", "attrs": {"shape": [2, 2]}},
    {"op": "backward", "inputs": ["y", "v"]},
    {"op": "backward", "inputs": ["y", "v"]}],
    ["x", "v"], about="torch steals the view ViewBackward0 makes of the seed: x.grad shares v's elements, so accumulating changes v")
TRANSPOSED_LEAF = [{"out": "x", "op": "detach", "inputs": [{"op": "t", "inputs": [{"op": "ones", "attrs": {"shape": [3, 2]}}]}]},
                   {"op": "requires_grad_", "inputs": ["x"]}]
program("grad-layout-transposed-leaf-error", [
    *TRANSPOSED_LEAF,
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["x"]}]},
    {"out": "g", "op": "view", "inputs": ["x.grad"], "attrs": {"shape": [-1]}}],
    ["x", "g"], message="view size is not compatible with input tensor's size and stride",
    about="a transposed leaf's .grad has the leaf's strides (torch's clone_obey_contract), so view(-1) fails")
program("grad-layout-transposed-leaf-stolen-error", [
    *TRANSPOSED_LEAF,
    {"op": "backward", "inputs": [{"op": "exp", "inputs": ["x"]}, {"op": "ones", "attrs": {"shape": [2, 3]}}]},
    {"out": "g", "op": "view", "inputs": ["x.grad"], "attrs": {"shape": [-1]}}],
    ["x", "g"], message="view size is not compatible with input tensor's size and stride")
program("grad-layout-strided-leaf", [
    {"out": "x", "op": "detach", "inputs": [{"op": "index", "inputs": [{"op": "ones", "attrs": {"shape": [3, 4]}}], "attrs": {"index": [sl(), sl(0, 4, 2)]}}]},
    {"op": "requires_grad_", "inputs": ["x"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "exp", "inputs": ["x"]}]}]},
    {"out": "g", "op": "view", "inputs": ["x.grad"], "attrs": {"shape": [-1]}}],
    ["x", "g"], about="a leaf with gaps gets a row-major .grad")
for name, leaf_steps in [("grad-create-graph-copy-backwards", [leaf("x", [[1.0, 2.0], [3.0, 4.0]])]),
                         ("grad-create-graph-copy-backwards-transposed-leaf", TRANSPOSED_LEAF)]:
    program(name, [
        *leaf_steps,
        {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["x", "x"]}]}], "attrs": {"create_graph": True}},
        {"out": "g", "op": "mul", "inputs": ["x.grad", 1]},
        {"out": "r", "op": "reshape", "inputs": ["x.grad"], "attrs": {"shape": [-1]}}],
        ["g", "r"], about="under create_graph x.grad is copied into the leaf's layout by copy_: its grad_fn is CopyBackwards")
program("retain-grad-create-graph-row-major", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"op": "retain_grad", "inputs": ["y"]},
    {"op": "backward", "inputs": ["y", {"op": "t", "inputs": [{"op": "ones", "attrs": {"shape": [3, 2]}}]}], "attrs": {"create_graph": True}},
    {"out": "g", "op": "view", "inputs": ["y.grad"], "attrs": {"shape": [-1]}}],
    ["g"], about="retain_grad clones the first gradient row-major (CloneBackward0 under create_graph)")
# Special values as torch computes them (found by probing every op with ±inf, NaN, ±0, 1e±30).
def f32(name, data):
    return {"out": name, "op": "tensor", "attrs": {"data": data, "dtype": "float32", "requires_grad": True}}


# mean's backward outside create_graph is one quotient filled in (Derivatives+Formulas.swift,
# meanBackward): seeds whose quotient rounds, in both float dtypes; under create_graph torch's
# graph (DivBackward0 over ExpandBackward0) and the same values.
for dtype in ("float32", "float64"):
    program(f"mean-backward-quotient-{dtype}", [
        {"out": "x", "op": "zeros", "inputs": [3, 7], "attrs": {"requires_grad": True, "dtype": dtype}},
        {"out": "m", "op": "mean", "inputs": ["x"]},
        {"op": "backward", "inputs": ["m", {"op": "tensor", "attrs": {"data": 0.1, "dtype": dtype}}]},
        {"out": "g", "op": "grad", "inputs": [{"op": "mean", "inputs": [{"op": "mul", "inputs": ["x", 3]}]}, "x"],
         "attrs": {"grad_outputs": [{"op": "tensor", "attrs": {"data": 1e-7, "dtype": dtype}}]}},
        {"out": "s", "op": "tensor", "attrs": {"data": 0.3, "requires_grad": True, "dtype": dtype}},
        {"out": "h", "op": "grad", "inputs": [{"op": "mean", "inputs": ["x"]}, "x"],
         "attrs": {"grad_outputs": ["s"], "create_graph": True}}],
        ["x", "g", "h"], about="mean's backward: the quotient of the seed by the element count, rounded as torch's division rounds it; torch's graph under create_graph")


# Several saved inputs written in place: torch's generated node unpacks its saved inputs in the
# order of their names (its codegen sorts them), so the one its message names is the first of
# those in that order (`other` before `self`, `exponent` before `self`, `self` before `vec`,
# `max` before `min` before `self`, …). Input k is written k + 1 times, so the message tells
# which it named.
def saved_order_program(name, op, shapes, expected):
    steps = [leaf(f"x{k}", [[0.5 + k] * s[-1]] * s[0] if len(s) == 2 else [0.5 + k] * s[0]) for k, s in enumerate(shapes)]
    steps += [{"out": f"a{k}", "op": "mul", "inputs": [f"x{k}", 1]} for k in range(len(shapes))]
    steps.append({"out": "y", "op": op, "inputs": [f"a{k}" for k in range(len(shapes))]})
    for k in range(len(shapes)):
        steps += [{"op": "add_", "inputs": [f"a{k}", 1]}] * (k + 1)
    steps.append({"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]})
    program(name, steps, ["y"], message=expected,
            about=f"{op}: of its saved inputs written in place, torch reports the first in the order of their names")


saved_order_program("saved-order-div", "div", [[2, 3], [3]], "[3]], which is output 0 of Add, is at version 2")
saved_order_program("saved-order-maximum", "maximum", [[2, 3], [3]], "[3]], which is output 0 of Add, is at version 2")
saved_order_program("saved-order-minimum", "minimum", [[2, 3], [3]], "[3]], which is output 0 of Add, is at version 2")
saved_order_program("saved-order-pow", "pow", [[2, 3], [3]], "[3]], which is output 0 of Add, is at version 2")
saved_order_program("saved-order-mv", "matmul", [[2, 3], [3]], "[2, 3]], which is output 0 of Add, is at version 1")
saved_order_program("saved-order-dot", "dot", [[3], [3]], "is at version 1")
saved_order_program("saved-order-clamp", "clamp", [[2, 3], [3], [3]], "is at version 3")
saved_order_program("saved-order-bce-with-logits", "binary_cross_entropy_with_logits", [[2, 3], [2, 3]], "is at version 1")
program("saved-order-bce-with-logits-pos-weight", [
    leaf("x", [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]), {"out": "a", "op": "mul", "inputs": ["x", 1]},
    {"out": "t", "op": "tensor", "attrs": {"data": [[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]]}},
    {"out": "w", "op": "tensor", "attrs": {"data": [1.0, 2.0, 0.5]}},
    {"out": "p", "op": "tensor", "attrs": {"data": [2.0, 1.0, 3.0]}},
    {"out": "y", "op": "binary_cross_entropy_with_logits", "inputs": ["a", "t"], "attrs": {"weight": "w", "pos_weight": "p"}},
    {"op": "add_", "inputs": ["a", 1]},
    {"op": "add_", "inputs": ["t", 0]}, {"op": "add_", "inputs": ["t", 0]},
    {"op": "add_", "inputs": ["w", 0]}, {"op": "add_", "inputs": ["w", 0]}, {"op": "add_", "inputs": ["w", 0]},
    {"op": "add_", "inputs": ["p", 0]}, {"op": "add_", "inputs": ["p", 0]}, {"op": "add_", "inputs": ["p", 0]}, {"op": "add_", "inputs": ["p", 0]},
    {"op": "backward", "inputs": ["y"]}], ["y"], message="is at version 4",
    about="binary_cross_entropy_with_logits: pos_weight is the saved input torch unpacks first")


# clamp_ with number bounds checks the cast of its result type in its meta function, before
# TensorIterator's overlap checks: an expanded bool or int64 tensor is refused for the type.
for dtype, bound in (("bool", 0.5), ("int64", -0.5)):
    program(f"clamp_-cast-before-overlap-{dtype}", [
        {"out": "t", "op": "tensor", "attrs": {"data": [[0, 1, 0]], "dtype": dtype}},
        {"out": "e", "op": "expand", "inputs": ["t", 2, -1]},
        {"op": "clamp_", "inputs": ["e"], "attrs": {"min": bound, "max": 1.5}}], ["t"],
        message="can't be cast to the desired output type",
        about="clamp_ with number bounds: the result type's cast is checked before the written-to tensor's overlap")


# The double backward through a view whose history was regenerated: torch's
# as_strided_backward squeezes the gradient, copies it into an as_strided window of new storage
# and views that with the base's geometry (SqueezeBackward1, CopySlices, AsStridedBackward0).
program("as-strided-backward-double-backward-graph", [
    leaf("t1", [[[1.21, 0.97, 0.89]], [[0.8, 0.93, 1.96]]]),
    {"out": "t2", "op": "sum", "inputs": ["t1"]},
    {"out": "t3", "op": "flatten", "inputs": ["t2"], "attrs": {"start_dim": 0, "end_dim": 0}},
    {"op": "mul_", "inputs": ["t2", 2]},
    {"out": "t6", "op": "logsumexp", "inputs": ["t3"], "attrs": {"dim": 0, "keepdim": True}},
    {"out": "g0", "op": "grad", "inputs": [{"op": "sum", "inputs": ["t6"]}, "t1"], "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g0", "g0"]}]}]}],
    ["t1", "g0"], about="as_strided_backward's steps under create_graph: torch's node names")
program("as-strided-backward-expanded-view", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "b", "op": "mul", "inputs": ["x", 1]},
    {"out": "v", "op": "expand", "inputs": [{"op": "unsqueeze", "inputs": ["b", 0]}, 4, 3]},
    {"op": "mul_", "inputs": ["b", 2]},
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["v", "v"]}]}, "x"], "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["g"]}]}],
    ["x", "g"], about="as_strided_backward sums a broadcast view's gradient (SumBackward1), as torch's does")


# A double-backward node saves what its formulas read, as torch's: threshold_backward's (relu)
# formulas read no grad_output, nll_loss_backward's neither it nor self, so writing the
# gradient they were given in place before the second backward is no error; tanh_backward's
# output formula reads grad_output, so there it is.
for op in ("relu", "tanh"):
    program(f"double-backward-saved-grad-output-{op}", [
        leaf("x", [0.5, -1.0, 2.0]), leaf("w", [1.0, 2.0, 3.0]), {"out": "v", "op": "mul", "inputs": ["w", 1]},
        {"out": "y", "op": op, "inputs": [{"op": "mul", "inputs": ["x", 1]}]},
        {"out": "g", "op": "grad", "inputs": ["y", "x"], "attrs": {"grad_outputs": ["v"], "create_graph": True}},
        {"op": "add_", "inputs": ["v", 1]},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": ["g"]}]}], ["x", "w"],
        message=None if op == "relu" else "modified by an inplace operation",
        about=f"{op}'s double backward: the incoming gradient is saved only where a formula reads it")
program("double-backward-saved-grad-output-nll_loss", [
    leaf("x", [[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]]), leaf("w", [1.0, 2.0]), {"out": "v", "op": "mul", "inputs": ["w", 1]},
    {"out": "y", "op": "nll_loss", "inputs": [{"op": "log_softmax", "inputs": [{"op": "mul", "inputs": ["x", 1]}, 1]},
                                              {"op": "tensor", "attrs": {"data": [0, 2], "dtype": "int64"}}], "attrs": {"reduction": "none"}},
    {"out": "g", "op": "grad", "inputs": ["y", "x"], "attrs": {"grad_outputs": ["v"], "create_graph": True}},
    {"op": "add_", "inputs": ["v", 1]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g", "g"]}]}]}], ["w"],
    about="nll_loss's double backward saves neither the incoming gradient nor the input")


# nll_loss's double backward saves the target (and weight) its formula reads: an int64 target
# written in place between the two backwards is torch's version error.
for weighted in (False, True):
    program(f"double-backward-nll_loss-target-written{'-weighted' if weighted else ''}", [
        leaf("x", [[0.5, 1.5, 2.0]]), {"out": "a", "op": "mul", "inputs": ["x", 1]},
        {"out": "t", "op": "tensor", "attrs": {"data": [2], "dtype": "int64"}},
        {"out": "y", "op": "cross_entropy", "inputs": ["a", "t"],
         "attrs": {"weight": {"op": "tensor", "attrs": {"data": [1.0, 2.0, 0.5]}}} if weighted else {}},
        {"out": "g", "op": "grad", "inputs": ["y", "x"], "attrs": {"create_graph": True}},
        {"op": "add_", "inputs": ["t", 0]},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": ["g"]}]}], ["x"],
        message="[torch.LongTensor [1]] is at version 1",
        about="nll_loss's double backward checks the target it saved")


# The layout and version of a loss's gradient, shown through torch's version message after the
# leaf's .grad is written in place: mse_loss_backward writes into a row-major zeros_like, so a
# transposed leaf's gradient is copied into its layout (version 1); binary_cross_entropy's
# target gradient is written in place (neg_, mul_, mul_ by the weight, div_ for mean).
def transposed_leaf(name, rows):
    return [{"out": name + "_rows", "op": "tensor", "attrs": {"data": rows}},
            {"out": name, "op": "detach", "inputs": [{"op": "t", "inputs": [name + "_rows"]}]},
            {"op": "requires_grad_", "inputs": [name]}]


def grad_version_program(name, steps, leaf, expected):
    steps = steps + [
        {"out": "gw", "op": "ones_like", "inputs": [leaf + ".grad"], "attrs": {"requires_grad": True}},
        {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": [leaf + ".grad", "gw"]}]},
        {"op": "mul_", "inputs": [leaf + ".grad", 2]},
        {"op": "backward", "inputs": ["gz"]}]
    program(name, steps, [leaf], message=expected, about="the version and layout a loss's gradient reaches .grad with")


_rows_a, _rows_b = [[0.2, 0.7], [0.6, 0.5], [0.3, 0.9]], [[0.1, 0.4], [0.8, 0.2], [0.5, 0.6]]
grad_version_program("mse_loss-grad-of-transposed-input", transposed_leaf("x", _rows_a) + transposed_leaf("t", _rows_b) + [
    {"out": "y", "op": "mse_loss", "inputs": ["x", "t"]}, {"op": "backward", "inputs": ["y"]}], "x", "is at version 2; expected version 1")
grad_version_program("mse_loss-grad-of-broadcast-transposed-target", transposed_leaf("t", _rows_b) + [
    leaf("one", [0.5]), {"out": "y", "op": "mse_loss", "inputs": ["one", "t"]}, {"op": "backward", "inputs": ["y"]}], "t",
    "is at version 2; expected version 1")
grad_version_program("binary_cross_entropy-grad-of-target-weighted-mean", transposed_leaf("x", _rows_a) + transposed_leaf("t", _rows_b) + [
    {"out": "y", "op": "binary_cross_entropy", "inputs": ["x", "t"], "attrs": {"weight": {"op": "tensor", "attrs": {"data": [1.0, 2.0, 0.5]}}}},
    {"op": "backward", "inputs": ["y"]}], "t", "is at version 5; expected version 4")
grad_version_program("binary_cross_entropy-grad-of-transposed-input-none", transposed_leaf("x", _rows_a) + [
    {"out": "y", "op": "binary_cross_entropy", "inputs": ["x", {"op": "tensor", "attrs": {"data": [[1.0, 0.0, 1.0], [0.0, 0.25, 1.0]]}}],
     "attrs": {"reduction": "none"}},
    {"op": "backward", "inputs": ["y", {"op": "tensor", "attrs": {"data": [[0.5, 1.0, 2.0], [1.5, 0.5, 1.0]]}}]}], "x",
    "is at version 1; expected version 0")
grad_version_program("binary_cross_entropy-grad-of-target-none", transposed_leaf("x", _rows_a) + transposed_leaf("t", _rows_b) + [
    {"out": "y", "op": "binary_cross_entropy", "inputs": ["x", "t"], "attrs": {"reduction": "none"}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}], "t", "is at version 3; expected version 2")


def backward_sum(*names):
    total = {"op": "sum", "inputs": [names[0]]}
    for n in names[1:]:
        total = {"op": "add", "inputs": [total, {"op": "sum", "inputs": [n]}]}
    return {"op": "backward", "inputs": [total]}


program("special-negative-zero-literal", [
    leaf("x", [-0.0, 0.0, 2.0]), {"out": "r", "op": "reciprocal", "inputs": ["x"]},
    {"out": "s", "op": "sqrt", "inputs": ["x"]}, backward_sum("s")],
    ["x", "r", "s"], about="-0.0 in a tensor literal keeps its sign: reciprocal gives -inf, sqrt's gradient -inf")
program("special-softplus-backward-denormal", [
    f32("x", [-100.0, -88.8, -30.0, 0.0, 30.0]), {"out": "y", "op": "softplus", "inputs": ["x"]}, backward_sum("y")],
    ["x", "y"], about="softplus_backward as torch's kernel: grad * z / (z + 1), z = exp(beta x): denormal gradients, not 0")
program("special-gelu-float32-infinity", [
    f32("x", [1.0, "Infinity", "-Infinity"]), f32("one", ["Infinity"]),
    {"out": "y", "op": "gelu", "inputs": ["x"]}, {"out": "z", "op": "gelu", "inputs": ["one"]},
    {"out": "t", "op": "gelu", "inputs": [{"op": "t", "inputs": [{"op": "tensor", "attrs": {"data": [["Infinity", 1.0], [2.0, 3.0]], "dtype": "float32"}}]}]}],
    ["y", "z", "t"], about="torch's vectorized float32 gelu (contiguous, two elements or more) gives NaN for +inf, its scalar loop +inf")
program("special-std-float32-large", [
    f32("x", [1e30, 0.0, 1.5]), f32("w", [[1e30, -1e30], [1.0, 2.0]]),
    {"out": "s", "op": "std", "inputs": ["x"]}, {"out": "v", "op": "var", "inputs": ["x"]},
    {"out": "sd", "op": "std", "inputs": ["w"], "attrs": {"dim": 1}}, backward_sum("s", "sd")],
    ["x", "w", "s", "v", "sd"], about="std is computed in double and rounded once: finite for float32 1e30s whose variance overflows")
program("special-norm-float32-overflow", [
    f32("x", [1e30, 3.0, 1.5]), f32("one", [1e30]), f32("m", [[1e30], [2.0]]),
    {"out": "n", "op": "norm", "inputs": ["x"]}, {"out": "n1", "op": "norm", "inputs": ["one"]},
    {"out": "nm", "op": "norm", "inputs": ["m"], "attrs": {"dim": 1}},
    {"out": "n3", "op": "norm", "inputs": ["x"], "attrs": {"p": 3}}, backward_sum("n", "n1", "nm")],
    ["x", "one", "m", "n", "n1", "nm", "n3"],
    about="float32 norms accumulate in float32 (1e30 squared overflows), but a reduction over size-1 dims is abs")
program("special-div-floor-infinity", [
    leaf("a", ["Infinity", "-Infinity", -2.0, 2.0, 5.0, -0.0, "NaN", 7.0]),
    leaf("b", [2.0, 2.0, "Infinity", "-Infinity", 0.0, 3.0, 1.0, -2.0]),
    {"out": "q", "op": "div", "inputs": ["a", "b"], "attrs": {"rounding_mode": "floor"}},
    {"out": "r", "op": "div", "inputs": ["a", 2], "attrs": {"rounding_mode": "floor"}}],
    ["q", "r"], about="floor division as torch's div_floor_floating: inf // 2 is NaN, -2 // inf is -1")
program("special-float32-sum-prod-in-dtype", [
    f32("x", [3e38, 3e38, -3e38]), f32("p", [[1e30, 1e30, 1e-45], [0.5, 1e-45, 2.0]]),
    {"out": "s", "op": "sum", "inputs": ["x"]}, {"out": "m", "op": "mean", "inputs": ["x"]},
    {"out": "q", "op": "prod", "inputs": ["p"], "attrs": {"dim": 1}}, backward_sum("q")],
    ["s", "m", "q", "p"], about="float32 sums and products accumulate in float32, as torch's: 3e38 + 3e38 overflows, 0.5 * 1e-45 underflows")
program("special-log-softmax-tied-huge", [
    leaf("x", [[1e30, 1e30, -100.0], [1.0, 2.0, 3.0]]),
    {"out": "l", "op": "log_softmax", "inputs": ["x"], "attrs": {"dim": 1}},
    {"out": "c", "op": "cross_entropy", "inputs": ["x", {"op": "tensor", "attrs": {"data": [2, 0], "dtype": "int64"}}]},
    backward_sum("c")],
    ["l", "c", "x"], about="log_softmax as (x - max) - log(sum): log(2) survives next to a max of 1e30")
program("special-int64-literal-exact", [
    {"out": "x", "op": "tensor", "attrs": {"data": [9223372036854775807, 4611686018427387905, -999999999999999999, 9007199254740993], "dtype": "int64"}},
    {"out": "y", "op": "add", "inputs": ["x", 0]}, {"out": "z", "op": "sub", "inputs": ["x", 1]}],
    ["x", "y", "z"], about="int64 literals keep every digit (a double holds 53 bits): 2**63 - 1 stays itself, it does not wrap")
program("special-bool-power-bool-exponent", [
    {"out": "b", "op": "tensor", "attrs": {"data": [True, False]}},
    {"out": "t", "op": "pow", "inputs": ["b", True]}, {"out": "f", "op": "pow", "inputs": ["b", False]},
    {"out": "i", "op": "pow", "inputs": ["b", 2]}],
    ["t", "f", "i"], about="a bool tensor to a bool power is torch's copy (True) or fill with 1 (False), no kernel: bool results")
program("special-bool-power-bool-tensor-error", [
    {"out": "b", "op": "tensor", "attrs": {"data": [True, False]}},
    {"out": "t", "op": "pow", "inputs": ["b", "b"]}],
    ["t"], message="\"pow\" not implemented for 'Bool'")
program("special-bce-epsilon-float", [
    leaf("x", [1e-30, 1.0, 0.9999999, 0.5]), {"out": "t", "op": "tensor", "attrs": {"data": [1.0, 1e-30, 0.0, 1.0]}},
    {"out": "l", "op": "binary_cross_entropy", "inputs": ["x", "t"], "attrs": {"reduction": "sum"}}, backward_sum("l")],
    ["x", "l"], about="binary_cross_entropy's gradient clamps (1 - x) x at torch's EPSILON as its kernel sees it, 1e-12 rounded to float")
program("size-dim-of-0d-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": 0.88}},
    {"out": "n", "op": "size", "inputs": ["x"], "attrs": {"dim": -1}}],
    ["n"], message="Dimension specified as -1 but tensor has no dimensions",
    about="size(dim) of a 0-d tensor is torch's error (it crashed the server: a 0-d tensor has no dim -1 for size)")
program("all-any-empty-dim-list", [
    {"out": "x", "op": "tensor", "attrs": {"data": [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]]}},
    {"out": "a", "op": "all", "inputs": ["x"], "attrs": {"dim": []}}, {"out": "b", "op": "any", "inputs": ["x"], "attrs": {"dim": []}},
    {"out": "s", "op": "sum", "inputs": ["x"], "attrs": {"dim": []}}],
    ["a", "b", "s"], about="all/any over an empty dim list reduce nothing (sum's reduces everything)")
program("logsumexp-empty-dim-list-error", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "y", "op": "logsumexp", "inputs": ["x"], "attrs": {"dim": []}}],
    ["y"], message="output with shape [] doesn't match the broadcast shape [1, 1]")
program("permute-duplicate-dims-error", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "y", "op": "permute", "inputs": ["x"], "attrs": {"dims": [0, 0]}}],
    ["y"], message="permute(): duplicate dims are not allowed.")
program("copy-number-source", [
    {"out": "x", "op": "tensor", "attrs": {"data": [1.0, 2.0, 3.0]}},
    {"out": "i", "op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}},
    {"op": "copy_", "inputs": ["x", 0.5]}, {"op": "copy_", "inputs": ["i", 2.7]}],
    ["x", "i"], about="copy_ takes a Python number as torch's parser does (a wrapped 0-d tensor)")
program("retain-grad-view-of-base-written-in-place", [
    leaf("a", [0.95, -0.53, -1.43]), leaf("b", [1.7, -1.38, -1.67]),
    {"out": "m", "op": "minimum", "inputs": ["b", "a"]},
    {"out": "v", "op": "reshape", "inputs": ["m", -1]}, {"op": "retain_grad", "inputs": ["v"]},
    {"out": "w", "op": "sub", "inputs": ["v", 0.5]}, {"op": "zero_", "inputs": ["m"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "log1p", "inputs": ["w"]}]}]}],
    ["v", "a", "b"], graph=False, about="retain_grad's hook stays on the view's old node while nothing regenerates its history: the gradient through it is kept")
program("retain-grad-moves-with-regenerated-view-history", [
    leaf("a", [0.95, -0.53, -1.43]), leaf("b", [1.7, -1.38, -1.67]),
    {"out": "m", "op": "minimum", "inputs": ["b", "a"]},
    {"out": "v", "op": "reshape", "inputs": ["m", -1]}, {"op": "retain_grad", "inputs": ["v"]},
    {"out": "w", "op": "sub", "inputs": ["v", 0.5]}, {"op": "zero_", "inputs": ["m"]},
    {"out": "u", "op": "mul", "inputs": ["v", 2]},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "log1p", "inputs": ["w"]}]}, {"op": "sum", "inputs": ["u"]}]}]}],
    ["v", "a", "b"], graph=False, about="using the view after its base was written regenerates its history, and torch moves the retain_grad hook to the new node")
program("cat-empty-input-gradient-version-error", [
    {"out": "a", "op": "tensor", "attrs": {"data": [], "shape": [0], "requires_grad": True}},
    leaf("b", [1.0, 2.0]),
    {"op": "backward", "inputs": [{"op": "cat", "inputs": ["b", "a"]}, {"op": "tensor", "attrs": {"data": [1.0, 1.0]}}]},
    {"out": "gw", "op": "ones_like", "inputs": ["a.grad"], "attrs": {"requires_grad": True}},
    {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": ["a.grad", "gw"]}]},
    {"op": "mul_", "inputs": ["a.grad", 2]},
    {"op": "backward", "inputs": ["gz"]}],
    ["a"], message="is at version 2; expected version 1 instead", about="cat's gradient for a 1-d empty input is torch's at::zeros({0}), filled by zero_ inside the formula: version 1")
program("copy-slices-double-backward-graph", [{"out": "t1", "op": "tensor", "attrs": {"data": [1.97, 1.89, 1.53], "requires_grad": True}}, {"out": "t3", "op": "where", "inputs": [{"op": "gt", "inputs": ["t1", 0]}, "t1", "t1"]}, {"out": "t4", "op": "reshape", "inputs": ["t3", -1]}, {"out": "t5", "op": "rsqrt", "inputs": ["t4"]}, {"op": "sub_", "inputs": ["t4", 2]}, {"out": "t7", "op": "sin", "inputs": ["t5"]}, {"out": "t8", "op": "pow", "inputs": ["t1", "t3"]}, {"out": "g0", "op": "grad", "inputs": [{"op": "sum", "inputs": ["t8"]}, "t1"], "attrs": {"create_graph": True, "allow_unused": True}}, {"no_grad": [{"out": "unused", "op": "tensor", "attrs": {"data": 0.0}}]}, {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g0", "g0"]}]}]}],
    ["t1", "t3", "t4", "g0"], about="under create_graph CopySlices runs torch's steps (copy_, as_strided, clone, copy_ into the slice), so the second-order graph holds torch's nodes")
program("like-ops-keep-a-dense-layout-error", [
    {"out": "x", "op": "t", "inputs": [{"op": "tensor", "attrs": {"data": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}}]},
    {"out": "y", "op": "view", "inputs": [{"op": "ones_like", "inputs": ["x"]}, -1]}],
    ["y"], message="view size is not compatible with input tensor's size and stride", about="torch's *_like ops keep a dense tensor's strides (preserve_format): ones_like of a transposed tensor cannot be viewed flat")
program("zeros-like-gradient-keeps-stride-0-version-error", [
    leaf("a", [1.35]), {"out": "b", "op": "clone", "inputs": ["a"]},
    {"op": "fill_", "inputs": ["b"], "attrs": {"value": 2}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["b"]}]},
    {"out": "gw", "op": "ones_like", "inputs": ["a.grad"], "attrs": {"requires_grad": True}},
    {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": ["a.grad", "gw"]}]},
    {"op": "mul_", "inputs": ["a.grad", 2]},
    {"op": "backward", "inputs": ["gz"]}],
    ["a"], message="is at version 2; expected version 1 instead", about="fill_'s zeros_like keeps the stride 0 of sum's expanded gradient, so AccumulateGrad copies it into the leaf's layout (version 1)")
program("mse-loss-saves-integer-target-version-error", [
    leaf("x", [-1.55]),
    {"out": "t", "op": "tensor", "attrs": {"data": 0, "dtype": "int64"}},
    {"out": "l", "op": "mse_loss", "inputs": ["x", "t"]},
    {"op": "copy_", "inputs": ["t", 0.5]},
    {"op": "backward", "inputs": ["l"]}],
    ["x"], message="[torch.LongTensor [1]] is at version 1; expected version 0 instead", about="MseLossBackward0 saves the broadcast target as given, an int64 view of t: writing t in place is seen at backward")
program("pow-scalar-base-result-is-row-major", [{"out": "t1", "op": "tensor", "attrs": {"data": [-0.77, 0.79, 0.98], "requires_grad": True}}, {"out": "t2", "op": "tensor", "attrs": {"data": [-1.59], "requires_grad": True}}, {"out": "t3", "op": "detach", "inputs": [{"op": "t", "inputs": [{"op": "tensor", "attrs": {"data": [[-1.11, 1.61], [1.73, 1.98], [1.42, -1.65]]}}]}]}, {"op": "requires_grad_", "inputs": ["t3"]}, {"out": "t4", "op": "pow", "inputs": [2, "t3"]}, {"out": "t5", "op": "maximum", "inputs": ["t3", "t3"]}, {"out": "t6", "op": "var", "inputs": ["t5"], "attrs": {"dim": [0, -1]}}, {"out": "t7", "op": "detach", "inputs": ["t5"]}, {"out": "t8", "op": "reshape", "inputs": ["t4", -1]}, {"out": "t9", "op": "rsub", "inputs": ["t7", "t4"]}, {"out": "t10", "op": "div", "inputs": ["t1", "t4"]}, {"op": "backward", "inputs": [{"op": "sum", "inputs": ["t10"]}]}],
    ["t8", "t10", "t1", "t3"], about="torch's pow(Scalar, Tensor) sets a row-major output whatever the exponent's layout, so reshape of it is a view (ViewBackward0)")
program("as-strided-backward-gradient-version-error", [{"out": "t1", "op": "tensor", "attrs": {"data": 0.57, "requires_grad": True}}, {"out": "t2", "op": "tensor", "attrs": {"data": 0.83, "requires_grad": True}}, {"out": "t3", "op": "tensor", "attrs": {"data": [[0.87, 0.85, -0.58], [-0.81, -0.77, 1.48]], "requires_grad": True}}, {"out": "t4", "op": "mse_loss", "inputs": ["t2", "t2"], "attrs": {"reduction": "sum"}}, {"out": "t5", "op": "contiguous", "inputs": ["t2"]}, {"out": "t6", "op": "unsqueeze", "inputs": ["t4", 0]}, {"op": "copy_", "inputs": ["t4", "t1"]}, {"op": "backward", "inputs": [{"op": "sum", "inputs": ["t6"]}]}, {"out": "gw", "op": "ones_like", "inputs": ["t1.grad"], "attrs": {"requires_grad": True}}, {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": ["t1.grad", "gw"]}]}, {"op": "mul_", "inputs": ["t1.grad", 2]}, {"op": "backward", "inputs": ["gz"]}],
    ["t1"], message="is at version 2; expected version 1 instead", about="as_strided_backward writes the gradient into zeros in place: a gradient through a regenerated view comes back at version 1")
program("bmm-dtype-rules", [
    {"out": "e", "op": "bmm", "inputs": [{"op": "zeros", "inputs": [1, 2, 0]}, {"op": "ones", "inputs": [1, 0, 3], "attrs": {"dtype": "int64"}}]},
    {"out": "f", "op": "bmm", "inputs": [{"op": "zeros", "inputs": [1, 0, 2], "attrs": {"dtype": "bool"}}, {"op": "ones", "inputs": [1, 2, 3]}]},
    {"out": "g", "op": "bmm", "inputs": [{"op": "zeros", "inputs": [1, 2, 0], "attrs": {"dtype": "bool"}}, {"op": "zeros", "inputs": [1, 0, 3], "attrs": {"dtype": "bool"}}]}],
    ["e", "f", "g"], about="torch's bmm: the result takes batch2's dtype, and an empty product checks no dtypes")
program("matmul-bool-batched-error", [
    {"out": "b", "op": "tensor", "attrs": {"data": [[True], [False]], "dtype": "bool"}},
    leaf("x", [[[0.5, -1.0]], [[2.0, 0.25]]]),
    {"out": "y", "op": "matmul", "inputs": ["b", "x"]}],
    ["y"], message="\"bmm\" not implemented for 'Bool'")
program("bmm-dtype-mismatch-error", [
    leaf("x", [[[0.5, -1.0]]]),
    {"out": "y", "op": "bmm", "inputs": ["x", {"op": "ones", "inputs": [1, 2, 1], "attrs": {"dtype": "int64"}}]}],
    ["y"], message="expected scalar type Double but found Long")
program("bmm-integer-result-of-grad-input-error", [
    leaf("x", [[[0.5, -1.0]]]),
    {"out": "y", "op": "bmm", "inputs": [{"op": "index", "inputs": ["x"], "attrs": {"index": [{"start": None}, {"start": None}, {"stop": 0}]}},
                                          {"op": "ones", "inputs": [1, 0, 3], "attrs": {"dtype": "int64"}}]}],
    ["y"], message="Autograd not support dtype: Long")
program("copy-into-integer-and-bool-records-nothing", [
    leaf("x", [1.5, -2.25]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": "b", "op": "tensor", "attrs": {"data": [False, False], "dtype": "bool"}},
    {"out": "i", "op": "tensor", "attrs": {"data": [0, 0], "dtype": "int64"}},
    {"op": "copy_", "inputs": ["b", "y"]}, {"op": "copy_", "inputs": ["i", "y"]},
    {"out": "z", "op": "add", "inputs": ["y", "i"]}, backward_sum("z")],
    ["x", "b", "i", "z"], about="torch's requires_grad &= isDifferentiableType(self): copied into int64 or bool, a tensor that requires grad leaves no history")
program("copy-leaf-checked-before-shapes-error", [
    leaf("x", [[1.0, 2.0, 3.0]]),
    {"op": "copy_", "inputs": ["x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]}],
    ["x"], message="a leaf Variable that requires grad is being used in an in-place operation.")
program("saved-version-copy-backwards-error", [
    leaf("x", [0.45]), {"out": "c", "op": "clone", "inputs": ["x"]},
    {"out": "p", "op": "pow", "inputs": ["c", 0.5]},
    {"out": "n", "op": "norm", "inputs": ["p"], "attrs": {"dim": -1, "p": "inf"}},
    {"op": "copy_", "inputs": ["p", "c"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["n"]}]}],
    ["x"], message="which is output 0 of torch::autograd::CopyBackwards, is at version 1")
program("bce-with-logits-loss-takes-target-dtype", [
    leaf("x", [1.36, -1.8, 1.02]),
    {"out": "t", "op": "tensor", "attrs": {"data": [0.25, 1.0, 0.0], "dtype": "float32"}},
    {"out": "l", "op": "binary_cross_entropy_with_logits", "inputs": ["x", "t"]},
    {"out": "n", "op": "binary_cross_entropy_with_logits", "inputs": ["x", "t"], "attrs": {"reduction": "none"}}, backward_sum("l")],
    ["x", "l", "n"], about="torch writes the loss into 1 - target in place: a float32 target makes a float32 loss of a float64 input")
program("mm-vector-error", [
    leaf("x", [1.0, 2.0]), {"out": "y", "op": "mm", "inputs": ["x", [[1.0], [2.0]]]}],
    ["y"], message="mm: self must be a matrix, got 1-D tensor")
# The version counter of the gradient a formula returns, as torch's formulas leave it (they
# write their results in place: masked_fill_, scatter_, sub_/mul_/div_), and its layout (a
# gradient laid out as the leaf is gets stolen, else copied, version 1). Shown by saving x.grad,
# writing it in place and backpropagating: torch's message names both versions.
def grad_version(name, steps, leaf, versions, about):
    program(name, steps + [
        {"out": "gw", "op": "ones_like", "inputs": [leaf + ".grad"], "attrs": {"requires_grad": True}},
        {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": [leaf + ".grad", "gw"]}]},
        {"op": "mul_", "inputs": [leaf + ".grad", 2]},
        {"op": "backward", "inputs": ["gz"]}], [leaf], message=versions, about=about)


X23 = [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]
for name, call, versions, about in [
        ("maximum", {"op": "maximum", "inputs": ["x", [[2.0, 5.0, 2.0], [2.0, 2.0, 2.0]]]}, "version 2; expected version 1", "maximum's formula ends in masked_fill_"),
        ("max", {"op": "max", "inputs": ["x"]}, "version 2; expected version 1", "evenly_distribute_backward fills zeros_like in place"),
        ("index-list", {"op": "index", "inputs": ["x"], "attrs": {"index": [[1, 0, 1]]}}, "version 2; expected version 1", "index_backward writes into zeros in place"),
        ("bce-with-logits-mean", {"op": "binary_cross_entropy_with_logits", "inputs": ["x", [[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]]]}, "version 4; expected version 3", "sigmoid().sub_(target), mul_(grad), div_(numel)"),
        ("bce-with-logits-pos-weight", {"op": "binary_cross_entropy_with_logits", "inputs": ["x", [[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]]],
                                        "attrs": {"pos_weight": [2.0, 1.0, 0.5], "weight": [1.0, 2.0, 3.0], "reduction": "sum"}}, "version 6; expected version 5", "five in-place writes with pos_weight and weight"),
        ("clamp-tensor-bounds", {"op": "clamp", "inputs": ["x"], "attrs": {"min": [2.0, 2.0, 2.0], "max": [4.0, 4.0, 4.0]}}, "version 2; expected version 1", "clamp with tensor bounds writes its result once"),
        ("relu-transposed", {"op": "relu", "inputs": [{"op": "t", "inputs": ["x"]}]}, "version 1; expected version 0", "threshold_backward is laid out as its result: x.grad is stolen"),
        ("softplus-transposed", {"op": "softplus", "inputs": [{"op": "t", "inputs": ["x"]}]}, "version 2; expected version 1", "softplus_backward is laid out as the incoming gradient: x.grad is copied"),
        ("linear-weight", {"op": "linear", "inputs": [[[1.0, 2.0, 3.0]], "x"]}, "version 1; expected version 0", "mm_mat2_backward of a transposed weight is column-major: its transpose is stolen")]:
    seed = {"op": "mul", "inputs": [call, 1.5]}
    grad_version(f"grad-version-{name}", [leaf("x", X23), {"op": "backward", "inputs": [{"op": "sum", "inputs": [seed]}]}],
                 "x", versions, about)
grad_version("grad-version-max-dim", [leaf("x", X23), {"out": ["v", "i"], "op": "max", "inputs": ["x"], "attrs": {"dim": 1}},
                                      {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["v", 1.5]}]}]}],
             "x", "version 3; expected version 2", "value_selecting_reduction_backward: zeros, then scatter_")
program("shaped-tensor-view-regenerated-without-base-grad", [
    {"out": "x", "op": "tensor", "attrs": {"data": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "shape": [2, 3], "requires_grad": True}},
    {"out": "v", "op": "t", "inputs": ["x"]},
    {"out": "d", "op": "detach", "inputs": ["v"]},
    {"op": "mul_", "inputs": ["d", 2]},
    {"out": "s", "op": "sum", "inputs": [{"op": "mul", "inputs": ["v", 3]}]}],
    ["x", "v", "s"], about="a view of a shaped tensor (itself a view of a base that needs no gradient) written through an alias: torch regenerates AsStridedBackward0 with no next function, the view still requires grad")
program("clamp-inplace-integer-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [1, 2, 3], "dtype": "int64"}},
    {"op": "clamp_", "inputs": ["x"], "attrs": {"min": -0.5, "max": 1.5}}],
    ["x"], message="can't be cast to the desired output type long int")
program("inplace-shape-before-dtype-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [1, 2, 3], "dtype": "int64"}},
    {"op": "add_", "inputs": ["x", [[0.5, 0.5, 0.5], [1.5, 1.5, 1.5]]]}],
    ["x"], message="output with shape [3] doesn't match the broadcast shape [2, 3]")
program("shaped-tensor-inplace-view-of-leaf-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [1.0, 2.0, 3.0, 4.0], "shape": [2, 2], "requires_grad": True}},
    {"op": "add_", "inputs": ["x", 1]}],
    ["x"], message="a view of a leaf Variable that requires grad is being used in an in-place operation.")
program("saved-version-clamp1-error", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": "v", "op": "var", "inputs": ["y"]},
    {"op": "clamp_", "inputs": ["y"], "attrs": {"min": -0.5, "max": 1.5}},
    {"op": "backward", "inputs": ["v"]}],
    ["x"], message="which is output 0 of Clamp1, is at version 1; expected version 0 instead")
program("saved-version-crossed-order-error", [
    leaf("x", [[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": "b", "op": "bmm", "inputs": ["y", {"op": "transpose", "inputs": ["y", 1, 2]}]},
    {"op": "zero_", "inputs": ["y"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["b"]}]}],
    ["x"], message="[torch.DoubleTensor [2, 3, 1]], which is output 0 of AsStrided, is at version 1")
program("saved-version-bool-error", [
    leaf("x", [1.0, 2.0]), {"out": "m", "op": "tensor", "attrs": {"data": [True, False], "dtype": "bool"}},
    {"out": "y", "op": "where", "inputs": ["m", "x", 0.0]},
    {"out": "z", "op": "pow", "inputs": ["x", "m"]},
    {"op": "zero_", "inputs": ["m"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["z"]}]}],
    ["x"], message="[CPUBoolType [2]] is at version 1; expected version 0 instead")
program("overlap-internal-before-partial-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [1.0, 2.0, 3.0]}},
    {"out": "e", "op": "expand", "inputs": ["x", 2, -1]},
    {"op": "sub_", "inputs": ["e", "x"]}],
    ["x"], message="more than one element of the written-to tensor refers to a single memory location")
program("overlap-too-hard-then-shape-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}},
    {"out": "e", "op": "expand", "inputs": ["x", 2, -1, -1]},
    {"out": "t", "op": "transpose", "inputs": ["x", 0, 1]},
    {"op": "add_", "inputs": ["t", "e"]}],
    ["x"], message="The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 2")
program("overlap-transposed-self-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [[1.0, 2.0], [3.0, 4.0]]}},
    {"op": "add_", "inputs": ["x", {"op": "t", "inputs": ["x"]}]}],
    ["x"], message="some elements of the input tensor and the written-to tensor refer to a single memory location")
program("saved-version-copy-slices-error", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    {"op": "mul_", "inputs": [{"op": "index", "inputs": ["y"], "attrs": {"index": [0]}}, 2]},
    {"out": "z", "op": "sin", "inputs": ["y"]},
    {"op": "mul_", "inputs": [{"op": "index", "inputs": ["y"], "attrs": {"index": [1]}}, 3]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["z"]}]}],
    ["x"], message="which is output 0 of torch::autograd::CopySlices, is at version 2; expected version 1 instead")
program("bce-logits-bool-target-error", [
    leaf("x", [0.5, -1.0]), {"out": "t", "op": "tensor", "attrs": {"data": [True, False], "dtype": "bool"}},
    {"out": "l", "op": "binary_cross_entropy_with_logits", "inputs": ["x", "t"]}],
    ["x"], message="Subtraction, the `-` operator, with two bool tensors is not supported")
program("matmul-bool-empty-inner", [
    {"out": "a", "op": "tensor", "attrs": {"data": [], "shape": [2, 0], "dtype": "bool"}},
    {"out": "b", "op": "tensor", "attrs": {"data": [], "shape": [0, 3], "dtype": "bool"}},
    {"out": "c", "op": "matmul", "inputs": ["a", "b"]}],
    ["c"])
program("amax-empty-dim-as-given-error", [
    leaf("x", [[1.0, 2.0, 3.0]]),
    {"out": "e", "op": "index", "inputs": ["x"], "attrs": {"index": [{"start": 0, "stop": 0}]}},
    {"out": "m", "op": "amin", "inputs": ["e"], "attrs": {"dim": -2}}],
    ["x"], message="amin(): Expected reduction dim -2 to have non-zero size.")
# pointwise results are laid out as their operands (TensorIterator), clone preserves layout
program("layout-exp-of-transpose-contiguous", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "y", "op": "exp", "inputs": [{"op": "t", "inputs": ["x"]}]},
    {"out": "c", "op": "contiguous", "inputs": ["y"]},
    {"out": "r", "op": "reshape", "inputs": ["y", -1]},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["c", "c"]}]}, {"op": "sum", "inputs": ["r"]}]}]}],
    ["x", "c", "r"])
program("layout-binary-follows-first-operand", [
    leaf("x", [[1.0, 2.0], [3.0, 4.0]]), leaf("w", [[0.5, 1.5], [2.5, 3.5]]),
    {"out": "y", "op": "add", "inputs": [{"op": "t", "inputs": ["x"]}, "w"]},
    {"out": "z", "op": "add", "inputs": ["w", {"op": "t", "inputs": ["x"]}]},
    {"out": "yc", "op": "contiguous", "inputs": ["y"]},
    {"out": "zc", "op": "contiguous", "inputs": ["z"]}],
    ["yc", "zc"])
program("layout-view-of-pointwise-transposed-error", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "y", "op": "mul", "inputs": [{"op": "t", "inputs": ["x"]}, 2]},
    {"out": "v", "op": "view", "inputs": ["y", -1]}],
    ["v"], message="view size is not compatible with input tensor's size and stride")
program("layout-clone-preserves-transpose-error", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "y", "op": "clone", "inputs": [{"op": "t", "inputs": ["x"]}]},
    {"out": "v", "op": "view", "inputs": ["y", -1]}],
    ["v"], message="view size is not compatible with input tensor's size and stride")
program("prod-two-zeros-infinite-grad", [
    leaf("x", [[1.5, 1.0, 2.0]]),
    {"out": "z", "op": "mul", "inputs": ["x", 0]},
    {"out": "p", "op": "prod", "inputs": ["z"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "log", "inputs": ["p"]}]}]}],
    ["x"])
program("amax-empty-before-repeated-dims-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [], "shape": [0]}},
    {"out": "m", "op": "amax", "inputs": ["x"], "attrs": {"dim": [0, -1]}}],
    ["x"], message="amax(): Expected reduction dim 0 to have non-zero size.")
program("matmul-batch-broadcast-before-size-error", [
    leaf("a", [[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]),
    {"out": "b", "op": "ones", "inputs": [4, 1, 3]},
    {"out": "c", "op": "matmul", "inputs": ["a", "b"]}],
    ["c"], message="The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0")
program("sub-inplace-bool-before-overlap-error", [
    {"out": "m", "op": "tensor", "attrs": {"data": [[False], [False], [True]], "dtype": "bool"}},
    {"out": "e", "op": "expand", "inputs": ["m", 2, -1, -1]},
    {"op": "sub_", "inputs": ["e", "m"]}],
    ["m"], message="Subtraction, the `-` operator, with two bool tensors is not supported")
program("layout-exp-of-unsqueezed-transpose", [
    leaf("x", [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]),
    {"out": "y", "op": "exp", "inputs": [{"op": "unsqueeze", "inputs": [{"op": "t", "inputs": ["x"]}, 1]}]},
    {"out": "c", "op": "contiguous", "inputs": ["y"]}],
    ["c"])
program("add-alpha-after-broadcast-error", [
    {"out": "a", "op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}},
    {"out": "b", "op": "tensor", "attrs": {"data": [1, 2, 3], "dtype": "int64"}},
    {"out": "c", "op": "add", "inputs": ["a", "b"], "attrs": {"alpha": 0.5}}],
    ["a"], message="The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0")
program("div-inplace-output-shape-first-error", [
    {"out": "a", "op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}},
    {"out": "b", "op": "tensor", "attrs": {"data": [[0, 0], [0, 0], [0, 0]], "dtype": "int64"}},
    {"op": "div_", "inputs": ["a", "b"], "attrs": {"rounding_mode": "floor"}}],
    ["a"], message="output with shape [2] doesn't match the broadcast shape [3, 2]")
program("add-inplace-alpha-after-broadcast-error", [
    {"out": "a", "op": "tensor", "attrs": {"data": [1, 2, 3], "dtype": "int64"}},
    {"out": "b", "op": "tensor", "attrs": {"data": [[1, 2], [3, 4], [5, 6]], "dtype": "int64"}},
    {"op": "add_", "inputs": ["a", "b"], "attrs": {"alpha": 0.5}}],
    ["a"], message="The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1")
program("nll-unbatched-one-target-none", [
    leaf("x", [-0.5, -1.0, -2.0]),
    {"out": "l", "op": "nll_loss", "inputs": ["x", {"op": "tensor", "attrs": {"data": [1], "dtype": "int64"}}], "attrs": {"reduction": "none"}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["l"]}]}],
    ["x", "l"], message="size mismatch (got input: [3], target: [1])")
program("sub-bool-number-error", [
    leaf("x", [1.0, 2.0]),
    {"out": "y", "op": "sub", "inputs": ["x", True]}],
    ["x"], message="Subtraction, the `-` operator, with a bool tensor is not supported")
program("rsub-bool-number-error", [
    leaf("x", [1.0, 2.0]),
    {"out": "y", "op": "rsub", "inputs": ["x", True]}],
    ["x"], message="Subtraction, the `-` operator, with a bool tensor is not supported")
program("view-inplace-saved-view-error", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", "x"]},
    {"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(0, 2)]}},
    {"op": "mul_", "inputs": ["v", "v"]},
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": ["y"]}, "x"], "attrs": {"create_graph": True}},
    {"out": "h", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g", [1.0, 2.0, 3.0]]}]}, "x"]},
    {"out": "gd", "op": "detach", "inputs": ["g"]}],
    ["gd", "h"], graph=False, message="modified by an inplace operation")
program("view-inplace-non-contiguous-base", [
    {"out": "x", "op": "tensor", "attrs": {"data": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}},
    {"out": "d", "op": "detach", "inputs": [{"op": "t", "inputs": ["x"]}]},
    leaf("w", [[2.0, 3.0], [4.0, 5.0]]),
    {"out": "v", "op": "index", "inputs": ["d"], "attrs": {"index": [sl(1, 3)]}},
    {"op": "mul_", "inputs": ["v", "w"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["d", [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]}]}]}],
    ["x", "d", "v", "w"])
program("view-inplace-expanded-error", [
    {"out": "b", "op": "zeros", "inputs": [3]},
    {"out": "e", "op": "expand", "inputs": ["b", 2, 3]},
    {"op": "add_", "inputs": ["e", 1]}],
    ["b"], message="more than one element of the written-to tensor refers to a single memory location")
program("view-inplace-no-grad-view-error", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"no_grad": [{"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(0, 2)]}}]},
    {"op": "mul_", "inputs": ["v", 2]}],
    ["y"], message="A view was created in no_grad mode and is being modified inplace with grad mode enabled")
program("view-inplace-of-leaf-error", [
    leaf("x", [1.0, 2.0, 3.0]),
    {"out": "v", "op": "index", "inputs": ["x"], "attrs": {"index": [sl(0, 2)]}},
    {"op": "mul_", "inputs": ["v", 2]}],
    ["x"], message="a view of a leaf Variable that requires grad is being used in an in-place operation")
program("view-inplace-no-grad-then-backward", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 3]},
    {"no_grad": [{"out": "v", "op": "index", "inputs": ["y"], "attrs": {"index": [sl(1)]}},
                 {"op": "zero_", "inputs": ["v"]}]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}],
    ["x", "y"])

# Found by the differential test (difftest.py); each was a divergence from torch or a crash.
program("found-var-mean-0d-with-dim", [
    leaf("x", 0.65), {"out": "v", "op": "var", "inputs": ["x"], "attrs": {"dim": 0}},
    {"out": "m", "op": "mean", "inputs": ["x"], "attrs": {"dim": [0]}},
    {"op": "backward", "inputs": [{"op": "add", "inputs": ["v", "m"]}]}],
    ["x", "v", "m"])
program("found-var-no-degrees-of-freedom", [
    leaf("x", [-0.02]), {"out": "v", "op": "var", "inputs": ["x"], "attrs": {"correction": 2}},
    {"op": "backward", "inputs": ["v"]}],
    ["x", "v"])
program("found-amax-nan-row", [
    leaf("x", [[1.75, -1.0, 3.0], [0.5, 2.0, 2.0]]), {"out": "l", "op": "log", "inputs": ["x"]},
    {"out": "a", "op": "amax", "inputs": ["l"], "attrs": {"dim": -1}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["a"]}]}],
    ["x", "a"])
program("found-sign-of-nan", [
    leaf("x", [0.5, -0.82, 1.71]), {"out": "l", "op": "log", "inputs": ["x"]},
    {"out": "n", "op": "norm", "inputs": ["l"], "attrs": {"p": 1}},
    {"op": "backward", "inputs": ["n"]}],
    ["x", "n"])
program("found-inf-norm-nan", [
    leaf("x", [[1.0, -2.0], [0.5, 3.0]]), {"out": "r", "op": "rsqrt", "inputs": ["x"]},
    {"out": "n", "op": "norm", "inputs": ["r"], "attrs": {"p": "inf"}},
    {"out": "m", "op": "norm", "inputs": ["x"], "attrs": {"p": "inf", "dim": 0}},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": ["m"]}, "n"]}]}],
    ["x", "n", "m"])
program("found-pow-half-of-minus-infinity", [
    {"out": "x", "op": "tensor", "attrs": {"data": ["-Infinity", 4.0, -1.0]}},
    {"out": "h", "op": "pow", "inputs": ["x", 0.5]}, {"out": "c", "op": "pow", "inputs": ["x", 3]},
    {"out": "r", "op": "pow", "inputs": ["x", -0.5]}],
    ["h", "c", "r"])
program("found-relu-of-nan", [
    leaf("x", [-0.27, 0.04, 0.57]), {"out": "l", "op": "log", "inputs": ["x"]},
    {"out": "r", "op": "relu", "inputs": ["l"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["r"]}]}],
    ["x", "r"])
program("found-clamp-of-nan", [
    leaf("x", [1.48, -1.98, 0.5]), {"out": "l", "op": "log", "inputs": ["x"]},
    {"out": "c", "op": "clamp", "inputs": ["l"], "attrs": {"min": -0.5, "max": 1.5}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["c"]}]}],
    ["x", "c"])
program("found-clamp-mixed-bounds-error", [
    leaf("x", [1.0, 2.0]), {"out": "c", "op": "clamp", "inputs": ["x"], "attrs": {"min": "x", "max": 1.0}}],
    ["c"])
program("found-partial-overlap-error", [
    leaf("x", [-0.76, 0.5]), {"out": "y", "op": "log_softmax", "inputs": ["x"], "attrs": {"dim": 0}},
    {"out": "s", "op": "select", "inputs": ["y", 0, -1]},
    {"op": "mul_", "inputs": ["y", "s"]}],
    ["y"], message="some elements of the input tensor and the written-to tensor refer to a single memory location")
program("found-saved-result-checked-first", [
    leaf("x", -1.24), {"out": "p", "op": "prod", "inputs": ["x"], "attrs": {"dim": -1}},
    {"op": "sub_", "inputs": ["p", 2]},
    {"op": "backward", "inputs": ["p"]}],
    ["x"], message="modified by an inplace operation")
program("found-mse-loss-broadcast", [
    leaf("x", [[[1.35, -1.11, 1.28]], [[-0.05, -0.05, -1.24]]]), leaf("t", [[0.51, 1.8, 0.77]]),
    {"out": "l", "op": "mse_loss", "inputs": ["x", "t"]},
    {"out": "a", "op": "l1_loss", "inputs": ["t", "x"], "attrs": {"reduction": "sum"}},
    {"op": "backward", "inputs": [{"op": "add", "inputs": ["l", "a"]}]}],
    ["x", "t", "l", "a"])
program("found-bce-target-size-error", [
    leaf("x", [0.5, 1.0, -1.0]),
    {"out": "l", "op": "binary_cross_entropy_with_logits", "inputs": ["x", [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]]}],
    ["l"], message="must be the same as input size")
program("found-inplace-saves-a-clone", [
    leaf("x", [[[-0.83, 1.28, -1.53]], [[1.67, 1.17, 1.97]]]), {"out": "y", "op": "add", "inputs": ["x", 0.5]},
    {"op": "mul_", "inputs": ["y", "x"]},
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": ["y"]}, "x"], "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g", "g"]}]}]}],
    ["x", "y", "g"])
program("found-amax-0d-with-dim-second-order", [
    leaf("x", -1.1), {"out": "a", "op": "amax", "inputs": ["x"], "attrs": {"dim": -1}},
    {"out": "g", "op": "grad", "inputs": [{"op": "log_softmax", "inputs": ["a"], "attrs": {"dim": 0}}, "x"], "attrs": {"create_graph": True}}],
    ["x", "a", "g"])
program("found-flatten-0d-dims-error", [
    leaf("x", 0.5), {"out": "f", "op": "flatten", "inputs": ["x"], "attrs": {"start_dim": 0, "end_dim": 1}}],
    ["f"], message="Dimension out of range")
program("found-cross-entropy-probabilities-empty", [
    {"out": "x", "op": "tensor", "attrs": {"data": [], "shape": [0, 3], "requires_grad": True}},
    {"out": "l", "op": "cross_entropy", "inputs": ["x", {"op": "tensor", "attrs": {"data": [], "shape": [0, 3]}}]},
    {"op": "backward", "inputs": ["l"]}],
    ["x", "l"])
program("found-bce-target-range-error", [
    leaf("x", [0.2, 0.7]), {"out": "l", "op": "binary_cross_entropy", "inputs": ["x", ["NaN", 0.5]]}],
    ["l"], message="all elements of target should be between 0 and 1")
program("found-softplus-integer-error", [
    {"out": "i", "op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}},
    {"out": "s", "op": "softplus", "inputs": ["i"]}],
    ["s"], message="not implemented for 'Long'")
program("found-zero-expanded", [
    leaf("x", [[1.29], [1.25], [-1.16]]), {"out": "s", "op": "std", "inputs": ["x"], "attrs": {"dim": 0, "keepdim": True}},
    {"out": "e", "op": "expand", "inputs": ["s", 2, -1, -1]}, {"op": "zero_", "inputs": ["e"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["e"]}]}],
    ["x", "s", "e"], message="more than one element of the written-to tensor refers to a single memory location")
program("found-min-dim-0d-second-order", [
    leaf("x", 0.54), {"out": ["m", "i"], "op": "min", "inputs": ["x"], "attrs": {"dim": 0}},
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["m", "x"]}]}, "x"], "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "mul", "inputs": ["g", "g"]}]}],
    ["x", "m", "i", "g"])
program("found-prod-zero-size-one-dim", [
    leaf("x", [[-0.03], [0.0], [-0.91]]), {"out": "p", "op": "prod", "inputs": ["x"], "attrs": {"dim": -1}},
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": ["p"]}, "x"], "attrs": {"create_graph": True}}],
    ["x", "p", "g"])
program("found-gelu-integer-error", [
    {"out": "i", "op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}},
    {"out": "s", "op": "gelu", "inputs": ["i"]}],
    ["s"], message="not implemented for 'Long'")
program("found-clamp-0d-bound-as-number", [
    leaf("x", [-1.23, -1.87, 0.48]),
    {"no_grad": [{"out": "m", "op": "prod", "inputs": ["x"]}]},
    {"out": "c", "op": "clamp", "inputs": ["x"], "attrs": {"min": "m", "max": 1.0}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["c"]}]}],
    ["x", "c"])
program("found-reshape-records", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": "a", "op": "reshape", "inputs": [{"op": "t", "inputs": ["x"]}, 3, 2]},
    {"out": "b", "op": "reshape", "inputs": [{"op": "t", "inputs": ["x"]}, 6]},
    {"out": "c", "op": "reshape", "inputs": [{"op": "expand", "inputs": [{"op": "index", "inputs": ["x"], "attrs": {"index": [{"stop": 1}]}}, 2, -1]}, 2, 3]},
    {"out": "d", "op": "linear", "inputs": [{"op": "expand", "inputs": [{"op": "unsqueeze", "inputs": ["x", 0]}, 2, -1, -1]}, "x"]},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": ["a"]}, {"op": "sum", "inputs": ["b"]}]}, {"op": "add", "inputs": [{"op": "sum", "inputs": ["c"]}, {"op": "sum", "inputs": ["d"]}]}]}]}],
    ["x", "a", "b", "c", "d"])
program("found-view-of-split-output-error", [
    leaf("x", [0.46, 1.36, 1.69]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    {"out": ["p", "q"], "op": "chunk", "inputs": ["y", 2]},
    {"out": "u", "op": "unsqueeze", "inputs": ["p", 0]},
    {"op": "clamp_", "inputs": ["u"], "attrs": {"min": -0.5, "max": 1.5}}],
    ["y"], message="This view is the output of a function that returns multiple views")
program("found-copy-slices-keeps-infinities", [
    leaf("x", [0.29, 0.08, 0.59]), {"out": "y", "op": "cat", "inputs": ["x", "x"]},
    {"out": "v", "op": "reshape", "inputs": ["y", -1]}, {"op": "zero_", "inputs": ["v"]},
    {"out": "r", "op": "reciprocal", "inputs": ["y"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["r"]}]}],
    ["x", "y", "r"])
program("found-unread-saved-tensor-may-change", [
    leaf("x", [[-0.75], [-1.25], [1.95]]), {"out": "d", "op": "detach", "inputs": ["x"]},
    {"op": "mul_", "inputs": ["d", "x"]},
    {"out": "m", "op": "mm", "inputs": [{"op": "t", "inputs": ["x"]}, {"op": "tensor", "attrs": {"data": [[1.0], [2.0], [3.0]]}}]},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": ["d"]}, {"op": "sum", "inputs": ["m"]}]}]}],
    ["x", "d", "m"])
program("found-bool-extrema", [
    {"out": "b", "op": "tensor", "attrs": {"data": [[False, True, False], [False, False, False]]}},
    {"out": "a", "op": "amin", "inputs": ["b"], "attrs": {"dim": [0], "keepdim": True}},
    {"out": "m", "op": "amax", "inputs": ["b"], "attrs": {"dim": 1}},
    {"out": "w", "op": "max", "inputs": ["b"]}, {"out": "v", "op": "min", "inputs": ["b"]},
    {"out": "i", "op": "amax", "inputs": [{"op": "tensor", "attrs": {"data": [[3, -2], [7, 1]], "dtype": "int64"}}], "attrs": {"dim": 0}}],
    ["a", "m", "w", "v", "i"])
program("found-mse-loss-mixed-dtypes", [
    leaf("x", [[1.79, 0.78, -1.01], [0.97, 0.3, 0.96]]),
    {"out": "b", "op": "tensor", "attrs": {"data": [True, False, True]}},
    {"out": "l", "op": "mse_loss", "inputs": ["b", "x"]},
    {"op": "backward", "inputs": ["l"]}],
    ["x", "l"])
for name, call, phrase in [
        ("mse-loss-integers", {"op": "mse_loss", "inputs": [{"op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}}, {"op": "tensor", "attrs": {"data": [2, 2], "dtype": "int64"}}]}, "not implemented for 'Long'"),
        ("argmax-bool", {"op": "argmax", "inputs": [{"op": "tensor", "attrs": {"data": [True, False]}}]}, "does not support bool input"),
        ("sub-bool", {"op": "sub", "inputs": [[1.0, 2.0], {"op": "tensor", "attrs": {"data": [True, False]}}]}, "with a bool tensor is not supported"),
        ("rsub-bool", {"op": "rsub", "inputs": [{"op": "tensor", "attrs": {"data": [True, False]}}, 2]}, "with a bool tensor is not supported"),
        ("abs-bool", {"op": "abs", "inputs": [{"op": "tensor", "attrs": {"data": [True, False]}}]}, "not implemented for 'Bool'"),
        ("relu-bool", {"op": "relu", "inputs": [{"op": "tensor", "attrs": {"data": [True, False]}}]}, "Boolean inputs not supported for relu"),
        ("pow-bool", {"op": "pow", "inputs": [{"op": "tensor", "attrs": {"data": [True, False]}}, {"op": "tensor", "attrs": {"data": [False, True]}}]}, "not implemented for 'Bool'"),
        ("bce-logits-integer-target", {"op": "binary_cross_entropy_with_logits", "inputs": [[0.5, -1.0], {"op": "tensor", "attrs": {"data": [1, 0], "dtype": "int64"}}]}, "can't be cast to the desired output type Long")]:
    program(f"found-{name}-error", [{"out": "r", **call}], ["r"], message=phrase)
program("found-square-of-bool", [
    {"out": "b", "op": "tensor", "attrs": {"data": [True, False]}}, {"out": "s", "op": "square", "inputs": ["b"]}],
    ["s"])
program("found-softmax-of-empty-integers", [
    {"out": "e", "op": "tensor", "attrs": {"data": [], "dtype": "int64", "shape": [0, 3]}},
    {"out": "s", "op": "softmax", "inputs": ["e"], "attrs": {"dim": -1}},
    {"out": "l", "op": "log_softmax", "inputs": ["e"], "attrs": {"dim": 0}}],
    ["s", "l"])
program("found-second-order-graph-names", [
    leaf("a", [[0.5, 1.85, 1.4], [0.58, 1.88, 0.37]]), leaf("b", [1.39, 0.2, -0.7]),
    {"out": "m", "op": "matmul", "inputs": [{"op": "mse_loss", "inputs": ["a", "a"], "attrs": {"reduction": "none"}}, {"op": "t", "inputs": ["a"]}]},
    {"out": "v", "op": "var", "inputs": ["b"]}, {"out": "s", "op": "std", "inputs": ["a"], "attrs": {"dim": 0}},
    {"out": "n", "op": "norm", "inputs": ["b"], "attrs": {"p": 3}}, {"out": "q", "op": "prod", "inputs": ["b"]},
    {"out": "w", "op": "where", "inputs": [{"op": "gt", "inputs": ["b", 0]}, "b", {"op": "abs", "inputs": ["b"]}]},
    {"out": ["ga", "gb"], "op": "grad", "inputs": [{"op": "add", "inputs": [
        {"op": "add", "inputs": [{"op": "sum", "inputs": ["m"]}, {"op": "add", "inputs": ["v", {"op": "sum", "inputs": ["s"]}]}]},
        {"op": "add", "inputs": [{"op": "add", "inputs": ["n", "q"]}, {"op": "sum", "inputs": [{"op": "clamp", "inputs": ["w"], "attrs": {"min": 0.3}}]}]}]}, "a", "b"],
     "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["ga", "ga"]}]}, {"op": "sum", "inputs": [{"op": "mul", "inputs": ["gb", "gb"]}]}]}]}],
    ["a", "b", "ga", "gb"])


# Views torch made with grad mode off or by split/chunk (its CreationMeta): they require grad
# when their base does but pass no gradient back, and torch refuses to write into them or to
# regenerate their history once their base was written in place.
def nograd(*steps):
    return {"no_grad": list(steps)}


def index(out, source, *slices):
    return {"out": out, "op": "index", "inputs": [source], "attrs": {"index": list(slices)}}


program("nograd-view-of-leaf", [
    leaf("x", [1.0, 2.0, 3.0]), nograd(index("v", "x", sl(0, 2))), {"out": "z", "op": "mul", "inputs": ["v", 2]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["z"]}]}],
    ["x", "v", "z"])
program("nograd-view-of-nonleaf", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    nograd({"out": "v", "op": "view", "inputs": ["y", 3]}), {"out": "z", "op": "mul", "inputs": ["v", "x"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["z"]}]}],
    ["x", "y", "v", "z"])
program("nograd-view-grad-wrt-error", [
    leaf("x", [1.0, 2.0, 3.0]), nograd({"out": "v", "op": "t", "inputs": ["x"]}),
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["v", "v"]}]}, "v"]}],
    ["g"], message="appears to not have been used in the graph")
program("nograd-view-grad-wrt-unused", [
    leaf("x", [1.0, 2.0, 3.0]), nograd({"out": "v", "op": "t", "inputs": ["x"]}),
    {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["v", "x"]}]}, "v", "x"],
     "attrs": {"allow_unused": True}}],
    ["v", "g"])
program("nograd-view-backward-through", [
    leaf("x", [1.0, 2.0, 3.0]), nograd({"out": "v", "op": "t", "inputs": ["x"]}),
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["v"]}]}],
    ["x", "v"])
program("nograd-view-of-view-inplace-error", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 2]},
    nograd(index("v", "y", sl(0, 2))), index("w", "v", sl(1)), {"op": "mul_", "inputs": ["w", 2]}],
    ["w"], message="is a view of a view which was created in no_grad mode")
program("nograd-view-of-leaf-inplace-error", [
    leaf("x", [1.0, 2.0, 3.0]), nograd(index("v", "x", sl(0, 2))), {"op": "mul_", "inputs": ["v", 2]}],
    ["v"], message="A view was created in no_grad mode and is being modified inplace")
program("nograd-view-of-plain-tensor-inplace-error", [
    leaf("w", [1.0, 2.0]), {"out": "x", "op": "ones", "inputs": [3]},
    nograd(index("v", "x", sl(0, 2))), {"op": "mul_", "inputs": ["v", "w"]}],
    ["v"], message="A view was created in no_grad mode and is being modified inplace")
program("nograd-view-stale-error", [
    leaf("x", [1.0, 2.0, 3.0]), nograd(index("v", "x", sl(0, 2)), {"op": "mul_", "inputs": ["x", 2]}),
    {"out": "z", "op": "mul", "inputs": ["v", 3]}],
    ["z"], message="its base or another view of its base has been modified inplace with grad mode enabled")
program("nograd-view-stale-inplace-error", [
    leaf("x", [1.0, 2.0, 3.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    nograd(index("v", "y", sl(0, 2)), {"op": "mul_", "inputs": ["y", 2]}), {"op": "mul_", "inputs": ["v", 2]}],
    ["y"], message="A view was created in no_grad mode and is being modified inplace")
program("nograd-view-stale-under-nograd", [
    leaf("x", [1.0, 2.0, 3.0]), nograd(index("v", "x", sl(0, 2)), {"op": "mul_", "inputs": ["x", 2]},
                                       {"out": "z", "op": "mul", "inputs": ["v", 3]})],
    ["x", "z"])
program("nograd-split-then-op", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    nograd({"out": ["p", "q"], "op": "split", "inputs": ["y", 2]}), {"out": "r", "op": "mul", "inputs": ["p", 2]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["r"]}]}],
    ["x", "p", "r"])
program("split-after-base-inplace-error", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    {"out": ["a", "b"], "op": "split", "inputs": ["y", 2]}, {"op": "mul_", "inputs": ["y", 2]},
    {"out": "z", "op": "mul", "inputs": ["a", 2]}],
    ["z"], message="Output 0 of Split is a view and its base or another view of its base has been modified inplace")
program("chunk-after-sibling-inplace-error", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    {"out": ["a", "b"], "op": "chunk", "inputs": ["y", 2]}, nograd({"op": "mul_", "inputs": ["a", 2]}),
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["b", 3]}]}]}],
    ["x"], message="Output 1 of Split is a view and its base or another view of its base has been modified inplace")
program("split-after-base-inplace-detach", [
    leaf("x", [1.0, 2.0, 3.0, 4.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
    {"out": ["a", "b"], "op": "split", "inputs": ["y", 2]}, {"op": "mul_", "inputs": ["y", 2]},
    {"out": "d", "op": "detach", "inputs": ["a"]}, nograd({"out": "s", "op": "sum", "inputs": ["b"]})],
    ["y", "d", "s"])
# torch's autograd layer collects an op's input edges before its kernel runs: a stale view's
# error (a split output, or a view made under no_grad, whose base was written since) comes before
# the op's own argument checks, after the checks of composite ops and of constant arguments
def stale_split(*steps):
    return [leaf("x", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
            {"out": ["a", "b"], "op": "split", "inputs": ["y", 3]}, {"op": "mul_", "inputs": ["y", 2]}, *steps]


def stale_nograd(*steps):
    return [leaf("x", [0.25, 0.5, 0.75, 0.5, 0.25, 0.5]), {"out": "y", "op": "mul", "inputs": ["x", 1]},
            nograd({"out": "a", "op": "reshape", "inputs": ["y", 2, 3]}), {"op": "mul_", "inputs": ["y", 2]}, *steps]


SPLIT_STALE = "Output 0 of Split is a view and its base or another view of its base has been modified inplace"
NOGRAD_STALE = "A view was created in no_grad mode and its base or another view of its base has been modified inplace"
for name, call in [
        ("add-shape-mismatch", {"op": "add", "inputs": ["a", {"op": "ones", "inputs": [2]}]}),
        ("mm-not-matrix", {"op": "mm", "inputs": ["a", {"op": "ones", "inputs": [3, 2]}]}),
        ("sum-dim-out-of-range", {"op": "sum", "inputs": ["a"], "attrs": {"dim": 4}}),
        ("view-bad-shape", {"op": "view", "inputs": ["a", 4]}),
        ("squeeze-dim-out-of-range", {"op": "squeeze", "inputs": ["a"], "attrs": {"dim": 3}}),
        ("split-sizes-mismatch", {"op": "split", "inputs": ["a"], "attrs": {"split_size_or_sections": [1, 1]}}),
        ("cat-mismatch", {"op": "cat", "inputs": ["a", {"op": "ones", "inputs": [2, 2]}]}),
        ("add_-into-plain-tensor", {"op": "add_", "inputs": [{"op": "ones", "inputs": [2]}, "a"]}),
        ("bce-out-of-range", {"op": "binary_cross_entropy", "inputs": ["a", {"op": "ones_like", "inputs": ["a"]}]}),
        ("bce-with-logits-int64-target", {"op": "binary_cross_entropy_with_logits", "inputs": [
            "a", {"op": "tensor", "attrs": {"data": [1, 0, 1], "dtype": "int64"}}]}),
        ("nll-target-out-of-range", {"op": "nll_loss", "inputs": [
            {"op": "unsqueeze", "inputs": ["a", 0]}, {"op": "tensor", "attrs": {"data": [7], "dtype": "int64"}}]})]:
    out = ["z", "w"] if call["op"] == "split" else "z"
    program(f"stale-split-view-before-{name}-error", stale_split(dict(call, out=out)), [], message=SPLIT_STALE,
            about="a stale view's error comes before the op's own argument checks, as torch collects edges first")
program("stale-nograd-view-before-mm-error", stale_nograd(
    {"out": "z", "op": "mm", "inputs": ["a", {"op": "ones", "inputs": [2, 2]}]}), ["z"], message=NOGRAD_STALE,
    about="a stale view's error comes before the op's own argument checks, as torch collects edges first")
program("stale-split-view-after-matmul-rank-error", stale_split(
    {"out": "z", "op": "matmul", "inputs": ["a", {"op": "tensor", "attrs": {"data": 2.0}}]}), ["z"],
    message="both arguments to matmul need to be at least 1D",
    about="matmul is composite in torch: its own check comes before the first recorded op's")
program("stale-split-view-after-broadcast-error-in-mse", stale_split(
    {"out": "z", "op": "mse_loss", "inputs": ["a", {"op": "ones", "inputs": [2]}]}), ["z"],
    message="The size of tensor a (3) must match the size of tensor b (2)",
    about="F.mse_loss broadcasts its arguments (composite) before mse_loss collects edges")
program("stale-split-view-as-bce-weight-error", stale_split(
    {"out": "z", "op": "binary_cross_entropy", "inputs": [{"op": "full", "attrs": {"shape": [3], "fill_value": 0.5}}, {"op": "ones", "inputs": [3]}],
     "attrs": {"weight": "a"}}), ["z"], message=SPLIT_STALE,
    about="torch's check that weight does not require grad reads its grad_fn, which refuses a stale view")
# found by probe.py shapes (each leaf of each form given an edge shape)
program("expand-checks-last-dimension-first-error", [
    {"out": "x", "op": "tensor", "attrs": {"data": [], "shape": [1, 0], "requires_grad": True}},
    {"out": "y", "op": "expand", "inputs": ["x", 3, 4]}], ["y"],
    message="The expanded size of the tensor (4) must match the existing size (0) at non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [1, 0]",
    about="torch's inferExpandGeometry checks the dimensions from the last")
program("where-broadcasts-condition-then-operands-error", [
    leaf("a", [0.5, 1.5]), leaf("b", [1.0, 2.0, 3.0, 4.0]),
    {"out": "y", "op": "where", "inputs": [[True, False, True], "a", "b"]}], ["y"],
    message="The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
    about="TensorIterator broadcasts the condition with self, then with other")
program("index-error-names-item-position", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), {"out": "y", "op": "index", "inputs": ["x"], "attrs": {"index": [1, 5]}}],
    ["y"], message="index 5 is out of bounds for dimension 1 with size 3",
    about="torch's applySelect names the item's position in the index, not the dimension left to index")
program("index-error-after-ellipsis-names-item-position", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), {"out": "y", "op": "index", "inputs": ["x"], "attrs": {"index": ["...", 1, 5]}}],
    ["y"], message="index 5 is out of bounds for dimension 2 with size 3",
    about="torch's applySelect names the item's position in the index, the ellipsis counting as one")
program("addmm-shape-error-words", [
    leaf("x", [0.5]), leaf("w", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), leaf("b", [1.0, 2.0]),
    {"out": "y", "op": "linear", "inputs": ["x", "w", "b"]}], ["y"],
    message="addmm: mat1 and mat2 shapes cannot be multiplied (1x1 and 3x2)", about="torch 2.15's words for addmm's shape check")
program("addmm-self-not-matrix-error", [
    leaf("x", [[1.0, 2.0, 3.0]]), leaf("w", [0.5]), leaf("b", [1.0]),
    {"out": "y", "op": "linear", "inputs": ["x", "w", "b"]}], ["y"],
    message="addmm: mat2 must be a matrix, got 1-D tensor", about="torch 2.15's words for addmm's shape check")
program("addmm-bias-expand-error", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), leaf("w", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    leaf("b", [[1.0], [2.0], [3.0]]), {"out": "y", "op": "linear", "inputs": ["x", "w", "b"]}], ["y"],
    message="The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2, 2].  Tensor sizes: [3, 1]",
    about="addmm expands its bias as torch's expand_size does, dimensions checked from the last")
X3 = [[[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], [[-2.0, 1.0, 0.75], [0.5, 0.5, -1.5]]]
W = [[1.0, -2.0, 0.5], [0.25, 1.5, -1.0]]
for name, bias in [("0d", {"op": "tensor", "attrs": {"data": 0.5, "requires_grad": True}}),
                   ("row", {"op": "tensor", "attrs": {"data": [[0.5, -0.25]], "requires_grad": True}}),
                   ("one-by-one", {"op": "tensor", "attrs": {"data": [[0.5]], "requires_grad": True}}),
                   ("batch", {"op": "tensor", "attrs": {"data": [[0.5, -0.25], [1.0, 2.0]], "requires_grad": True}}),
                   ("expanded", {"op": "expand", "inputs": [{"op": "tensor", "attrs": {"data": [0.5], "requires_grad": True}}, 2]})]:
    program(f"linear-3d-bias-{name}-graph", [
        leaf("x", X3), leaf("w", W), {"out": "b", **bias},
        {"out": "y", "op": "linear", "inputs": ["x", "w", "b"]},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "y"]}]}]}],
        ["x", "w", "y"], about="torch 2.15 folds the batch into addmm only for a contiguous bias that squeezes to one dimension")

# found by probe.py dtypes (each leaf of each form given another dtype)
def typed_leaf(name, data, dtype, grad=True):
    attrs = {"data": data, "dtype": dtype}
    if grad:
        attrs["requires_grad"] = True
    return {"out": name, "op": "tensor", "attrs": attrs}


program("pow-exponent-gradient-logs-promoted-base", [
    typed_leaf("x", [[1.5, 0.73, 2.47], [1.91, 1.9, 1.26]], "float32"),
    typed_leaf("e", [[1.74, -0.5, 2.25], [0.3, 1.1, -1.7]], "float64"),
    {"out": "y", "op": "pow", "inputs": ["x", "e"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", [[1.79, -0.16, -1.09], [0.09, 1.82, -1.46]]]}]}]}],
    ["x", "e", "y"], about="pow_backward_exponent takes the log of the base promoted to the result's dtype")
program("bce-target-dtype-error", [
    typed_leaf("x", [0.25, 0.5, 0.75], "float32"), typed_leaf("t", [0.0, 1.0, 1.0], "float64", grad=False),
    {"out": "y", "op": "binary_cross_entropy", "inputs": ["x", "t"]}], ["y"],
    message="Found dtype Double but expected Float", about="the kernel's TensorIterator wants one dtype")
program("bce-integer-input-error", [
    typed_leaf("x", [0, 1, 1], "int64", grad=False), typed_leaf("t", [0, 1, 1], "int64", grad=False),
    {"out": "y", "op": "binary_cross_entropy", "inputs": ["x", "t"]}], ["y"],
    message="\"binary_cross_entropy\" not implemented for 'Long'", about="the kernel dispatches on floating types only")
program("nll-weight-dtype-error", [
    typed_leaf("x", [[-1.2, -0.5, -2.0], [-0.3, -1.9, -0.8]], "float32"),
    {"out": "y", "op": "nll_loss", "inputs": ["x", {"op": "tensor", "attrs": {"data": [0, 2], "dtype": "int64"}}],
     "attrs": {"weight": {"op": "tensor", "attrs": {"data": [1.0, 0.5, 2.0], "dtype": "float64"}}}}], ["y"],
    message="expected scalar type Float but found Double", about="the kernel reads the weight as the input's type")
for grad, message in [(False, "expected scalar type Double but found Float"),
                      (True, "expected m1 and m2 to have the same dtype, but got: double != float")]:
    program(f"matmul-single-batch-dtype-error{'-grad' if grad else ''}", [
        typed_leaf("a", [[[0.5, 1.0, -1.0], [2.0, 0.25, 1.5]], [[1.0, -0.5, 0.75], [0.0, 1.25, -2.0]]], "float64"),
        typed_leaf("b", [[[1.0, 2.0], [0.5, -1.0], [1.5, 0.25]]], "float32", grad=grad),
        {"out": "y", "op": "matmul", "inputs": ["a", "b"]}], ["y"], message=message,
        about="torch 2.15 folds a single-batch operand into mm only when it requires grad; else bmm refuses the dtypes")

# found by probe.py attrs (each attribute of each form given other values)
program("norm-p0-backward-leaves-grad-none", [
    leaf("x", [[0.73, -0.94, 0.0], [1.93, -1.22, -1.22]]), {"out": "y", "op": "norm", "inputs": ["x"], "attrs": {"p": 0}},
    {"op": "backward", "inputs": ["y"]}], ["x", "y"],
    about="torch's norm_backward is undefined for ord 0: no gradient reaches the input")
program("norm-p0-dim-backward-leaves-grad-none", [
    leaf("x", [[0.73, -0.94, 0.0], [1.93, -1.22, -1.22]]),
    {"out": "y", "op": "norm", "inputs": ["x"], "attrs": {"p": 0, "dim": 1, "keepdim": True}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "x"]}]}]}], ["x", "y"],
    about="the other path still reaches the input: its gradient is that path's alone")
program("arange-step-sign-error", [{"out": "y", "op": "arange", "inputs": [], "attrs": {"start": 5, "end": 3, "step": 1}}],
        ["y"], message="upper bound and lower bound inconsistent with step sign", about="torch 2.15's words")
program("split-negative-size-error", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": ["a", "b"], "op": "split", "inputs": ["x"], "attrs": {"split_size_or_sections": [-1, 3], "dim": -2}}],
    [], message="split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[-1, 3]",
    about="split_with_sizes checks each size before their sum")
program("split-sizes-error-names-dim-as-given", [
    leaf("x", [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    {"out": ["a", "b"], "op": "split", "inputs": ["x"], "attrs": {"split_size_or_sections": [1, 4], "dim": -2}}],
    [], message="split_with_sizes expects split_sizes to sum exactly to 2 (input tensor's size at dimension -2), but got split_sizes=[1, 4]",
    about="split_with_sizes names the dim as it was given")

# found by probe.py numbers (each leaf replaced by a Python number)
for name, op, a, b in [("add-ints", "add", 2, 3), ("add-float-int", "add", 2.5, 3), ("mul-bools", "mul", True, True),
                       ("div-ints", "div", 2, 3), ("div-zeros", "div", 0, 0), ("sub-int-float", "sub", 2, 0.5)]:
    program(f"two-numbers-{name}", [{"out": "y", "op": op, "inputs": [a, b]}], ["y"],
            about="torch.add(2, 3): the first number becomes a 0-d tensor of its own type")
program("two-numbers-sub-bools-error", [{"out": "y", "op": "sub", "inputs": [True, True]}], ["y"],
        message="Subtraction, the `-` operator, with two bool tensors is not supported",
        about="torch.sub(True, True): the first number a bool tensor, the second a Python bool")
for op in ("add", "sub"):
    program(f"{op}-number-first-with-alpha-graph", [
        leaf("x", [0.5, -1.0, 2.0]), {"out": "y", "op": op, "inputs": [2, "x"], "attrs": {"alpha": 2.5}},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "y"]}]}]}], ["x", "y"],
        about=f"torch.{op}(2, x, alpha=2.5): the number wrapped as the first argument, its edge None")
program("sub-bool-first-with-alpha-error", [
    leaf("x", [0.5, -1.0, 2.0]), {"out": "y", "op": "sub", "inputs": [True, "x"], "attrs": {"alpha": 2}}], ["y"],
    message="Subtraction, the `-` operator, with a bool tensor is not supported", about="the wrapped number keeps the bool type")
program("add-number-first-float-alpha-integer-error", [
    {"out": "y", "op": "add", "inputs": [2, {"op": "tensor", "attrs": {"data": [1, 2], "dtype": "int64"}}], "attrs": {"alpha": 2.5}}],
    ["y"], message="For integral input tensors, argument alpha must not be a floating point number.",
    about="torch.add(2, x, alpha=2.5) checks alpha against the integer result")

# found by probe.py constants (each leaf made a constant in turn)
for first, second, grads in [([1, 2, 3], [2, 3, 4], "first"), ([1, 2, 3], [2, 3, 4], "second"),
                             ([2, 2, 3], [1, 3, 4], "first"), ([2, 2, 3], [1, 3, 4], "second")]:
    def data(shape, k):
        return [[[round(0.25 * ((i * 7 + j * 3 + m + k) % 9) - 1, 2) for m in range(shape[2])]
                 for j in range(shape[1])] for i in range(shape[0])]
    a = {"out": "a", "op": "tensor", "attrs": {"data": data(first, 0), **({"requires_grad": True} if grads == "first" else {})}}
    b = {"out": "b", "op": "tensor", "attrs": {"data": data(second, 1), **({"requires_grad": True} if grads == "second" else {})}}
    single = "first" if first[0] == 1 else "second"
    program(f"matmul-single-batch-{single}-{'grad' if grads == single else 'constant'}-graph", [
        a, b, {"out": "y", "op": "matmul", "inputs": ["a", "b"]},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "y"]}]}]}], ["a", "b", "y"],
        about="torch 2.15 squeezes a single-batch operand into mm only when it requires grad; else it expands both for bmm")

# found by probe.py second (second-order programs over strided and mixed-dtype leaves)
program("mse-loss-backward-in-input-dtype-graph", [
    typed_leaf("x", [0.5, -1.25, 2.0], "float32"), typed_leaf("t", [1.0, 0.25, -0.5], "float64"),
    {"out": "y", "op": "mse_loss", "inputs": ["x", "t"]},
    {"out": ["gx", "gt"], "op": "grad", "inputs": ["y", "x", "t"], "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["gx", "gx"]}]},
                                                          {"op": "sum", "inputs": ["gt"]}]}]}],
    ["x", "t", "gx", "gt"], about="mse_loss_backward writes into zeros_like(input): the input's dtype, computed in the promoted one")
program("std-single-element-backward-default-dtype-graph", [
    typed_leaf("x", [-0.99], "float32"), {"out": "y", "op": "std", "inputs": ["x"]},
    {"out": "g", "op": "grad", "inputs": [{"op": "mul", "inputs": ["y", 1.5]}, "x"], "attrs": {"create_graph": True}}],
    ["g"], about="var_backward's where of two numbers (NaN, inf) is a tensor of the default dtype")

for red in ("mean", "none"):
    program(f"mse-loss-third-order-{red}-graph", [
        leaf("x", [0.5, -1.25, 2.0]), leaf("t", [1.0, 0.25, -0.5]),
        {"out": "y", "op": "mse_loss", "inputs": ["x", "t"], "attrs": {"reduction": red}},
        {"out": ["g", "gt"], "op": "grad", "inputs": [{"op": "sum", "inputs": ["y"]}, "x", "t"], "attrs": {"create_graph": True}},
        {"out": ["h", "ht"], "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g", "gt"]}]}, "x", "t"],
         "attrs": {"create_graph": True}},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["h", "ht"]}]}]}],
        ["x", "t", "g", "h", "ht"], dtype="float32",
        about="mse_loss_double_backward is 2 * grad, divided in place by the count for a mean: torch's roundings and graph")

# found by probe.py third (the second grad with create_graph, then backward through it)
def third_order(x_data, call, **options):
    return [leaf("x", x_data), {"out": "y", **call},
            {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "y"]}]}, "x"],
             "attrs": {"create_graph": True}},
            {"out": "h", "op": "grad", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["g", "g"]}]}, "x"],
             "attrs": {"create_graph": True}},
            {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["h", "h"]}]}]}]


for name, x_data, call in [
        ("gelu", [-1.5, 0.25, 2.0], {"op": "gelu", "inputs": ["x"]}),
        ("gelu-tanh", [-1.5, 0.25, 2.0], {"op": "gelu", "inputs": ["x"], "attrs": {"approximate": "tanh"}}),
        ("softplus", [-1.5, 0.25, 2.0], {"op": "softplus", "inputs": ["x"], "attrs": {"beta": 2.0, "threshold": 3.0}}),
        ("norm-p3", [-1.5, 0.25, 2.0], {"op": "norm", "inputs": ["x"], "attrs": {"p": 3}}),
        ("norm-p0.5", [-1.5, 0.25, 2.0], {"op": "norm", "inputs": ["x"], "attrs": {"p": 0.5}}),
        ("bce", [0.25, 0.5, 0.75], {"op": "binary_cross_entropy", "inputs": ["x", [0.0, 1.0, 0.5]]})]:
    program(f"third-order-{name}-graph", third_order(x_data, call), ["x", "g", "h"],
            about="the double-backward formulas op by op as torch writes them: their graph and roundings under create_graph")
program("third-order-prod-with-zeros", third_order([1.5, 0.0, -2.0, 0.5], {"op": "prod", "inputs": ["x"]}),
        ["x", "g", "h"],
        about="prod's gradient with zeros as torch builds it (running products, flips, cats), and cumprod's to every order")
program("third-order-prod-dim-with-zeros", third_order([[1.5, 0.0, -2.0], [0.5, 0.0, 0.0]], {"op": "prod", "inputs": ["x"], "attrs": {"dim": 1}}),
        ["x", "g", "h"])
for name, dtype, x_data, attrs in [
        ("one-zero-keepdim", "float32", [[0.5, 2.0, 0.0, -1.5], [1.25, -0.5, 2.0, 3.0]], {"dim": 1, "keepdim": True}),
        ("zeros-dim0", "float64", [[0.0, 2.0], [0.0, -1.5], [3.0, 0.0]], {"dim": 0}),
        ("zeros-size-one-dim", "float64", [[0.0], [2.0]], {"dim": 1}),
        ("one-zero-all", "float32", [[1.5, -2.0], [0.0, 0.25]], {}),
        ("two-zeros-all", "float64", [0.0, 2.0, 0.0, -1.5], {}),
        ("no-zeros-all", "float32", [1.5, -2.0, 0.5], {}),
        ("zero-first", "float32", [0.0, 2.0, -1.5], {}),
        ("zero-last-dim", "float64", [[1.5, 2.0, 0.0], [0.5, -1.0, 3.0]], {"dim": 1}),
        ("zeros-float32-overflow", "float32", [0.0, 1e30, 1e30, 0.0, 1.0], {})]:
    program(f"third-order-prod-{name}", third_order(x_data, {"op": "prod", "inputs": ["x"], "attrs": attrs}),
            ["x", "g", "h"], dtype=dtype,
            about="prod's double backward as torch writes it (prod_safe_zeros_backward), and cumprod's, with and without zeros")
program("third-order-prod-transposed-with-zero",
        third_order([[1.5, 0.0, 2.0], [-0.5, 3.0, 1.25]], {"op": "prod", "inputs": [{"op": "t", "inputs": ["x"]}]}),
        ["x", "g", "h"], dtype="float32",
        about="a whole-tensor prod of a transposed input with a zero: torch's contiguous().view(-1), then prod_safe_zeros_backward")
program("prod-zeros-float32-overflow-second-order", [
    {"out": "x", "op": "tensor", "attrs": {"data": [0.0, 1e30, 1e30, 0.0, 1.0], "dtype": "float32", "requires_grad": True}},
    {"out": "y", "op": "prod", "inputs": ["x"]},
    {"out": "g", "op": "grad", "inputs": ["y", "x"], "attrs": {"create_graph": True}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["g"]}]}],
    ["x", "g"],
    about="cumprod's backward outside create_graph rounds as torch's masks do: float32 running products overflow to inf, and inf * 0 is NaN")

# found by difftest (seed 152000): torch's generated in-place ops make check_inplace whenever an
# input requires grad, whatever the written tensor's dtype (the cast check comes after);
# copy_ only when it would record
for name, view, op, other, message in [
        ("chunk-mul", {"out": ["a", "b"], "op": "chunk", "inputs": ["t"], "attrs": {"chunks": 2, "dim": 0}}, "mul_", "w",
         "This view is the output of a function that returns multiple views"),
        ("chunk-transposed-mul", {"out": ["a", "b"], "op": "chunk", "inputs": [{"op": "t", "inputs": ["t"]}], "attrs": {"chunks": 2, "dim": 0}},
         "mul_", {"op": "index", "inputs": ["w"], "attrs": {"index": [{"start": 0, "stop": 2}]}},
         "This view is the output of a function that returns multiple views"),
        ("select-add", {"out": "a", "op": "index", "inputs": ["t"], "attrs": {"index": [0]}}, "add_", "w", "can't be cast to the desired output type"),
        ("chunk-copy", {"out": ["a", "b"], "op": "chunk", "inputs": ["t"], "attrs": {"chunks": 2, "dim": 0}}, "copy_", "w", None)]:
    program(f"inplace-integer-view-{name}-from-grad", [
        leaf("w", [1.5, 2.0, 3.0]),
        {"out": "t", "op": "tensor", "attrs": {"data": [[-2, 0, 2], [0, -1, -3]], "dtype": "int64"}},
        view, {"op": op, "inputs": ["a", other]}],
        ["a"], message=message,
        about="an integer view written in place from a tensor that requires grad: torch's view check comes before the cast check (copy_'s only when it would record)")

# found by difftest (seed 89000): the original an in-place op saves keeps a transposed layout
program("clamp-inplace-over-transposed-gradient-stolen", [
    {"out": "x", "op": "detach", "inputs": [{"op": "t", "inputs": [{"op": "tensor", "attrs": {"data": [[0.45, -0.44], [1.06, -1.68], [-0.79, 0.81]]}}]}]},
    {"op": "requires_grad_", "inputs": ["x"]}, {"out": "y", "op": "mul", "inputs": ["x", 1]},
    {"op": "clamp_", "inputs": ["y"], "attrs": {"min": -0.5, "max": 1.5}},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", 2]}]}]},
    {"out": "gw", "op": "ones_like", "inputs": ["x.grad"], "attrs": {"requires_grad": True}},
    {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": ["x.grad", "gw"]}]},
    {"op": "mul_", "inputs": ["x.grad", 2]}, {"op": "backward", "inputs": ["gz"]}], ["x"],
    message="is at version 1; expected version 0 instead",
    about="clamp_ saves a clone of y that keeps y's transposed layout, so the gradient reaches x in x's layout and is stolen (version 0)")

# found by probe.py saved (each input, then the result, written in place after the op)
program("div-saves-self-only-for-other", [
    leaf("x", [0.5, -1.5, 2.0]), {"out": "a", "op": "mul", "inputs": ["x", 1]},
    {"out": "y", "op": "div", "inputs": ["a", [2.0, 4.0, -0.5]]}, {"op": "mul_", "inputs": ["a", 3]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}], ["x", "y"],
    about="torch saves div's self only when other needs a gradient: writing self after the op is no error here")
for which, grads in [("input", "x"), ("weight", "w")]:
    written = grads   # the one needing a gradient: saved only for the other's, which needs none
    program(f"linear-saves-{which}-only-for-the-other-{'weight' if which == 'input' else 'input'}", [
        {"out": "x0", "op": "tensor", "attrs": {"data": [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], **({"requires_grad": True} if grads == "x" else {})}},
        {"out": "w0", "op": "tensor", "attrs": {"data": [[1.0, 0.5, -1.0], [0.25, -2.0, 1.5]], **({"requires_grad": True} if grads == "w" else {})}},
        {"out": "x", "op": "mul", "inputs": ["x0", 1]}, {"out": "w", "op": "mul", "inputs": ["w0", 1]},
        {"out": "y", "op": "linear", "inputs": ["x", "w", [0.5, -0.5]]}, {"op": "mul_", "inputs": [written, 2]},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}], ["x0", "w0", "y"],
        about="addmm saves each matrix only for the other's gradient")

# found by probe.py twice (each form's backward run twice without retain_graph)
FREED = "Trying to backward through the graph a second time"
for name, call in [("div-floor", {"op": "div", "inputs": ["x", [2.0, 2.0, 2.0]], "attrs": {"rounding_mode": "floor"}}),
                   ("div-floor-number", {"op": "div", "inputs": ["x", 2], "attrs": {"rounding_mode": "floor"}}),
                   ("index-list", {"op": "index", "inputs": ["x"], "attrs": {"index": [[0, 2]]}})]:
    program(f"{name}-backward-twice-error", [
        leaf("x", [1.5, -2.5, 3.0]), {"out": "y", **call},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]},
        {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}], ["x"], message=FREED,
        about="the node saved tensors (or a wrapped number) though its formula answers without them: backward frees them")
program("div-floor-other-written-error", [
    leaf("x", [1.5, -2.5, 3.0]), {"out": "o", "op": "tensor", "attrs": {"data": [2.0, 2.0, 2.0]}},
    {"out": "y", "op": "div", "inputs": ["x", "o"], "attrs": {"rounding_mode": "floor"}}, {"op": "mul_", "inputs": ["o", 1]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}], ["x"],
    message="is at version 1; expected version 0 instead", about="DivBackward2 saves other as div does")

# found in review: a stale weight is torch's view error only where F.binary_cross_entropy
# expands it (with grad mode on); elsewhere requires_grad reads the recorded grad_fn
program("stale-split-view-as-nll-weight-not-differentiable-error", stale_split(
    {"out": "z", "op": "nll_loss", "inputs": [{"op": "tensor", "attrs": {"data": [[-1.0, -2.0, -0.5], [-0.3, -1.2, -2.2]], "requires_grad": True}},
                                              {"op": "tensor", "attrs": {"data": [0, 2], "dtype": "int64"}}], "attrs": {"weight": "a"}}),
    ["z"], message="The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'",
    about="nll_loss's check that its weight does not require grad: a stale view is not its view error")
program("stale-split-view-as-bce-weight-under-no-grad", stale_split(nograd(
    {"out": "z", "op": "binary_cross_entropy", "inputs": [{"op": "full", "attrs": {"shape": [3], "fill_value": 0.5}}, {"op": "ones", "inputs": [3]}],
     "attrs": {"weight": "a"}})), ["z"], about="under no_grad the weight's expand collects no edge: no error")
program("norm-p0-backward-twice-error", [
    leaf("x", [1.0, 0.0, 2.0]), {"out": "y", "op": "norm", "inputs": ["x"], "attrs": {"p": 0}},
    {"op": "backward", "inputs": ["y"]}, {"op": "backward", "inputs": ["y"]}], ["x"], message=FREED,
    about="torch unpacks norm's saved tensors before its undefined ord-0 gradient: a freed graph is its error")

# found by probe.py orders (a leaf of an edge shape and another of another dtype, at once)
program("matmul-vector-by-single-batch-folds-graph", [
    {"out": "v", "op": "tensor", "attrs": {"data": [0.5, -1.0, 2.0]}},
    leaf("b", [[[0.375, 0.5], [0.625, 0.75], [0.875, 1.0]]]), {"out": "y", "op": "matmul", "inputs": ["v", "b"]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "y"]}]}]}], ["b", "y"],
    about="torch 2.15 folds a batch it can view as rows (size-1 dimensions' strides aside) into mv")
program("matmul-permuted-single-batch-folds-graph", [
    leaf("a0", [[[0.5], [1.5]], [[-1.0], [0.25]], [[2.0], [0.75]]]),
    {"out": "a", "op": "permute", "inputs": ["a0", 2, 1, 0]},
    {"out": "y", "op": "matmul", "inputs": ["a", [[1.0, 0.5], [-0.5, 2.0], [0.25, 1.0]]]},
    {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", "y"]}]}]}], ["a0", "y"],
    about="a permuted [1, 2, 3] operand views as rows: folded into mm (ReshapeAliasBackward0)")

program("split-of-plain-tensor-inplace-error", [
    leaf("w", [1.0, 2.0]), {"out": "y", "op": "ones", "inputs": [4]},
    {"out": ["a", "b"], "op": "split", "inputs": ["y", 2]}, {"op": "mul_", "inputs": ["a", "w"]}],
    ["a"], message="A view was created in no_grad mode and is being modified inplace with grad mode enabled. This view is the output of a function that returns multiple views")


# ---------------------------------------------------------------- programs

def literal(r, leaf):
    n = numel(leaf.shape)
    values = iter(leaf.data if leaf.data is not None else [DOMAINS[leaf.dom](r) for _ in range(n)])
    return nested(leaf.shape, values)


def build(name, op, inputs, attrs, options):
    """The forward program: leaves bound as a0, a1, ..., the op's result(s) bound as y or y0..yk."""
    r = random.Random(name)
    dtype = options.get("dtype", "float64")
    steps, leaves, counter = [], [], iter(range(100))

    def value(v):
        if isinstance(v, Leaf):
            leaf_name = f"a{next(counter)}"
            attrs_ = {"data": literal(r, v), "requires_grad": v.grad}
            if numel(v.shape) == 0:         # [] cannot say [0, 3]: flat data with a shape
                attrs_.update(data=[], shape=v.shape)
            if options.get("second_dtype") and leaves:
                attrs_["dtype"] = options["second_dtype"]
            steps.append({"out": leaf_name, "op": "tensor", "attrs": attrs_})
            if v.grad:
                leaves.append((leaf_name, v.shape))
            return v.view(leaf_name) if v.view else leaf_name
        if isinstance(v, Const):
            call = {"op": "tensor", "attrs": {"data": v.data}}
            if v.dtype:
                call["attrs"]["dtype"] = v.dtype
            return call
        return v

    call_inputs = [value(v) for v in inputs]
    call_attrs = {k: value(v) for k, v in attrs.items()}
    outs = options.get("outs")
    out = [f"y{i}" for i in range(outs)] if outs else "y"
    call = {"out": out, "op": op, "inputs": call_inputs}
    if call_attrs:
        call["attrs"] = call_attrs
    steps.append(call)
    return {"dtype": dtype, "steps": steps}, leaves, (out if outs else [out])


def random_value(r, shape):
    """A random tensor literal of `shape` (an inline op when it is empty: [] cannot say [0, 3])."""
    if numel(shape) == 0:
        return {"op": "tensor", "attrs": {"data": [], "shape": shape}}
    return nested(shape, iter([DOMAINS["any"](r) for _ in range(numel(shape))]))


def seed_for(r, result):
    return random_value(r, result["shape"])


def differentiable(result):
    return isinstance(result, dict) and result.get("requires_grad") and result["dtype"].startswith("float")


def first_order(name, op, inputs, attrs, options):
    program, leaves, outs = build(name, op, inputs, attrs, options)
    status, body = refimpl.evaluate(json.loads(json.dumps(program)))
    r = random.Random(name + "/seed")
    if status == 200:
        results = [body["outputs"][o] for o in outs]
        grads = [(o, res) for o, res in zip(outs, results) if differentiable(res)]
        if len(grads) == 1 and grads[0][1]["shape"] == [] and len(outs) == 1:
            program["steps"].append({"op": "backward", "inputs": ["y"]})
        elif len(grads) == 1 and len(outs) == 1:
            program["steps"].append({"op": "backward", "inputs": ["y", seed_for(r, grads[0][1])]})
        elif grads:
            terms = [{"op": "sum", "inputs": [{"op": "mul", "inputs": [o, seed_for(r, res)]}]} for o, res in grads]
            total = terms[0]
            for t in terms[1:]:
                total = {"op": "add", "inputs": [total, t]}
            program["steps"].append({"op": "backward", "inputs": [total]})
    program["outputs"] = [s["out"] for s in program["steps"] if s["op"] == "tensor"] + outs
    program["graph"] = True
    return program, leaves, outs


def second_order(name, program, leaves, outs):
    """grad(sum(y * w), leaves, create_graph) then grad(sum(g * u), leaves, allow_unused)."""
    r = random.Random(name + "/second")
    steps = [s for s in program["steps"] if s.get("op") != "backward"]
    status, body = refimpl.evaluate({"dtype": program["dtype"], "steps": steps, "outputs": outs})
    if status != 200 or len(outs) != 1 or not differentiable(body["outputs"]["y"]) or not leaves:
        return None
    w = seed_for(r, body["outputs"]["y"])
    names = [n for n, _ in leaves]
    g = [f"g{i}" for i in range(len(leaves))]
    h = [f"h{i}" for i in range(len(leaves))]
    steps = steps + [
        {"out": g if len(g) > 1 else g[0], "op": "grad",
         "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["y", w]}]}, *names], "attrs": {"create_graph": True}}]
    total = None
    for gi, (_, shape) in zip(g, leaves):
        u = random_value(r, shape)
        term = {"op": "sum", "inputs": [{"op": "mul", "inputs": [gi, u]}]}
        total = term if total is None else {"op": "add", "inputs": [total, term]}
    steps.append({"out": h if len(h) > 1 else h[0], "op": "grad", "inputs": [total, *names], "attrs": {"allow_unused": True}})
    second = {"dtype": program["dtype"], "steps": steps, "outputs": g + h}
    status, _ = refimpl.evaluate(json.loads(json.dumps(second)))
    return second if status == 200 else None


def case(name, about, program, options):
    status, body = refimpl.evaluate(json.loads(json.dumps(program)))
    if status >= 500:
        raise SystemExit(f"{name}: refimpl failed: {body}")
    c = {"name": name, "about": about, "program": program, "expected": {"status": status, "body": body}}
    if status == 422:
        phrase = options.get("message")
        if not phrase:
            raise SystemExit(f"{name}: torch raised {body['error']['message']!r}; name its key phrase with message=")
        if phrase.lower() not in body["error"]["message"].lower():
            raise SystemExit(f"{name}: {phrase!r} is not in torch's message {body['error']['message']!r}")
        c["message_contains"] = phrase
    elif options.get("message"):
        raise SystemExit(f"{name}: expected an error, torch answered {status}")
    if options.get("shape_only"):
        c["compare"] = "shape_only"
    return c


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    seen, written = set(), 0
    for name, op, inputs, attrs, options in FORMS:
        assert name not in seen, f"duplicate form {name}"
        seen.add(name)
        program, leaves, outs = first_order(name, op, inputs, attrs, options)
        cases = [case(name, f"{op}: values, grad_fn, graph and first derivatives as torch computes them", program, options)]
        if not options.get("message") and not options.get("shape_only"):
            second = second_order(name, program, leaves, outs)
            if second:
                cases.append(case(name + ".second", f"{op}: second derivatives through create_graph", second, {}))
        for c in cases:
            with open(os.path.join(OUT, c["name"] + ".json"), "w") as f:
                json.dump(c, f, separators=(",", ":"))
                f.write("\n")
            written += 1
    for name, steps, outputs, options in PROGRAMS:
        assert name not in seen, f"duplicate form {name}"
        seen.add(name)
        prog = {"dtype": options.get("dtype", "float64"), "steps": steps, "outputs": outputs, "graph": options.get("graph", True)}
        c = case(name, options.get("about", "in-place writes through views, as torch records them"), prog, options)
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(c, f, separators=(",", ":"))
            f.write("\n")
        written += 1
    print(f"{len(FORMS) + len(PROGRAMS)} forms, {written} cases in {os.path.relpath(OUT)} (torch {refimpl.torch.__version__})")


if __name__ == "__main__":
    main()
