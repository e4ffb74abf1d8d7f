"""Probes a running autograd-server against torch on the edges random programs rarely reach.

    autograd-server serve --port 8099 &
    /path/to/venv/bin/python Tests/Fixtures/probe.py --url http://127.0.0.1:8099 specials
    /path/to/venv/bin/python Tests/Fixtures/probe.py --url http://127.0.0.1:8099 versions

`specials` runs every one-input op, the binary ops, the reductions, the losses and the matrix
products on special values (±inf, NaN, ±0, 1e±30, denormals, int64 extremes) in float32,
float64, int64 and bool, and prints each answer that differs from torch's beyond
conformance.py's tolerances. `sums` draws random float32 and float64 tensors (values over ten orders of magnitude, so that
rounding shows), strided views of them (permuted, sliced with steps, expanded), sums, means,
variances, standard deviations and products of them over random dims, and sums gradients back to broadcast shapes; it requires every value
to be torch's bit for bit. `versions` builds every op form of generate.py, backpropagates,
then saves each leaf's .grad, writes it in place and backpropagates again: torch's error message
names the version counter the gradient left the formula with (formulas that write their result
in place, gradients copied because their layout is not the leaf's), with and without
create_graph, after one backward and after two (the second accumulating into .grad).
`layouts` does the same with each 2-d leaf made a transposed leaf, then a strided (not dense)
one, where AccumulateGrad's layout contract decides whether the gradient is stolen or copied.
`stale` gives every form, in place of each of its leaves in turn, a stale view: an output of
`split` (or, with the leaf's shape, one made under no_grad) whose base was written in place
since, in the leaf's shape and in shapes the op refuses, so that torch's order of the view
error and the op's own argument checks shows. `shapes` gives every form, in place of each leaf,
a leaf of an edge shape (0-d, one element, empty, an empty row, one more leading dimension,
transposed, expanded). `dtypes` gives each leaf the other float dtype (requiring grad), int64
and bool. `attrs` gives each attribute of each form other values (dims negative, out of range
and repeated, flags flipped, numbers at their edges, every mode of a string attribute).
`numbers` replaces each leaf by a Python number (int, float, bool, zero, negative).
`constants` makes each leaf a constant in turn, then every leaf but one, then runs the op under
no_grad. `second` builds each form's second-order program with each leaf made transposed,
expanded or of the other float dtype; `third` takes each one order further (the second grad
with create_graph, then backward). `accumulate` adds retain_grad, backward with create_graph and
a second backward through the leaves' .grad. `saved` writes each input (made a non-leaf), then
the result, in place after the op, with each other input made a constant in turn. `twice` runs
each form's backward twice, without and with retain_graph first. `views` replaces each leaf by
a view of a larger leaf; `inplace` runs each add, sub, mul, div and clamp form in place on a
non-leaf, a view of one, the leaf, a view of the leaf and the leaf under no_grad; `grads`
replaces each backward by autograd.grad (grad_outputs, an unused input, materialize_grads,
retain_graph then a second grad); `orders` gives one leaf an edge shape and a second leaf another
dtype at once, so that the order of an op's own checks shows; `special-seconds` takes every
one-input op's second derivative on the special values. All print `N probed, M differ`.
"""
import argparse
import contextlib
import http.client
import io
import itertools
import json
import os
import random
import sys
import urllib.parse
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "..", "shared", "reference")

FLOATS = ["Infinity", "-Infinity", "NaN", 0.0, -0.0, 2.0, -2.0, 0.5, -0.5, 1e30, -1e30, 1e-30,
          100.0, -100.0, 30.0, -30.0, 88.8, -88.8, 1.0, -1.0, 1e-45]
INTEGERS = [0, 1, -1, 2, -3, 7, 2 ** 62, -(2 ** 62), 2 ** 63 - 1, -999999999999999999, 1000000007]
PROBABILITIES = [0.0, 1e-30, 0.5, 1.0, 1 - 1e-7, "NaN", -0.5, 2.0]


class Probe:
    def __init__(self, url):
        sys.path.insert(0, os.path.abspath(REFERENCE))
        import conformance
        import refimpl
        self.conformance, self.refimpl = conformance, refimpl
        self.url = urllib.parse.urlparse(url)
        self.probed = self.differ = 0

    def ours(self, program):
        c = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
        c.request("POST", "/v1/evaluate", json.dumps(program), {"content-type": "application/json"})
        r = c.getresponse()
        return r.status, json.loads(r.read())

    def torch(self, program):
        status, body = self.refimpl.evaluate(json.loads(json.dumps(program)))
        return status, json.loads(json.dumps(body))

    def compare(self, label, program, messages=False):
        """Compares values by conformance.py's rules (and, with `messages`, whole error messages)."""
        self.probed += 1
        status, body = self.torch(program)
        if status >= 500 or status == 400:
            return      # no spec (refimpl cannot run it), or a request error worded our own way
        case = {"name": label, "program": program, "expected": {"status": status, "body": body}}
        if status == 422 and messages:
            case["message_contains"] = body["error"]["message"]
        got_status, got_body = self.ours(program)
        try:
            self.conformance.compare(case, got_status, got_body)
        except self.conformance.Mismatch as e:
            self.differ += 1
            print(f"{label}: {e}")
            print(f"    {json.dumps(program)[:400]}")


def tensor(data, dtype, grad=True):
    attrs = {"data": data, "dtype": dtype}
    if grad and dtype.startswith("float"):
        attrs["requires_grad"] = True
    return attrs


