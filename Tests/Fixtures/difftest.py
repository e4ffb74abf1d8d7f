"""Differential testing against torch: random programs, answered by refimpl on torch and by a
running autograd-server, compared by conformance.py's rules.

Each program binds a few float64 leaves of random small shapes, applies a random chain of ops
(pointwise, broadcasting binaries, reductions with random dims, shape ops, matmul, in-place ops
on intermediate results and on views of them), then calls backward on the sum of the last result.
Shape mismatches and other torch errors are part of the test: the status, error code and step
must match too. A failing program is written to FAILDIR for a fixture or a bug report.

    autograd-server --port 8099 &
    VENV/bin/python Tests/Fixtures/difftest.py --url http://127.0.0.1:8099 --count 2000 [--seed 1]
"""
import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "..", "shared", "reference")

SHAPES = [[], [3], [1], [2, 3], [3, 1], [1, 3], [2, 1, 3], [0, 3]]
UNARY = ["neg", "abs", "square", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "gelu", "softplus",
         "expm1", "reciprocal", "sqrt", "log", "rsqrt", "log1p", "clone", "contiguous", "t", "tan"]
POSITIVE = {"sqrt", "log", "rsqrt", "log1p"}
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "pow", "matmul", "rsub", "mm", "dot"]
REDUCE = ["sum", "mean", "amax", "amin", "logsumexp", "var", "std", "norm", "prod", "softmax", "log_softmax"]
INPLACE = ["add_", "mul_", "sub_", "div_", "clamp_", "zero_", "fill_", "copy_"]
MORE = ["index_list", "permute", "split", "chunk", "nll", "bce", "ce_probs", "outer", "linear", "flatten_dims",
        "squeeze_dim", "gelu_tanh", "softplus_beta", "clamp_min", "detach", "no_grad", "retain_grad", "min_binary", "argmax",
        "logsumexp_keep", "bmm_self", "where_scalar", "std_dim_keep", "compare_mask", "isclose", "like", "numbers"]
LOSSES = ["mse_loss", "l1_loss", "binary_cross_entropy_with_logits", "smooth_where", "clamp_tensor", "max_dim", "expand", "transpose", "cross_entropy"]


def value(r):
    return round(r.uniform(-2, 2), 2) or 0.5


def nested(shape, r, positive=False):
    if not shape:
        return round(r.uniform(0.3, 2), 2) if positive else value(r)
    return [nested(shape[1:], r, positive) for _ in range(shape[0])]


def literal(shape, r, positive=False):
    if 0 in shape:
        return {"data": [], "shape": shape}
    return {"data": nested(shape, r, positive)}


