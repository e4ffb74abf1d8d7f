"""The same three measurements on PyTorch (the baseline the engine is compared against)."""
import sys, time, torch

torch.set_num_threads(2)

def measure(fn, iterations, repeats=7):
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter_ns()
        for _ in range(iterations):
            fn()
        best = min(best, (time.perf_counter_ns() - t) / iterations)
    return best

def tutorial():
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    out = (y * y * 3).mean()
    out.backward()

def chain(n=10_000):
    x = torch.ones(3, requires_grad=True)
    y = x
    for i in range(n):
        y = y * 1.0001 if i % 2 == 0 else y + 0.5
    y.sum().backward()

which = sys.argv[1] if len(sys.argv) > 1 else "all"
if which in ("all", "tutorial"):
    print("tutorial_us", measure(tutorial, 20_000) / 1000)
if which in ("all", "chain"):
    print("chain_us_per_op", measure(chain, 5, 5) / 1000 / 10_000)
if which in ("all", "matmul"):
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    ns = measure(lambda: a @ b, 3, 5)
    print("matmul1024_gflops", 2 * 1024 ** 3 / ns)