def specials(probe, ops):
    one = [o["name"] for o in ops if o["differentiable"] and o["inputs"] == {"min": 1, "max": 1}
           and o["name"] not in ("t", "clone", "contiguous", "zero_")]
    pairs_a = [a for a in FLOATS for _ in FLOATS]
    pairs_b = [b for _ in FLOATS for b in FLOATS]

    def run(label, steps, grads):
        if grads:
            steps = steps + [{"op": "backward", "inputs": [{"op": "sum", "inputs": ["y"]}]}]
        probe.compare(label, {"steps": steps})

    for dtype in ("float32", "float64"):
        for op in one:
            run(f"{dtype} {op} vector", [{"out": "x", "op": "tensor", "attrs": tensor(FLOATS, dtype)},
                                          {"out": "y", "op": op, "inputs": ["x"]}], True)
            for v in FLOATS:   # one element: torch's scalar loops, not its vectorized ones
                run(f"{dtype} {op} {v}", [{"out": "x", "op": "tensor", "attrs": tensor([v], dtype)},
                                           {"out": "y", "op": op, "inputs": ["x"]}], True)
        binary = [(op, {}) for op in ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "rsub",
                                      "mse_loss", "l1_loss", "binary_cross_entropy_with_logits")]
        binary += [("div", {"rounding_mode": "floor"}), ("div", {"rounding_mode": "trunc"}),
                   ("add", {"alpha": 2.5}), ("sub", {"alpha": -0.5})]
        for op, attrs in binary:
            run(f"{dtype} {op} {attrs}", [{"out": "x", "op": "tensor", "attrs": tensor(pairs_a, dtype)},
                                          {"out": "w", "op": "tensor", "attrs": tensor(pairs_b, dtype)},
                                          {"out": "y", "op": op, "inputs": ["x", "w"], "attrs": attrs}], True)
        unary = [("softplus", {"beta": b, "threshold": 20}) for b in (1.0, 2.0, 0.5)]
        unary += [("gelu", {"approximate": "tanh"}), ("clamp", {"min": -1.0, "max": 1.0}),
                  ("clamp", {"min": "NaN"}), ("clamp", {"min": 0.5})]
        for op, attrs in unary:
            run(f"{dtype} {op} {attrs}", [{"out": "x", "op": "tensor", "attrs": tensor(pairs_a, dtype)},
                                          {"out": "y", "op": op, "inputs": ["x"], "attrs": attrs}], True)
        reductions = [("sum", {}), ("mean", {}), ("prod", {}), ("max", {}), ("min", {}), ("amax", {}),
                      ("amin", {}), ("var", {}), ("std", {}), ("norm", {}), ("norm", {"p": "inf"}),
                      ("norm", {"p": 1}), ("norm", {"p": 0.5}), ("logsumexp", {"dim": 0}),
                      ("softmax", {"dim": 0}), ("log_softmax", {"dim": 0})]
        for op, attrs in reductions:
            for pair in itertools.combinations(FLOATS, 2):
                run(f"{dtype} {op} {attrs} {pair}", [
                    {"out": "x", "op": "tensor", "attrs": tensor(list(pair) + [1.5], dtype)},
                    {"out": "y", "op": op, "inputs": ["x"], "attrs": attrs}], True)
        r = random.Random(1)
        for trial in range(100):
            a = [[r.choice(FLOATS) for _ in range(3)] for _ in range(2)]
            b = [[r.choice(FLOATS) for _ in range(2)] for _ in range(3)]
            v = [r.choice(FLOATS) for _ in range(3)]
            w = [r.choice(FLOATS) for _ in range(3)]
            p = [r.choice(PROBABILITIES) for _ in range(3)]
            q = [r.choice(PROBABILITIES) for _ in range(3)]
            labels = [r.randrange(3), r.randrange(3)]
            forms = {
                "mm": ([a, b], {"op": "mm", "inputs": ["a", "b"]}),
                "mv": ([a, v], {"op": "matmul", "inputs": ["a", "b"]}),
                "dot": ([v, w], {"op": "dot", "inputs": ["a", "b"]}),
                "outer": ([v, w[:2]], {"op": "outer", "inputs": ["a", "b"]}),
                "bce": ([p, q], {"op": "binary_cross_entropy", "inputs": ["a", "b"], "attrs": {"reduction": "none"}}),
                "bce_with_logits": ([v, q], {"op": "binary_cross_entropy_with_logits", "inputs": ["a", "b"],
                                             "attrs": {"reduction": "none", "pos_weight": [2.0, 0.5, 1.0]}}),
                "cross_entropy": ([a], {"op": "cross_entropy", "inputs": ["a", {"op": "tensor", "attrs": {"data": labels, "dtype": "int64"}}],
                                        "attrs": {"reduction": "none", "label_smoothing": r.choice([0.0, 0.1])}}),
                "prod_dim": ([a], {"op": "prod", "inputs": ["a"], "attrs": {"dim": 1}}),
                "logsumexp_dim": ([a], {"op": "logsumexp", "inputs": ["a"], "attrs": {"dim": 1}}),
                "pow_scalar": ([v], {"op": "pow", "inputs": ["a", r.choice([0, 0.5, -1, 2, 3, -0.5, 1e-30, "Infinity", -2.5, 1])]}),
                "pow_base": ([v], {"op": "pow", "inputs": [r.choice([0, 2, -2, 0.5, 1, -1, "Infinity"]), "a"]}),
                "where": ([v, w], {"op": "where", "inputs": [[True, False, True], "a", "b"]}),
            }
            for name, (datas, call) in forms.items():
                steps = [{"out": n, "op": "tensor", "attrs": tensor(d, dtype)} for n, d in zip("ab", datas)]
                run(f"{dtype} {name} #{trial}", steps + [{"out": "y", **call}], True)
    # integers and bools: wrapping arithmetic, integer division, type promotion with numbers
    pairs_a = [a for a in INTEGERS for _ in INTEGERS]
    pairs_b = [b for _ in INTEGERS for b in INTEGERS]
    integer_ops = [("add", {}), ("sub", {}), ("mul", {}), ("div", {}), ("div", {"rounding_mode": "floor"}),
                   ("div", {"rounding_mode": "trunc"}), ("pow", {}), ("maximum", {}), ("minimum", {}),
                   ("eq", {}), ("lt", {}), ("add", {"alpha": 3}), ("sub", {"alpha": -2}), ("rsub", {})]
    for op, attrs in integer_ops:
        run(f"int64 {op} {attrs}", [{"out": "y", "op": op, "inputs": [
            {"op": "tensor", "attrs": tensor(pairs_a, "int64")}, {"op": "tensor", "attrs": tensor(pairs_b, "int64")}], "attrs": attrs}], False)
        for s in (0, -1, 2, 2 ** 62, 2.5, -0.5, True):
            run(f"int64 {op} {attrs} {s}", [{"out": "y", "op": op, "inputs": [
                {"op": "tensor", "attrs": tensor(INTEGERS, "int64")}, s], "attrs": attrs}], False)
    for op, attrs in [("neg", {}), ("abs", {}), ("sum", {}), ("prod", {}), ("mean", {}), ("max", {}),
                      ("min", {}), ("amax", {}), ("sum", {"dtype": "float64"}), ("clamp", {"min": -5, "max": 5}),
                      ("clamp", {"min": 0.5}), ("relu", {}), ("square", {}), ("exp", {}), ("sqrt", {}),
                      ("reciprocal", {}), ("sigmoid", {}), ("norm", {}), ("std", {}), ("argmax", {}),
                      ("softmax", {"dim": 0}), ("sign", {}), ("all", {}), ("any", {}), ("item", {})]:
        for data in (INTEGERS, [2 ** 62, 2 ** 62, 4], [True, False, True], [0, 0], [3, -2, 5]):
            dtype = "bool" if isinstance(data[0], bool) else "int64"
            run(f"{dtype} {op} {attrs} {data}", [{"out": "y", "op": op, "inputs": [
                {"op": "tensor", "attrs": tensor(data, dtype)}], "attrs": attrs}], False)
    for op in ("add", "sub", "mul", "div", "maximum", "eq", "pow"):
        for other in ([True, True, False, False], [1, 2, 3, 0], 1.5, True, False, 0, 2):
            value = {"op": "tensor", "attrs": tensor(other, "bool" if isinstance(other[0], bool) else "int64")} \
                if isinstance(other, list) else other
            run(f"bool {op} {other}", [{"out": "y", "op": op, "inputs": [
                {"op": "tensor", "attrs": tensor([True, False, True, False], "bool")}, value]}], False)


