"""Checks that a running autograd-server reads request bodies as Python's `json` reads them (the
reference interpreter's reader). Standard library only.

1. Random JSON texts, most of them mutated (a byte inserted, dropped or replaced): the server
   must answer `bad_json` exactly when `json.loads` refuses the text, and never a 5xx.
2. Numbers in every spelling (exponents, long mantissas, subnormals, huge integers, -0.0) in a
   float64 tensor literal: the server must answer the very doubles `json.loads` reads.

    python3 Tests/Fixtures/jsonfuzz.py --url http://127.0.0.1:8099 [--count 2000] [--seed 1]

Prints `N agreed, M differ` and exits 1 when something differs.
"""
import argparse
import http.client
import json
import random
import struct
import sys
import urllib.parse

SCALARS = [0, -0.0, 1, -1, 1.5, 1e300, -2.5e-300, 123456789012345678, -9223372036854775808, True, False,
           None, "a", "é", "\u20ac", "\U0001F600", "\\", "\"", 3.141592653589793]
MUTATIONS = [" ", ",", "]", "}", "[", "{", "\"", "\\", "0", "-", ".", "e", "E", "+", "t", "n", "\x00", "\x1f",
             "\xff", "\u2028", "01", "1.", ".1", "--1", "\\u", "\\ud800", "\\udc00x"]


def post(url, body):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    c.request("POST", "/v1/evaluate", body=body, headers={"Content-Type": "application/json"})
    response = c.getresponse()
    return response.status, json.loads(response.read())


def value(r, depth=0):
    k = r.random()
    if depth > 3 or k < 0.4:
        return r.choice(SCALARS)
    if k < 0.7:
        return [value(r, depth + 1) for _ in range(r.randint(0, 3))]
    return {r.choice(["steps", "a", "b", "x\u00e9", ""]): value(r, depth + 1) for _ in range(r.randint(0, 3))}


def text(r):
    t = json.dumps(value(r), ensure_ascii=r.random() < 0.5)
    if r.random() < 0.7:
        for _ in range(r.randint(1, 3)):
            i, op = r.randint(0, len(t)), r.random()
            if op < 0.4:
                t = t[:i] + r.choice(MUTATIONS) + t[i:]
            elif op < 0.7:
                t = t[:i] + t[i + 1:]
            else:
                t = t[:i] + r.choice(MUTATIONS) + t[i + 1:]
    return t.encode("utf-8", "surrogatepass")


def spelling(r):
    kind = r.random()
    if kind < 0.3:
        return repr(r.uniform(-1, 1) * 10 ** r.randint(-30, 30))
    if kind < 0.5:
        return repr(struct.unpack("<d", struct.pack("<Q", r.getrandbits(62)))[0])   # any bit pattern
    if kind < 0.7:
        digits = "".join(r.choice("0123456789") for _ in range(r.randint(1, 40)))
        return f"{r.choice(['', '-'])}{digits.lstrip('0') or '0'}.{digits}e{r.randint(-330, 310)}"
    if kind < 0.85:
        return str(r.choice([1, -1]) * r.getrandbits(r.randint(1, 70)))
    return r.choice(["-0.0", "0e0", "1E+2", "1e-400", "5e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
                     "9007199254740993", "-9223372036854775807", "0.30000000000000004"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    r = random.Random(args.seed)
    agreed = differ = 0

    def report(message):
        nonlocal differ
        differ += 1
        if differ <= 10:
            print(message)

    for _ in range(args.count):
        body = text(r)
        try:
            json.loads(body.decode("utf-8"))
            python_reads = True
        except ValueError:
            python_reads = False
        status, answer = post(url, body)
        ours_reads = not (status == 400 and answer.get("error", {}).get("code") == "bad_json")
        if status >= 500:
            report(f"status {status} for {body[:100]!r}")
        elif python_reads != ours_reads:
            report(f"python reads it: {python_reads}, the server: {ours_reads}: {body[:100]!r} "
                   f"({answer.get('error', {}).get('message', '')[:80]})")
        else:
            agreed += 1
    for _ in range(max(1, args.count // 50)):
        spellings = [spelling(r) for _ in range(50)]
        body = ('{"steps":[{"out":"x","op":"tensor","attrs":{"dtype":"float64","data":[' + ",".join(spellings)
                + ']}}],"outputs":["x"]}').encode()
        status, answer = post(url, body)
        if status != 200:
            report(f"status {status} for numbers {spellings[:3]}…: {answer}")
            continue
        for s, got in zip(spellings, answer["outputs"]["x"]["data"]):
            expected = float(json.loads(s))
            got = float(got) if not isinstance(got, str) else float(got.replace("Infinity", "inf"))
            if struct.pack("<d", expected) == struct.pack("<d", got):
                agreed += 1
            else:
                report(f"{s} read as {got!r}, python reads {expected!r}")
    print(f"{agreed} agreed, {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
