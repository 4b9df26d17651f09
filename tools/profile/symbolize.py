#!/usr/bin/env python3
"""Turns the kernel profiler's samples into a per-function profile.

The kernel prints `bench: ai-profile rip=0x… stack=0x…,0x…,0x…,0x…` lines
when booted with `bench-ai profile` (kernel/src/ai_bench.rs; the samples
come from hal/src/profile.rs). Usage:

    python3 tools/profile/symbolize.py KERNEL_ELF SERIAL_LOG

prints the functions the samples fell in, most first, then, for samples in
soft-float helpers (compiler_builtins), which function called them
(the first stack word that is a return address into other code).
"""

import bisect
import re
import subprocess
import sys


def symbols(elf):
    out = subprocess.run(
        ["nm", "-C", "--defined-only", elf], capture_output=True, text=True, check=True
    ).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in ("t", "T"):
            syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return syms


def is_helper(name):
    """A soft-float helper: its caller is the interesting function (libm's
    routines are callers in their own right: expf is worth knowing about)."""
    return "compiler_builtins" in name or name.startswith("__") or name in ("fmaxf", "fminf")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    syms = symbols(sys.argv[1])
    starts = [a for a, _ in syms]

    def name(address):
        i = bisect.bisect_right(starts, address) - 1
        return syms[i][1] if i >= 0 else "?"

    leaf, callers, total = {}, {}, 0
    pattern = re.compile(r"rip=(0x[0-9a-f]+) stack=([0-9a-fx,]+)")
    with open(sys.argv[2], errors="replace") as log:
        for line in log:
            m = pattern.search(line)
            if not m:
                continue
            total += 1
            function = name(int(m.group(1), 16))
            leaf[function] = leaf.get(function, 0) + 1
            if is_helper(function):
                caller = "?"
                for word in (int(w, 16) for w in m.group(2).split(",")):
                    candidate = name(word) if word >= starts[0] else "?"
                    if candidate != "?" and not is_helper(candidate):
                        caller = candidate
                        break
                callers[caller] = callers.get(caller, 0) + 1
    if total == 0:
        sys.exit("no `bench: ai-profile` samples in the log")
    print(f"{total} samples")
    for function, n in sorted(leaf.items(), key=lambda x: -x[1])[:25]:
        print(f"{100 * n / total:5.1f}%  {function[:130]}")
    print("soft-float helpers, by caller:")
    for function, n in sorted(callers.items(), key=lambda x: -x[1])[:15]:
        print(f"{100 * n / total:5.1f}%  {function[:130]}")


if __name__ == "__main__":
    main()