def sums(probe, count, seed, big=False):
    """Sums and means, forward and summed back to broadcast shapes, compared bit for bit."""
    import numpy as np
    r = random.Random(seed)
    sizes = [1, 2, 3, 5, 7, 8, 9, 16, 17, 33, 64, 100]
    for trial in range(count):
        dtype = r.choice(["float32", "float64"])
        rank = r.randint(1, 4)
        shape = [r.choice(sizes) for _ in range(rank)]
        while np.prod(shape) > (100_000 if big else 6000):
            shape[r.randrange(rank)] = r.choice([1, 2, 3])
        if big and np.prod(shape) < 32768:
            continue
        n = int(np.prod(shape))
        values = [round(r.uniform(-1, 1) * 10 ** r.randint(-3, 7), r.randint(0, 9)) for _ in range(n)]
        x = {"op": "tensor", "attrs": {"data": values, "shape": list(shape), "dtype": dtype}}
        view = r.random()
        if view < 0.3 and rank > 1:
            perm = list(range(rank))
            r.shuffle(perm)
            x = {"op": "permute", "inputs": [x], "attrs": {"dims": perm}}
            shape = [shape[d] for d in perm]
        elif view < 0.5:
            d = r.randrange(rank)
            step = r.choice([2, 3])
            x = {"op": "index", "inputs": [x], "attrs": {"index": [{"start": None, "stop": None, "step": 1}] * d
                                                           + [{"start": r.choice([0, 1]), "stop": None, "step": step}]}}
            shape[d] = len(range(1 if x["attrs"]["index"][d]["start"] else 0, shape[d], step))
        elif view < 0.6:
            d = r.randrange(rank + 1)
            x = {"op": "unsqueeze", "inputs": [x], "attrs": {"dim": d}}
            shape = shape[:d] + [r.choice([2, 5, 16])] + shape[d:]
            x = {"op": "expand", "inputs": [x], "attrs": {"size": list(shape)}}
            rank += 1
        if 0 in shape:
            continue
        op = r.choice(["sum", "sum", "mean", "var", "std", "prod"])
        attrs = {}
        if op == "prod":   # values near 1, so that the product neither overflows nor vanishes
            x = {"op": "add", "inputs": [{"op": "div", "inputs": [x, 1e7]}, 1]}
        if op in ("var", "std") and r.random() < 0.5:
            attrs["correction"] = r.choice([0, 2])
        if r.random() < 0.6:
            attrs["dim"] = sorted(r.sample(range(rank), r.randint(1, rank)))
            attrs["keepdim"] = r.random() < 0.5
            if op == "prod":   # torch's prod takes one dim
                attrs["dim"] = attrs["dim"][0]
        steps = [{"out": "x", **x}, {"out": "y", "op": op, "inputs": ["x"], "attrs": attrs}]
        # a leaf broadcast against x: its gradient is x summed back to the leaf's shape
        leaf_shape = [1 if r.random() < 0.5 else s for s in shape][r.randint(0, rank - 1):]
        steps += [{"out": "w", "op": "ones", "inputs": leaf_shape, "attrs": {"dtype": dtype, "requires_grad": True}},
                  {"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": ["x", "w"]}]}]}]
        program = {"steps": steps, "outputs": ["y", "w"]}
        probe.probed += 1
        status, theirs = probe.torch(program)
        got_status, ours = probe.ours(program)
        if status == 400:
            raise SystemExit(f"sums #{trial}: the probe wrote an invalid program: {theirs}")
        if status != 200 or got_status != 200:
            if status != got_status:
                probe.differ += 1
                print(f"sums #{trial}: status {got_status}, torch {status}")
            continue
        for name in ("y", "w"):
            a, b = theirs["outputs"][name], ours["outputs"][name]
            if name == "w":   # the leaf's .grad: its data, shaped as the leaf
                a, b = {"shape": a["shape"], "data": a["grad"]}, {"shape": b["shape"], "data": b["grad"]}
            cast = np.float32 if dtype == "float32" else np.float64
            def bits(v):
                flat = np.array(v["data"], dtype=object).ravel() if isinstance(v["data"], list) else np.array([v["data"]], dtype=object)
                return np.array([float(e) for e in flat], dtype=cast).tobytes()
            if a["shape"] != b["shape"] or bits(a) != bits(b):
                probe.differ += 1
                print(f"sums #{trial} {name}: {op} {attrs} of {shape} ({dtype}) differs")
                print(f"    ours  {str(b['data'])[:160]}")
                print(f"    torch {str(a['data'])[:160]}")
                break


