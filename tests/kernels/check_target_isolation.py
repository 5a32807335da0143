#!/usr/bin/env python3
"""Checks that AVX-512 code in a linked binary stays inside the x86-64-v4 copy of the sweep
kernels (the qg::kernels::x86_64_v4 namespace, kernels/src/target_kernels.hpp) and the other
functions written for that target alone, each in a namespace of that name and called only on a
CPU that runs it (the VaR product's AVX-512 tile, kernels/src/var/packed_factor.cpp).

The per-target objects also hold their own copies of inline and template functions (std::vector
members, ...). If the linker kept a v4 copy of one of those for the rest of the program, a CPU
without AVX-512 would stop with an illegal instruction. AVX-512 instructions are EVEX-encoded: in
64-bit code their first byte is 0x62. Every C++ function with such an instruction must be a v4
one. C functions are left out: the statically linked OpenBLAS carries AVX-512 kernels of its own
(dgemm_kernel_SKYLAKEX, ...) and picks among them at run time by the CPU it finds.

Usage: check_target_isolation.py BINARY
"""
import re
import subprocess
import sys

V4 = "x86_64_v4"
HEADER = re.compile(r"^[0-9a-f]+ <(.+)>:$")
INSN = re.compile(r"^\s*[0-9a-f]+:\s+((?:[0-9a-f]{2} )+)")
PREFIXES = {"66", "67", "f2", "f3", "2e", "3e", "26", "64", "65", "36"}


def evex_functions(binary):
    """Names (mangled) of the functions in BINARY that hold an EVEX-encoded instruction."""
    dump = subprocess.run(["objdump", "-d", "-w", binary],
                          check=True, capture_output=True, text=True).stdout
    found, current = set(), None
    for line in dump.splitlines():
        m = HEADER.match(line)
        if m:
            current = m.group(1)
            continue
        m = INSN.match(line)
        if not m or current is None:
            continue
        octets = m.group(1).split()
        while octets and octets[0] in PREFIXES:
            octets = octets[1:]
        if octets and octets[0] == "62":
            found.add(current)
    return found


def main():
    found = evex_functions(sys.argv[1])
    inside = sorted(f for f in found if V4 in f)
    outside = sorted(f for f in found if V4 not in f and f.startswith("_Z"))
    c_functions = sum(1 for f in found if not f.startswith("_Z"))
    print(f"{len(inside)} functions with AVX-512 code in {V4}, {len(outside)} C++ functions outside "
          f"({c_functions} C functions, such as OpenBLAS's run-time dispatched kernels, not checked)")
    for f in outside[:40]:
        print("  outside:", f)
    if not inside:
        print(f"FAIL: no AVX-512 code at all in {V4}: the check would not see a leak")
        return 1
    return 1 if outside else 0


if __name__ == "__main__":
    sys.exit(main())