def random_program(r):
    steps, names, counter = [], [], 0

    def fresh():
        nonlocal counter
        counter += 1
        return f"t{counter}"

    positive = r.random() < 0.3
    for _ in range(r.randint(1, 3)):
        name = fresh()
        shape = r.choice(SHAPES)
        if len(shape) == 2 and r.random() < 0.2:
            # a non-contiguous leaf (a detached transpose): its .grad takes the leaf's strides
            data = literal(shape[::-1], r, positive)
            steps.append({"out": name, "op": "detach", "inputs": [{"op": "t", "inputs": [{"op": "tensor", "attrs": data}]}]})
            steps.append({"op": "requires_grad_", "inputs": [name]})
        else:
            steps.append({"out": name, "op": "tensor", "attrs": {**literal(shape, r, positive), "requires_grad": True}})
        names.append(name)
    if r.random() < 0.3:
        # an integer or boolean tensor among the operands: type promotion, integer kernels
        name = fresh()
        shape = r.choice(SHAPES)
        kind_ = r.choice(["int64", "bool"])
        data = nested(shape, r) if 0 not in shape else []
        def conv(d):
            if isinstance(d, list):
                return [conv(x) for x in d]
            return int(d * 2) if kind_ == "int64" else d > 0
        attrs = {"data": conv(data), "dtype": kind_}
        if 0 in shape:
            attrs["shape"] = shape
        steps.append({"out": name, "op": "tensor", "attrs": attrs})
        names.append(name)
    last = names[-1]
    for _ in range(r.randint(1, 7)):
        kind = r.random()
        a = r.choice(names)
        out = fresh()
        if kind < 0.22:
            op = r.choice(UNARY)
            steps.append({"out": out, "op": op, "inputs": [a]})
        elif kind < 0.45:
            op = r.choice(BINARY)
            b = r.choice(names + [2, 0.5, -1])
            inputs = [a, b] if r.random() < 0.8 else [b, a]
            if op in ("matmul", "rsub") and not isinstance(inputs[0], str):
                inputs = [a, b]
            if op == "matmul" and not isinstance(inputs[1], str):
                inputs[1] = a
            steps.append({"out": out, "op": op, "inputs": inputs})
        elif kind < 0.6:
            op = r.choice(REDUCE)
            attrs = {}
            if op in ("softmax", "log_softmax"):
                attrs["dim"] = r.choice([0, -1])
            elif op == "prod":
                if r.random() < 0.5:
                    attrs["dim"] = r.choice([0, -1])
            elif r.random() < 0.6:
                attrs["dim"] = r.choice([0, -1, [0], [0, -1]]) if op != "logsumexp" else r.choice([0, -1, [0, -1]])
            if "dim" in attrs and op not in ("softmax", "log_softmax") and r.random() < 0.5:
                attrs["keepdim"] = True
            if op in ("var", "std") and r.random() < 0.5:
                attrs["correction"] = r.choice([0, 1, 2])
            if op == "norm" and r.random() < 0.5:
                attrs["p"] = r.choice([1, 3, "inf"])
            steps.append({"out": out, "op": op, "inputs": [a], **({"attrs": attrs} if attrs else {})})
        elif kind < 0.7:
            op = r.choice(LOSSES)
            b = r.choice(names)
            if op in ("mse_loss", "l1_loss", "binary_cross_entropy_with_logits"):
                attrs = {"reduction": r.choice(["mean", "sum", "none"])}
                steps.append({"out": out, "op": op, "inputs": [a, b], "attrs": attrs})
            elif op == "smooth_where":
                steps.append({"out": out, "op": "where", "inputs": [{"op": "gt", "inputs": [a, 0]}, a, b]})
            elif op == "clamp_tensor":
                steps.append({"out": out, "op": "clamp", "inputs": [a], "attrs": {"min": b, "max": 1.0}})
            elif op == "max_dim":
                steps.append({"out": [out, out + "i"], "op": r.choice(["max", "min"]), "inputs": [a], "attrs": {"dim": r.choice([0, -1])}})
            elif op == "expand":
                steps.append({"out": out, "op": "expand", "inputs": [a, 2, -1, -1] if r.random() < 0.5 else [a, -1]})
            elif op == "transpose":
                steps.append({"out": out, "op": "transpose", "inputs": [a, 0, -1]})
            else:
                steps.append({"out": out, "op": "cross_entropy", "inputs": [a, {"op": "tensor", "attrs": {"data": [0, 1], "dtype": "int64"}}],
                              "attrs": {"label_smoothing": r.choice([0, 0.1])}})
        elif kind < 0.88:
            op = r.choice(MORE)
            b = r.choice(names)
            if op == "index_list":
                call = {"op": "index", "inputs": [a], "attrs": {"index": [r.choice([[0, 0], [-1, 0], [0]])]}}
            elif op == "permute":
                call = {"op": "permute", "inputs": [a], "attrs": {"dims": r.choice([[1, 0], [0], [2, 0, 1]])}}
            elif op in ("split", "chunk"):
                attrs = {"split_size_or_sections": r.choice([1, 2])} if op == "split" else {"chunks": r.choice([1, 2, 3])}
                attrs["dim"] = r.choice([0, -1])
                steps.append({"out": [out, out + "b"], "op": op, "inputs": [a], "attrs": attrs})
                names.append(out)
                last = out
                continue
            elif op == "nll":
                call = {"op": "nll_loss", "inputs": [{"op": "log_softmax", "inputs": [a], "attrs": {"dim": -1}},
                                                     {"op": "tensor", "attrs": {"data": [0, 2], "dtype": "int64"}}],
                        "attrs": {"reduction": r.choice(["mean", "sum", "none"])}}
            elif op == "bce":
                call = {"op": "binary_cross_entropy", "inputs": [{"op": "sigmoid", "inputs": [a]}, {"op": "sigmoid", "inputs": [{"op": "detach", "inputs": [b]}]}],
                        "attrs": {"reduction": r.choice(["mean", "sum", "none"])}}
            elif op == "ce_probs":
                call = {"op": "cross_entropy", "inputs": [a, {"op": "softmax", "inputs": [{"op": "detach", "inputs": [b]}], "attrs": {"dim": -1}}]}
            elif op == "outer":
                call = {"op": "outer", "inputs": [a, b]}
            elif op == "linear":
                call = {"op": "linear", "inputs": [a, b]}
            elif op == "flatten_dims":
                call = {"op": "flatten", "inputs": [a], "attrs": {"start_dim": 0, "end_dim": r.choice([0, -1, 1])}}
            elif op == "squeeze_dim":
                call = {"op": "squeeze", "inputs": [a], "attrs": {"dim": r.choice([0, -1, [0, -1]])}}
            elif op == "gelu_tanh":
                call = {"op": "gelu", "inputs": [a], "attrs": {"approximate": "tanh"}}
            elif op == "softplus_beta":
                call = {"op": "softplus", "inputs": [a], "attrs": {"beta": 2, "threshold": 1}}
            elif op == "clamp_min":
                call = {"op": "clamp", "inputs": [a], "attrs": {"min": r.choice([0, -0.5, 1])}}
            elif op == "detach":
                call = {"op": "detach", "inputs": [a]}
            elif op == "no_grad":
                steps.append({"no_grad": [{"out": out, "op": "mul", "inputs": [a, 2]}]})
                names.append(out)
                last = out
                continue
            elif op == "retain_grad":
                steps.append({"op": "retain_grad", "inputs": [a]})
                continue
            elif op == "min_binary":
                call = {"op": r.choice(["max", "min"]), "inputs": [a, b]}
            elif op == "argmax":
                call = {"op": r.choice(["argmax", "argmin"]), "inputs": [a], "attrs": r.choice([{}, {"dim": 0}, {"dim": -1, "keepdim": True}])}
            elif op == "logsumexp_keep":
                call = {"op": "logsumexp", "inputs": [a], "attrs": {"dim": r.choice([0, [0, -1]]), "keepdim": True}}
            elif op == "bmm_self":
                call = {"op": "bmm", "inputs": [a, {"op": "transpose", "inputs": [a, 1, 2]}]}
            elif op == "compare_mask":
                call = {"op": "mul", "inputs": [a, {"op": r.choice(["eq", "ne", "le", "ge"]), "inputs": [a, r.choice([b, 0.5])]}]}
            elif op == "isclose":
                call = {"op": "isclose", "inputs": [a, b], "attrs": r.choice([{}, {"rtol": 0.5, "atol": 0.1}, {"equal_nan": True}])}
            elif op == "like":
                like = r.choice(["zeros_like", "full_like", "ones_like"])
                attrs = {"fill_value": r.choice([2, -0.5, True])} if like == "full_like" else {}
                if r.random() < 0.3:
                    attrs["dtype"] = r.choice(["float64", "int64", "bool"])
                if r.random() < 0.3:
                    attrs["requires_grad"] = True
                call = {"op": like, "inputs": [a], **({"attrs": attrs} if attrs else {})}
            elif op == "numbers":
                # non-tensor results: answered as {"value": ...}, never operands
                number = r.choice([{"op": "numel", "inputs": [a]}, {"op": "size", "inputs": [a]},
                                   {"op": "size", "inputs": [a], "attrs": {"dim": -1}}, {"op": "item", "inputs": [a]},
                                   {"op": "allclose", "inputs": [a, b]}])
                steps.append({"out": out, **number})
                continue
            elif op == "where_scalar":
                call = {"op": "where", "inputs": [{"op": "lt", "inputs": [a, b]}, a, 0.5]}
            else:
                call = {"op": "std", "inputs": [a], "attrs": {"dim": 0, "keepdim": True, "correction": r.choice([0, 1])}}
            steps.append({"out": out, **call})
        elif kind < 0.92:
            op = r.choice(["reshape", "unsqueeze", "squeeze", "index", "select", "cat", "stack", "flatten"])
            if op == "reshape":
                call = {"op": "reshape", "inputs": [a, -1]}
            elif op == "unsqueeze":
                call = {"op": "unsqueeze", "inputs": [a, r.choice([0, -1])]}
            elif op == "squeeze":
                call = {"op": "squeeze", "inputs": [a]}
            elif op == "index":
                call = {"op": "index", "inputs": [a], "attrs": {"index": [r.choice([0, {"start": 1}, {"step": 2}, None, {"start": -2, "stop": -1}])]}}
            elif op == "select":
                call = {"op": "select", "inputs": [a, 0, r.choice([0, -1])]}
            elif op == "flatten":
                call = {"op": "flatten", "inputs": [a]}
            else:
                call = {"op": op, "inputs": [a, r.choice(names)], "attrs": {"dim": r.choice([0, -1])}}
            steps.append({"out": out, **call})
        else:
            # an in-place op on an intermediate (never a leaf: torch refuses that, and so do we)
            targets = [s["out"] for s in steps if s.get("op") not in ("tensor", None) and isinstance(s.get("out"), str)]
            if not targets:
                continue
            target = r.choice(targets)
            op = r.choice(INPLACE)
            if op == "zero_":
                steps.append({"op": op, "inputs": [target]})
            elif op == "fill_":
                steps.append({"op": op, "inputs": [target], "attrs": {"value": r.choice([0.5, 2, True])}})
            elif op == "clamp_":
                steps.append({"op": op, "inputs": [target], "attrs": {"min": -0.5, "max": 1.5}})
            else:
                steps.append({"op": op, "inputs": [target, r.choice(names + [2, 0.5])]})
            continue
        names.append(out)
        last = out
    loss = {"op": "sum", "inputs": [last]}
    if r.random() < 0.3:
        # second order: gradients with create_graph, then backward through them
        leaves = [s["out"] for s in steps if s.get("op") in ("tensor", "detach")]
        outs = [f"g{i}" for i in range(len(leaves))]
        steps.append({"out": outs if len(outs) > 1 else outs[0], "op": "grad", "inputs": [loss, *leaves],
                      "attrs": {"create_graph": True, "allow_unused": True}})
        used = [{"op": "sum", "inputs": [{"op": "mul", "inputs": [g, g]}]} for g in outs]
        steps.append({"no_grad": [{"out": "unused", "op": "tensor", "attrs": {"data": 0.0}}]})
        total = used[0]
        for u in used[1:]:
            total = {"op": "add", "inputs": [total, u]}
        steps.append({"op": "backward", "inputs": [total]})
    else:
        create_graph = r.random() < 0.2
        steps.append({"op": "backward", "inputs": [loss], **({"attrs": {"create_graph": True}} if create_graph else {})})
        if r.random() < 0.5:
            # then use a leaf's .grad: its layout, its version counter, its history under create_graph
            leaf = r.choice([s["out"] for s in steps if s.get("op") in ("tensor", "detach") and s["out"] in names[:3]])
            grad = leaf + ".grad"
            use = r.choice(["view", "mul", "version", "zero_grad"])
            if use == "view":
                steps.append({"out": "gview", "op": "view", "inputs": [grad, -1]})
            elif use == "zero_grad":
                steps.append({"op": "zero_grad", "inputs": [leaf]})
            elif use == "mul":
                steps.append({"out": "gmul", "op": "mul", "inputs": [grad, 2]})
            else:
                steps.append({"out": "gw", "op": "ones_like", "inputs": [grad], "attrs": {"requires_grad": True}})
                steps.append({"out": "gz", "op": "sum", "inputs": [{"op": "mul", "inputs": [grad, "gw"]}]})
                steps.append({"op": "mul_", "inputs": [grad, 2]})
                steps.append({"op": "backward", "inputs": ["gz"]})
    dtype = "float32" if r.random() < 0.25 else "float64"
    return {"dtype": dtype, "steps": steps, "graph": True}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--faildir", default="/tmp/difftest-failures")
    parser.add_argument("--messages", action="store_true",
                        help="also compare torch's whole error message, not only status, code and step")
    args = parser.parse_args()
    sys.path.insert(0, os.path.abspath(REFERENCE))
    import conformance
    torch_answer = conformance.in_process()
    os.makedirs(args.faildir, exist_ok=True)
    r = random.Random(args.seed)
    failed = errors = 0
    for i in range(args.count):
        program = random_program(r)
        status, body = torch_answer(program)
        if status >= 500:
            continue        # a program refimpl itself cannot run: not a spec
        if status != 200:
            errors += 1
        case = {"name": f"random-{args.seed}-{i}", "program": program, "expected": {"status": status, "body": body}}
        if status == 422 and args.messages:
            case["message_contains"] = body["error"]["message"]   # torch's whole message
        with open(os.path.join(args.faildir, "last.json"), "w") as f:   # what a crash was running
            json.dump(case, f, indent=1)
        try:
            got_status, got_body = conformance.post(args.url, program, 30)
            conformance.compare(case, got_status, got_body)
        except (conformance.Mismatch, OSError) as e:
            failed += 1
            case["mismatch"] = str(e)
            with open(os.path.join(args.faildir, case["name"] + ".json"), "w") as f:
                json.dump(case, f, indent=1)
            print(f"FAIL {case['name']}: {e}")
    print(f"{args.count - failed} agreed, {failed} differed ({errors} of torch's answers were errors)")


if __name__ == "__main__":
    main()