def transposed_leaves(program, strided=False):
    """The program with each 2-d leaf made a transposed leaf of the same values (detach(t(rows)),
    then requires_grad_), or with `strided` a leaf over every other column of a wider tensor (not
    dense): non-contiguous, so AccumulateGrad's layout contract decides whether its gradient is
    stolen or copied (and so its version counter). None when the program has no 2-d leaf."""
    steps, changed = [], False
    for step in program["steps"]:
        attrs = step.get("attrs", {})
        data = attrs.get("data")
        if step.get("op") == "tensor" and attrs.get("requires_grad") and isinstance(data, list) \
                and data and all(isinstance(row, list) and len(row) == len(data[0]) and row for row in data) \
                and not isinstance(data[0][0], list):
            name = step["out"]
            plain = {k: v for k, v in attrs.items() if k != "requires_grad"}
            if strided:
                wide = [[v for x in row for v in (x, 0.0)] for row in data]
                window = {"op": "index", "inputs": [name + "_rows"], "attrs": {"index": [{}, {"step": 2}]}}
            else:
                wide = [list(column) for column in zip(*data)]
                window = {"op": "t", "inputs": [name + "_rows"]}
            steps += [{"out": name + "_rows", "op": "tensor", "attrs": dict(plain, data=wide)},
                      {"out": name, "op": "detach", "inputs": [window]},
                      {"op": "requires_grad_", "inputs": [name]}]
            changed = True
        else:
            steps.append(step)
    return dict(program, steps=steps) if changed else None


def generate():
    """generate.py, imported quietly: its forms and its first- and second-order programs."""
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    with contextlib.redirect_stdout(io.StringIO()):
        import generate as module
    return module


def first_orders(skip_random=True):
    """Each form of generate.py with its first-order program, torch-run: (name, op, attrs,
    program, leaves, outputs). Random forms are skipped (our generator's numbers are not
    torch's; empty's are undefined) unless `skip_random` is false."""
    module = generate()
    for name, op, inputs, attrs, options in module.FORMS:
        if skip_random and ("rand" in op or op == "empty"):
            continue
        try:
            program, leaves, outs = module.first_order(name, op, inputs, attrs, options)
        except Exception:
            continue
        yield name, op, attrs, program, leaves, outs


def versions(probe, create_graph, twice=False, leaves=None):
    """Every form's leaves' .grad versions, shown through torch's message; `twice`: after a
    second backward that accumulates; `leaves`: "transposed" or "strided" leaves (`layouts`)."""
    for name, op, attrs, program, leaf_names, outs in first_orders(skip_random=False):
        if not any(s.get("op") == "backward" for s in program["steps"]):
            continue
        if leaves:
            program = transposed_leaves(program, strided=leaves == "strided")
            if program is None:
                continue
        steps = []
        for step in program["steps"]:
            if step.get("op") == "backward":
                if create_graph:
                    step["attrs"] = {"create_graph": True}
                if twice:   # a first pass that keeps the graph: the second accumulates into .grad
                    steps.append(dict(step, attrs=dict(step.get("attrs", {}), retain_graph=True)))
            steps.append(step)
        program["steps"] = steps
        for leaf, _ in leaf_names:
            p = json.loads(json.dumps(program))
            p["graph"] = False
            p["outputs"] = [leaf]
            p["steps"] += [
                {"out": "gw", "op": "ones_like", "inputs": [leaf + ".grad"], "attrs": {"requires_grad": True}},
                {"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": [leaf + ".grad", "gw"]}]},
                {"op": "mul_", "inputs": [leaf + ".grad", 2]},
                {"op": "backward", "inputs": ["gz"]}]
            label = f"{name}{' twice' if twice else ''} .grad of {leaves + ' ' if leaves else ''}{leaf}" \
                    f"{' (create_graph)' if create_graph else ''}"
            probe.compare(label, p, messages=True)


