#!/usr/bin/env python3
"""Requests with random header fields against a running server (standard library only).

Each request carries up to four fields drawn from the ones the server and the service read
(Content-Type, Content-Length, Transfer-Encoding, Expect, Accept-Encoding, Connection, …),
with empty, parameter-only, malformed, huge and non-ASCII values. Every request must get an
HTTP/1.1 answer, and every error answer (4xx/5xx, not to HEAD) a JSON body: a request that
the server drops without answering, as an empty Content-Type once did (it crashed the worker),
is a failure. Prints `N answered, M failed` and exits non-zero on a failure.

    python3 Tests/Fixtures/headerfuzz.py --url http://127.0.0.1:8080 --count 2000 --seed 1
"""
import argparse
import gzip
import json
import random
import socket
import sys
from urllib.parse import urlparse

NAMES = ["Content-Type", "Accept-Encoding", "Content-Encoding", "Expect", "Connection", "Transfer-Encoding",
         "Content-Length", "Accept", "TE", "Upgrade", "X-Request-Id", "Keep-Alive", "Trailer"]
VALUES = ["", ";", ",", " ", "\t", "gzip", "gzip;q=0", "*;q=", "q=1;gzip", "application/json", "application/json;",
          ";charset=utf-8", "100-continue", "100-Continue ", "close", "keep-alive", "chunked", "gzip, chunked",
          "identity", "0", "-1", "18446744073709551616", "x" * 300, "é", "\x7f", "a/b+json", "application/", "/json",
          "text/plain", "deflate", "br", "*", "q=abc", "gzip;q=1.5", "gzip;q=-1", ";;;;", "=", "\"quoted\""]
PATHS = ["/v1/evaluate", "/healthz", "/metrics", "/", "/v1/ops", "/openapi.yaml", "/v1/evaluate?x=1", "//", "/%00"]
BODY = b'{"steps":[{"out":"x","op":"ones","inputs":[2]}]}'


def request(rng):
    method = rng.choice(["POST", "POST", "GET", "HEAD", "PUT", "OPTIONS"])
    fields = ["Host: fuzz"] + [f"{rng.choice(NAMES)}: {rng.choice(VALUES)}" for _ in range(rng.randint(0, 4))]
    body = BODY if method == "POST" and rng.random() < 0.8 else b""
    if any(f.lower().startswith("transfer-encoding") and f.endswith("chunked") for f in fields):
        # framed as declared, so that the message is complete (a server may drop an incomplete one)
        body = (f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    elif rng.random() < 0.8 and not any(f.lower().startswith("content-length") for f in fields):
        fields.append(f"Content-Length: {len(body)}")
    head = f"{method} {rng.choice(PATHS)} HTTP/1.1\r\n" + "\r\n".join(fields) + "\r\n\r\n"
    return method, head.encode("utf-8") + body


def exchange(host, port, data):
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)   # no more requests: the server answers, then closes
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def problem(method, answer):
    """Why `answer` is not acceptable, or None."""
    if not answer.startswith(b"HTTP/1.1 "):
        return "no HTTP/1.1 answer"
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head[9:12])
    if status == 100:   # an interim answer, then the final one
        return problem(method, body)
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
    if status >= 400 and method != "HEAD":
        length = int(fields.get(b"content-length", b"-1"))
        if length >= 0:
            body = body[:length]
        if fields.get(b"content-encoding") == b"gzip":
            body = gzip.decompress(body)
        try:
            json.loads(body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return f"a {status} answer without a JSON error body"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = urlparse(args.url)
    rng = random.Random(args.seed)
    failed = 0
    for _ in range(args.count):
        method, data = request(rng)
        try:
            why = problem(method, exchange(url.hostname, url.port, data))
        except OSError as error:
            why = f"{type(error).__name__}: {error}"
        if why:
            failed += 1
            if failed <= 10:
                print(f"{why}: {data[:200]!r}")
    print(f"{args.count - failed} answered, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
