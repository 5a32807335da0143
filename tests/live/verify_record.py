#!/usr/bin/env python3
"""Verifies an approval record with tools outside quantgrid: re-canonicalises it with its own
RFC 8785 encoder (below, written from the RFC, not from quantgrid's C++), checks the stored
bytes are exactly that, and checks the Ed25519 signature with the `cryptography` package.

Usage: verify_record.py WRITER   (WRITER prints one signed record: tests/live/write_sample_record)
       verify_record.py --file RECORD
"""
import decimal
import json
import struct
import subprocess
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DOMAIN = b"quantgrid-approval-v1\n"


def es_number(v):
    """ECMAScript Number::toString of a double (RFC 8785 section 3.2.2.3)."""
    v = float(v)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError("NaN and infinities have no JSON form")
    if v == 0:
        return "0"
    if v < 0:
        return "-" + es_number(-v)
    t = decimal.Decimal(repr(v)).normalize().as_tuple()  # repr: the shortest round-trip digits
    d = "".join(map(str, t.digits))
    k, n = len(d), t.exponent + len(d)
    if k <= n <= 21:
        return d + "0" * (n - k)
    if 0 < n <= 21:
        return d[:n] + "." + d[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + d
    e = n - 1
    return d[0] + ("." + d[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def jcs(value):
    """RFC 8785 canonical text of a parsed JSON value."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))  # big-endian bytes: code-unit order
        return "{" + ",".join(jcs(k) + ":" + jcs(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(x) for x in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # escapes " \ and controls only, as RFC 8785
    if value is True or value is False or value is None:
        return json.dumps(value)
    return es_number(value)


def self_test():
    """A few RFC 8785 Appendix B values, so a broken encoder here cannot pass a broken record."""
    for bits, text in [("0000000000000001", "5e-324"), ("44b52d02c7e14af6", "1e+23"),
                       ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("41b3de4355555554", "333333333.33333325"),
                       ("becbf647612f3696", "-0.0000033333333333333333")]:
        got = es_number(struct.unpack(">d", bytes.fromhex(bits))[0])
        assert got == text, (bits, got, text)


def signature_ok(record):
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(record["approver"]["public_key"]))
    unsigned = {k: v for k, v in record.items() if k != "signature"}
    try:
        public.verify(bytes.fromhex(record["signature"]), DOMAIN + jcs(unsigned).encode("utf-8"))
        return True
    except InvalidSignature:
        return False


def main():
    self_test()
    if sys.argv[1] == "--file":
        text = open(sys.argv[2], "rb").read()
    else:
        text = subprocess.run([sys.argv[1]], check=True, capture_output=True).stdout
    body = text[:-1] if text.endswith(b"\n") else text
    record = json.loads(body)
    assert record["format_version"] == 2, record["format_version"]
    canonical = jcs(record).encode("utf-8")
    assert canonical == body, f"not RFC 8785 canonical:\n{body!r}\n{canonical!r}"
    assert signature_ok(record), "the signature does not verify"
    record["artifact"]["cost_per_unit"] = 0.0004  # any change must break it
    assert not signature_ok(record), "a changed record still verifies"
    print("record verified: RFC 8785 bytes and Ed25519 signature (cryptography)")


if __name__ == "__main__":
    main()