def stale(probe):
    """Every form with each leaf replaced by a stale view, of its shape and of other shapes."""
    for name, op, attrs, program, leaf_names, outs in first_orders(skip_random=False):
        dtype = program.get("dtype", "float32")
        for leaf, shape in leaf_names:
            for view_shape in (list(shape), [3], [2, 3], []):
                for how in ("split", "no_grad"):
                    count = 1
                    for n in view_shape:
                        count *= n
                    base = [float(k % 5) * 0.5 + 0.25 for k in range(2 * count)]
                    made = [{"out": "sv_x", "op": "tensor", "attrs": {"data": base, "dtype": dtype, "requires_grad": True}},
                            {"out": "sv_base", "op": "mul", "inputs": ["sv_x", 1]}]
                    if how == "split":
                        made += [{"out": "sv_flat", "op": "reshape", "inputs": ["sv_base", 2, *view_shape]},
                                 {"out": ["sv_a", "sv_b"], "op": "split", "inputs": ["sv_flat", 1]},
                                 {"out": "sv", "op": "reshape", "inputs": ["sv_a", *view_shape] if view_shape else ["sv_a", []]},
                                 {"op": "mul_", "inputs": ["sv_flat", 2]}]
                    else:
                        made += [{"no_grad": [
                                     {"out": "sv_flat", "op": "reshape", "inputs": ["sv_base", 2, *view_shape]},
                                     {"out": "sv", "op": "select", "inputs": ["sv_flat", 0, 0]}]},
                                 {"op": "mul_", "inputs": ["sv_base", 2]}]
                    steps = []
                    for step in program["steps"]:
                        if step.get("out") == leaf:
                            steps.append(step)
                            steps += made
                            continue
                        steps.append(json.loads(json.dumps(step).replace(f'"{leaf}"', '"sv"')))
                    p = {**program, "steps": steps, "outputs": [], "graph": False}
                    probe.compare(f"{name}: {leaf} as a stale {how} view {view_shape}", p, messages=True)


def with_leaf(program, leaf, shape, variant):
    """The program's steps with `leaf` (of `shape`) made a variant: "transposed" (the transpose
    of a leaf of the reversed shape), "expanded" (one value expanded), a view of a larger leaf
    `<leaf>_big` ("select", "every-other", "double-transpose"), a dtype name, or a shape (new
    data of that shape); None where the variant does not apply to this leaf."""
    steps = []
    for step in program["steps"]:
        if step.get("out") != leaf:
            steps.append(step)
            continue
        attrs = {k: v for k, v in step["attrs"].items() if k != "shape"}
        if variant == "transposed":
            if len(shape) != 2 or 0 in shape:
                return None
            attrs["data"] = [[0.5 + 0.25 * (i + j) for i in range(shape[0])] for j in range(shape[1])]
            steps += [dict(step, out=leaf + "_t", attrs=attrs), {"out": leaf, "op": "t", "inputs": [leaf + "_t"]}]
        elif variant == "expanded":
            if not shape:
                return None
            attrs["data"] = [0.75]
            steps += [dict(step, out=leaf + "_e", attrs=attrs), {"out": leaf, "op": "expand", "inputs": [leaf + "_e", *shape]}]
        elif variant in ("select", "every-other", "double-transpose"):   # a view of a larger leaf
            if not shape or 0 in shape or variant == "double-transpose" and len(shape) != 2:
                return None
            big, data = leaf + "_big", attrs["data"]
            if variant == "select":
                attrs["data"], view = [data, data], {"op": "select", "inputs": [big, 0, 1]}
            elif variant == "every-other":
                def widen(v):
                    return [widen(x) for x in v] if isinstance(v[0], list) else [e for x in v for e in (x, -x)]
                attrs["data"], view = widen(data), {"op": "index", "inputs": [big], "attrs": {"index": ["...", {"step": 2}]}}
            else:
                view = {"op": "t", "inputs": [{"op": "t", "inputs": [big]}]}
            steps += [dict(step, out=big, attrs=attrs), {"out": leaf, **view}]
        elif isinstance(variant, str):
            steps.append(dict(step, attrs=dict(step["attrs"], dtype=variant)))
        elif 0 in variant:
            attrs.update(data=[], shape=variant)   # [[]] would be all-boolean to refimpl
            steps.append(dict(step, attrs=attrs))
        else:
            count = iter(range(1, 1 << 30))

            def fill(dims):
                return [fill(dims[1:]) for _ in range(dims[0])] if dims else 0.25 + 0.125 * (next(count) % 7)
            attrs["data"] = fill(variant)
            steps.append(dict(step, attrs=attrs))
    return steps


def shapes(probe):
    """Every form with each leaf replaced by a leaf of an edge shape: 0-d, one element, empty,
    an empty row, an extra leading dimension, a transposed and an expanded one."""
    for name, op, attrs, program, leaf_names, outs in first_orders():
        for leaf, shape in leaf_names:
            for variant in ([], [1], [0], [0, 3], [1] + list(shape), "transposed", "expanded"):
                steps = with_leaf(program, leaf, shape, variant)
                if steps is not None:
                    probe.compare(f"{name}: {leaf} {variant}", {**program, "steps": steps}, messages=True)


def dtypes(probe):
    """Every form with each leaf given another dtype: the other float dtype (requiring grad),
    int64 and bool (not requiring grad): type promotion, result dtypes and dtype errors."""
    for name, op, attrs, program, leaf_names, outs in first_orders():
        other = "float32" if program.get("dtype") == "float64" else "float64"
        for leaf, shape in leaf_names:
            for dtype in (other, "int64", "bool"):
                steps = []
                for step in program["steps"]:
                    if step.get("out") == leaf:
                        attrs = dict(step["attrs"], dtype=dtype)
                        if dtype in ("int64", "bool"):
                            attrs.pop("requires_grad", None)
                            convert = (lambda v: v > 0) if dtype == "bool" else (lambda v: int(round(v * 2)))
                            def walk(v):
                                return [walk(x) for x in v] if isinstance(v, list) else convert(v)
                            attrs["data"] = walk(attrs["data"])
                        step = dict(step, attrs=attrs)
                    steps.append(step)
                probe.compare(f"{name}: {leaf} {dtype}", {**program, "steps": steps}, messages=True)


def attrs(probe):
    """Every form with each attribute of its op given other values: dims negative, out of range
    and repeated, flags flipped, numbers at their edges, each mode of a string attribute."""
    strings = {"reduction": ["none", "mean", "sum", "bogus"], "rounding_mode": ["floor", "trunc", "bogus"],
               "approximate": ["none", "tanh", "bogus"]}
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        if not attrs_:
            continue
        at = next((i for i, s in enumerate(program["steps"]) if s.get("op") == op and s.get("attrs")), None)
        if at is None:
            continue
        for key, value in program["steps"][at]["attrs"].items():
            if isinstance(value, bool):
                variants = [not value]
            elif isinstance(value, int):
                variants = [v for v in (-1, -2, -3, 0, 1, 2, 3, 5) if v != value]
            elif isinstance(value, float):
                variants = [0.0, -1.0, 0.5, 2.5, 100.0]
            elif isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                variants = [[], [0], [-1], [0, 0], [0, -1], [5], [1, 0]]
            elif isinstance(value, str) and key in strings:
                variants = [v for v in strings[key] if v != value]
            else:
                continue
            for v in variants:
                p = json.loads(json.dumps(program))
                p["steps"][at]["attrs"][key] = v
                probe.compare(f"{name}: {key}={v}", p, messages=True)


def numbers(probe):
    """Every form with each leaf replaced by a Python number (an int, a float, a bool, 0, a
    negative): the Scalar overloads, wrapped-number promotion and the errors of ops that take
    tensors only."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        for leaf, shape in leaf_names:
            for number in (2, 2.5, True, 0, -1.5):
                steps = [s for s in program["steps"] if s.get("out") != leaf]
                p = json.loads(json.dumps({**program, "steps": steps}).replace(f'"{leaf}"', json.dumps(number)))
                p["outputs"] = [o for o in program.get("outputs", []) if o != leaf]
                probe.compare(f"{name}: {leaf} = {number}", p, messages=True)


def constants(probe):
    """Every form with each leaf made a constant (not requiring grad), then every leaf but it,
    then the op run under no_grad: None edges, graphs, and errors of backward through nothing."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        names = [leaf for leaf, _ in leaf_names]
        variants = [(f"{leaf} constant", {leaf}) for leaf in names]
        if len(names) > 1:
            variants += [(f"only {leaf} requires grad", set(names) - {leaf}) for leaf in names]
        for label, constant in variants:
            p = json.loads(json.dumps(program))
            for step in p["steps"]:
                if isinstance(step.get("out"), str) and step["out"] in constant:
                    step["attrs"].pop("requires_grad", None)
            probe.compare(f"{name}: {label}", p, messages=True)
        p = json.loads(json.dumps(program))
        at = next((i for i, s in enumerate(p["steps"]) if s.get("op") == op), None)
        if at is not None:
            p["steps"][at] = {"no_grad": [p["steps"][at]]}
            probe.compare(f"{name}: under no_grad", p, messages=True)


def second(probe):
    """Every form's second-order program (grad with create_graph, then grad of that) with each
    leaf made transposed, expanded or of the other float dtype: double-backward formulas over
    strided and mixed-dtype inputs."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        other = "float32" if program.get("dtype") == "float64" else "float64"
        for leaf, shape in leaf_names:
            for variant in ("transposed", "expanded", other):
                steps = with_leaf(program, leaf, shape, variant)
                if steps is None:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    p = generate().second_order(name, {**program, "steps": steps}, leaf_names, outs)
                if p is not None:
                    probe.compare(f"{name}: second order, {leaf} {variant}", p, messages=True)


def third(probe):
    """Every form's second-order program taken one order further: the second grad with
    create_graph, then backward through it, graph compared: the double-backward formulas'
    own graphs (their node names, roundings and saved tensors)."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                p = generate().second_order(name, program, leaf_names, outs)
        except Exception:
            continue
        if p is None:
            continue
        last = p["steps"][-1]
        last["attrs"] = {"allow_unused": True, "create_graph": True}
        hs = last["out"] if isinstance(last["out"], list) else [last["out"]]
        terms = [{"op": "sum", "inputs": [{"op": "mul", "inputs": [h, h]}]} for h in hs]
        total = terms[0]
        for t in terms[1:]:
            total = {"op": "add", "inputs": [total, t]}
        p["steps"].append({"op": "backward", "inputs": [total]})
        p["outputs"] = [leaf for leaf, _ in leaf_names] + p["outputs"]
        p["graph"] = True
        probe.compare(f"{name}: third order", p, messages=True)


def accumulate(probe):
    """Every form's first-order program with retain_grad on its result, then backward with
    create_graph and retain_graph, then backward again through the leaves' .grad (which now has
    a history) accumulating into .grad: retain_grad hooks, AccumulateGrad under create_graph,
    and accumulation over a graph's second use."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        steps = program["steps"]
        at = next((i for i, s in enumerate(steps) if s.get("op") == "backward"), None)
        if at is None or not leaf_names:
            continue
        p = json.loads(json.dumps(program))
        back = p["steps"][at]
        pre = [{"op": "retain_grad", "inputs": [o]} for o in outs if isinstance(o, str)]
        back["attrs"] = {"create_graph": True, "retain_graph": True}
        terms = [{"op": "sum", "inputs": [{"op": "mul", "inputs": [leaf + ".grad", leaf + ".grad"]}]} for leaf, _ in leaf_names]
        total = terms[0]
        for t in terms[1:]:
            total = {"op": "add", "inputs": [total, t]}
        p["steps"] = p["steps"][:at] + pre + [back, {"out": "again", "op": "mul", "inputs": [total, 1]},
                                              {"op": "backward", "inputs": ["again"]}]
        probe.compare(f"{name}: retain_grad, create_graph, backward again", p, messages=True)


def saved(probe):
    """Every form with each input (made a non-leaf) and then its result written in place after
    the op and before backward: torch's version check fails exactly where the op saved that
    tensor, so this shows which tensors each op saves, in torch's error words."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        at = next((i for i, s in enumerate(program["steps"]) if s.get("op") == op), None)
        if at is None or not any(s.get("op") == "backward" for s in program["steps"]):
            continue
        variants = [(None, leaf) for leaf, _ in leaf_names]
        if len(leaf_names) > 1:   # each other leaf made a constant: what the op saves then
            variants += [(c, leaf) for c, _ in leaf_names for leaf, _ in leaf_names if c != leaf]
        for constant, leaf in variants:
            p = json.loads(json.dumps(program))
            for step in p["steps"]:
                if constant and step.get("out") == constant:
                    step["attrs"].pop("requires_grad", None)
            i = next(i for i, s in enumerate(p["steps"]) if s.get("out") == leaf)
            p["steps"][at] = json.loads(json.dumps(p["steps"][at]).replace(f'"{leaf}"', f'"{leaf}_in"'))
            p["steps"].insert(at + 1, {"op": "mul_", "inputs": [leaf + "_in", 1]})
            p["steps"].insert(i + 1, {"out": leaf + "_in", "op": "mul", "inputs": [leaf, 1]})
            probe.compare(f"{name}: {leaf} written after the op{f' ({constant} constant)' if constant else ''}", p, messages=True)
        for out in outs:
            if not isinstance(out, str):
                continue
            p = json.loads(json.dumps(program))
            p["steps"].insert(at + 1, {"op": "mul_", "inputs": [out, 1]})
            probe.compare(f"{name}: result {out} written after the op", p, messages=True)


def twice(probe):
    """Every form's backward run twice without retain_graph: torch's freed-graph error comes only
    from nodes that saved something (a graph of nodes that saved nothing runs again and
    accumulates); then the same with a retain_graph first pass."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        at = next((i for i, s in enumerate(program["steps"]) if s.get("op") == "backward"), None)
        if at is None:
            continue
        for retain in (False, True):
            p = json.loads(json.dumps(program))
            first = json.loads(json.dumps(p["steps"][at]))
            if retain:
                first["attrs"] = {"retain_graph": True}
            p["steps"].insert(at, first)
            probe.compare(f"{name}: backward twice{' (first retains)' if retain else ''}", p, messages=True)


def views(probe):
    """Every form with each leaf replaced by a view of a larger leaf that requires grad (one
    entry of a batch, every other column, a transpose of a transpose): gradients flow back
    through the view nodes into the larger leaf, whose .grad is compared."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        for leaf, shape in leaf_names:
            for how in ("select", "every-other", "double-transpose"):
                steps = with_leaf(program, leaf, shape, how)
                if steps is not None:
                    outputs = [o if o != leaf else leaf + "_big" for o in program["outputs"]]
                    probe.compare(f"{name}: {leaf} as a {how} view", {**program, "steps": steps, "outputs": outputs},
                                  messages=True)


def inplace(probe):
    """Every form of add, sub, mul, div and clamp run in place instead: on a non-leaf, on a view
    of one (torch's CopySlices), on the leaf itself (its error), on a view of the leaf, and under
    no_grad on the leaf, then backward through what was written."""
    for name, op, attrs_, program, leaf_names, outs in first_orders(skip_random=False):
        if op not in ("add", "sub", "mul", "div", "clamp"):
            continue
        at = next((i for i, s in enumerate(program["steps"]) if s.get("op") == op), None)
        if at is None:
            continue
        call = program["steps"][at]
        first = call["inputs"][0]
        if not isinstance(first, str) or not any(first == leaf for leaf, _ in leaf_names):
            continue
        rest = program["steps"][:at]
        for how in ("non-leaf", "view of a non-leaf", "leaf", "view of the leaf", "leaf under no_grad"):
            target, pre = {"non-leaf": ("w", [{"out": "w", "op": "mul", "inputs": [first, 1]}]),
                           "view of a non-leaf": ("v", [{"out": "w", "op": "mul", "inputs": [first, 1]},
                                                        {"out": "v", "op": "index", "inputs": ["w"], "attrs": {"index": ["..."]}}]),
                           "leaf": (first, []),
                           "view of the leaf": ("v", [{"out": "v", "op": "index", "inputs": [first], "attrs": {"index": ["..."]}}]),
                           "leaf under no_grad": (first, [])}[how]
            written = dict(call, op=op + "_", inputs=[target] + call["inputs"][1:])
            written.pop("out", None)
            body = pre + ([{"no_grad": [written]}] if how == "leaf under no_grad" else [written])
            source = "w" if "non-leaf" in how else first
            steps = rest + body + [{"op": "backward", "inputs": [{"op": "sum", "inputs": [{"op": "mul", "inputs": [source, source]}]}]}]
            p = {**program, "steps": steps, "outputs": [leaf for leaf, _ in leaf_names] + ([source] if source != first else [])}
            probe.compare(f"{name}: in place on a {how}", p, messages=True)


def grads(probe):
    """Every form's backward replaced by autograd.grad over its leaves: with the seed given as
    grad_outputs, with an extra unused leaf (allow_unused, materialize_grads), and with
    retain_graph then a second grad: captured gradients, unused inputs, freed graphs."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        at = next((i for i, s in enumerate(program["steps"]) if s.get("op") == "backward"), None)
        if at is None or not leaf_names:
            continue
        back = program["steps"][at]
        names = [leaf for leaf, _ in leaf_names]
        out = [f"d{i}" for i in range(len(names) + 1)]
        unused = {"out": "u", "op": "tensor", "attrs": {"data": [1.0, 2.0], "requires_grad": True}}
        for label, attrs in [("allow_unused", {"allow_unused": True}), ("materialize_grads", {"materialize_grads": True}),
                             ("unused refused", {}), ("retain_graph, twice", {"allow_unused": True, "retain_graph": True})]:
            call = {"out": out, "op": "grad", "inputs": back["inputs"][:1] + names + ["u"], "attrs": attrs}
            if len(back["inputs"]) > 1:
                call["attrs"] = dict(attrs, grad_outputs=back["inputs"][1:])
            steps = program["steps"][:at] + [unused, call]
            if "twice" in label:
                steps.append(dict(call, out=[o + "b" for o in out], attrs={k: v for k, v in call["attrs"].items() if k != "retain_graph"}))
            p = {**program, "steps": steps, "outputs": out + ([o + "b" for o in out] if "twice" in label else [])}
            probe.compare(f"{name}: grad, {label}", p, messages=True)


def orders(probe):
    """Every form of two or more leaves with two things wrong at once: one leaf of an edge shape
    and another of another dtype, so that the order of an op's own checks shows."""
    for name, op, attrs_, program, leaf_names, outs in first_orders():
        for (a, shape_a), (b, shape_b) in itertools.permutations(leaf_names, 2):
            for variant in ([], [0], [1] + list(shape_a)):
                for dtype in ("int64", "bool", "float32" if program.get("dtype") == "float64" else "float64"):
                    steps = with_leaf(program, a, shape_a, variant)
                    steps = steps and with_leaf({**program, "steps": steps}, b, shape_b, dtype)
                    if steps is None:
                        continue
                    for step in steps:   # an integer or bool leaf cannot require grad
                        if step.get("out") == b and dtype in ("int64", "bool"):
                            step["attrs"] = {k: v for k, v in step["attrs"].items() if k != "requires_grad"}
                            convert = (lambda v: v > 0) if dtype == "bool" else (lambda v: int(round(v * 2)))

                            def walk(v, convert=convert):
                                return [walk(x) for x in v] if isinstance(v, list) else convert(v)
                            step["attrs"]["data"] = walk(step["attrs"]["data"])
                    probe.compare(f"{name}: {a} {variant}, {b} {dtype}", {**program, "steps": steps}, messages=True)


def special_seconds(probe, ops):
    """Every one-input op's second derivative on the special values (±inf, NaN, ±0, 1e±30,
    denormals), and the binary ops' and two losses' over all pairs of them, in both float
    dtypes: the double-backward formulas' handling of them."""
    one = [o["name"] for o in ops if o["differentiable"] and o["inputs"] == {"min": 1, "max": 1}
           and o["name"] not in ("t", "clone", "contiguous", "zero_")]
    for dtype in ("float32", "float64"):
        for op in one:
            for v in FLOATS:
                steps = [{"out": "x", "op": "tensor", "attrs": tensor([v], dtype)},
                         {"out": "y", "op": op, "inputs": ["x"]},
                         {"out": "g", "op": "grad", "inputs": [{"op": "sum", "inputs": ["y"]}, "x"], "attrs": {"create_graph": True}},
                         {"out": "h", "op": "grad", "inputs": [{"op": "sum", "inputs": ["g"]}, "x"], "attrs": {"allow_unused": True}}]
                probe.compare(f"{dtype} {op} {v}: second derivative", {"steps": steps, "outputs": ["g", "h"]})
        pairs_a = [a for a in FLOATS for _ in FLOATS]
        pairs_b = [b for _ in FLOATS for b in FLOATS]
        for op in ("mul", "div", "pow", "maximum", "minimum", "mse_loss", "binary_cross_entropy_with_logits"):
            steps = [{"out": "x", "op": "tensor", "attrs": tensor(pairs_a, dtype)},
                     {"out": "w", "op": "tensor", "attrs": tensor(pairs_b, dtype)},
                     {"out": "y", "op": op, "inputs": ["x", "w"]},
                     {"out": ["gx", "gw"], "op": "grad", "inputs": [{"op": "sum", "inputs": ["y"]}, "x", "w"],
                      "attrs": {"create_graph": True}},
                     {"out": ["hx", "hw"], "op": "grad", "inputs": [{"op": "add", "inputs": [{"op": "sum", "inputs": ["gx"]}, {"op": "sum", "inputs": ["gw"]}]}, "x", "w"],
                      "attrs": {"allow_unused": True}}]
            probe.compare(f"{dtype} {op} pairs: second derivatives", {"steps": steps, "outputs": ["gx", "gw", "hx", "hw"]})


def catalog(args):
    url = urllib.parse.urlparse(args.url)
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    c.request("GET", "/v1/ops")
    return json.loads(c.getresponse().read())["ops"]


def specials_from_catalog(probe, args):
    specials(probe, catalog(args))


def layouts(probe, args):
    for leaves in ("transposed", "strided"):
        versions(probe, create_graph=False, leaves=leaves)
        versions(probe, create_graph=True, leaves=leaves)


def all_versions(probe, args):
    for again in (False, True):
        versions(probe, create_graph=False, twice=again)
        versions(probe, create_graph=True, twice=again)


# The modes: each runs its programs through `probe` (`args` for the modes with options).
MODES = {
    "specials": specials_from_catalog,
    "special-seconds": lambda probe, args: special_seconds(probe, catalog(args)),
    "versions": all_versions,
    "layouts": layouts,
    "sums": lambda probe, args: sums(probe, args.count, args.seed, big=args.big),
    **{name: (lambda mode: lambda probe, args: mode(probe))(mode) for name, mode in [
        ("stale", stale), ("shapes", shapes), ("dtypes", dtypes), ("attrs", attrs), ("numbers", numbers),
        ("constants", constants), ("second", second), ("third", third), ("accumulate", accumulate),
        ("saved", saved), ("twice", twice), ("views", views), ("inplace", inplace), ("grads", grads), ("orders", orders)]},
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("what", choices=list(MODES))
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--big", action="store_true", help="sums: tensors of 32,768 to 100,000 elements")
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads for the reference")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    probe = Probe(args.url)
    if args.torch_threads:
        import torch
        torch.set_num_threads(args.torch_threads)
    MODES[args.what](probe, args)
    print(f"{probe.probed} probed, {probe.differ} differ")


if __name__ == "__main__":
    main()
