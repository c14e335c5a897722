#!/usr/bin/env python3
"""Where does ``generate_token`` spend its time?

Prints three things for the same inputs as ``bench.py`` (a 600-character
session token, a new ``now`` each call):

1. a cProfile of many calls, sorted by own time;
2. the median cost of each step of ``generate_token`` timed on its own
   (the steps call the package's own helpers, in the same order);
3. cheaper alternatives to some steps, timed the same way, as candidates for
   optimisation;
4. what ``import bedrock_token_lite`` loads beyond interpreter start-up, per
   module (``-X importtime``, median of fresh subprocesses), and the package's
   own cost when ``typing`` is already loaded.

Usage::

    python benchmarks/profile_token.py [--quick]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import hmac
import io
import pstats
import statistics
import subprocess
import sys
import time
from binascii import b2a_base64
from datetime import datetime, timedelta, timezone
from typing import Callable, Dict, List, Tuple

import bedrock_token_lite as btl
from bedrock_token_lite import _core, _token, sigv4

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench import ACCESS_KEY, BASE_INSTANT, REGION, SECRET_KEY, TOKEN

Step = Callable[[], object]


def per_call(fn: Step, min_time: float, repeats: int) -> float:
    """Median seconds per call of ``fn`` (calibrated loop, repeated, gc untouched)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t0 >= min_time:
            break
        n *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n)
    return statistics.median(samples)


def loop_overhead(min_time: float, repeats: int) -> float:
    def nothing() -> None:
        return None

    return per_call(nothing, min_time, repeats)


def profile(calls: int) -> str:
    creds = btl.Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    nows = [BASE_INSTANT + timedelta(seconds=i) for i in range(calls)]
    generate = btl.generate_token
    for now in nows[:1000]:
        generate(creds, REGION, now=now)
    prof = cProfile.Profile()
    prof.enable()
    for now in nows:
        generate(creds, REGION, now=now)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(22)
    return buf.getvalue()


def steps(min_time: float, repeats: int) -> Tuple[List[Tuple[str, float]], List[Tuple[str, float]]]:
    """Each step of generate_token (``_token`` then ``_core.sign_token``), on the values it sees."""
    creds = btl.Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    now = BASE_INSTANT + timedelta(hours=7, seconds=13)
    btl.generate_token(creds, REGION, now=now)  # fills the per-credentials and per-day tables
    day = _token._days[now.toordinal()]
    amz_date = day + b"%06dZ" % (now.hour * 10000 + now.minute * 100 + now.second)
    date = amz_date[:8]
    slot = (ACCESS_KEY, TOKEN, REGION, 43200)
    layout = _core._layouts[slot]
    canonical_head, credential_tail, canonical_tail, url_head, url_tail, scope = layout
    sha256 = hashlib.sha256
    mac = _core._signing_mac(ACCESS_KEY, SECRET_KEY, date, REGION)

    def stamp() -> bytes:
        found = _token._days.get(now.toordinal())
        assert found is not None
        return found + b"%06dZ" % (now.hour * 10000 + now.minute * 100 + now.second)

    def canonical_digest() -> str:
        return sha256(
            b"".join((canonical_head, date, credential_tail, amz_date, canonical_tail))
        ).hexdigest()

    digest = canonical_digest()

    def signature() -> str:
        keyed = mac.copy()
        keyed.update(
            b"".join((b"AWS4-HMAC-SHA256\n", amz_date, b"\n", date, scope, digest.encode()))
        )
        return keyed.hexdigest()  # type: ignore[no-any-return]

    sig = signature().encode()

    def url_and_token() -> str:
        url = b"".join((url_head, date, credential_tail, amz_date, url_tail, sig, b"&Version=1"))
        return "bedrock-api-key-" + b2a_base64(url, newline=False).decode()

    table: List[Tuple[str, Step]] = [
        ("check_region (cached)", lambda: _token.check_region(REGION)),
        ("stamp: day table + '%06dZ' of the time", stamp),
        ("fixed parts: table lookup", lambda: _core._layouts.get(slot)),
        ("canonical request: join + SHA-256 hex", canonical_digest),
        (
            "keyed HMAC: table lookup (secret checked)",
            lambda: _core._signing_mac(ACCESS_KEY, SECRET_KEY, date, REGION),
        ),
        ("signature: copy + join + update + hex", signature),
        ("URL: join + b2a_base64 + decode + prefix", url_and_token),
    ]
    others: List[Tuple[str, Step]] = [
        (
            "fixed parts rebuilt (a new session token)",
            lambda: _core._layout(ACCESS_KEY, TOKEN, REGION, 43200),
        ),
        (
            "_core.sign_token, whole",
            lambda: _core.sign_token(ACCESS_KEY, SECRET_KEY, TOKEN, REGION, 43200, amz_date),
        ),
    ]
    overhead = loop_overhead(min_time, repeats)
    others.append(
        ("generate_token, whole call", lambda: btl.generate_token(creds, REGION, now=now))
    )

    def timed(rows: List[Tuple[str, Step]]) -> List[Tuple[str, float]]:
        return [(name, max(per_call(fn, min_time, repeats) - overhead, 0.0)) for name, fn in rows]

    return timed(table), timed(others)


def alternatives(min_time: float, repeats: int) -> List[Tuple[str, float]]:
    """Cheaper ways to do some steps (same results), for the optimisation notes."""
    now = BASE_INSTANT + timedelta(hours=7, seconds=13)
    key = sigv4.signing_key(SECRET_KEY, "20260115", REGION, "bedrock")
    to_sign = (
        "AWS4-HMAC-SHA256\n20260115T070013Z\n20260115/us-east-1/bedrock/aws4_request\n" + "0" * 64
    )
    to_sign_b = to_sign.encode()
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    sha256 = hashlib.sha256
    raw = TOKEN.encode()
    parts = ["a" * 100] * 12

    def hmac_copy() -> str:
        h = keyed.copy()
        h.update(to_sign_b)
        return h.hexdigest()

    def import_stmt() -> object:
        import hashlib as h  # an import of a loaded module: a sys.modules lookup

        return h

    def iso_amz() -> str:
        s = now.isoformat()
        return s[0:4] + s[5:7] + s[8:10] + "T" + s[11:13] + s[14:16] + s[17:19] + "Z"

    assert iso_amz() == sigv4._amz_date(now)

    def aware_now() -> datetime:
        return datetime.now(timezone.utc)

    def concat12() -> str:
        p = parts
        return p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7] + p[8] + p[9] + p[10] + p[11]

    def join12() -> str:
        return "".join(parts)

    def percent12() -> str:
        return "%s%s%s%s%s%s%s%s%s%s%s%s" % tuple(parts)

    table: List[Tuple[str, Step]] = [
        ("`import hashlib` inside a function (already loaded)", import_stmt),
        (
            "hmac.digest(key, msg_bytes, 'sha256').hex()",
            lambda: hmac.digest(key, to_sign_b, "sha256").hex(),
        ),
        ("pre-keyed hmac object: .copy() + update + hexdigest()", hmac_copy),
        ("hashlib.sha256(1 KB).hexdigest()", lambda: sha256(raw + raw).hexdigest()),
        ("amz date: '%04d%02d%02dT%02d%02d%02dZ' % fields", lambda: sigv4._amz_date(now)),
        ("amz date: now.strftime('%Y%m%dT%H%M%SZ')", lambda: now.strftime("%Y%m%dT%H%M%SZ")),
        ("amz date: now.isoformat() cut into pieces", iso_amz),
        ("datetime.now(timezone.utc)", aware_now),
        ("12 x 100 chars: a + b + ... (chained +)", concat12),
        ("12 x 100 chars: ''.join(list)", join12),
        ("12 x 100 chars: '%s' * 12 % tuple", percent12),
        ("token: str.encode('utf-8') of 600 chars", lambda: TOKEN.encode("utf-8")),
        (
            "token: bytes.translate(None, safe) of 600 bytes",
            lambda: raw.translate(
                None, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
            ),
        ),
        (
            "token: 3 x str.replace on 600 chars",
            lambda: TOKEN.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D"),
        ),
    ]
    overhead = loop_overhead(min_time, repeats)
    return [(name, max(per_call(fn, min_time, repeats) - overhead, 0.0)) for name, fn in table]


def _importtime(code: str) -> List[Tuple[str, int, int, int]]:
    """(module, depth, self µs, cumulative µs) for each line of ``-X importtime -c code``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        timeout=60,
        check=True,
    )
    rows = []
    for line in proc.stderr.decode().splitlines():
        fields = line[len("import time:") :].split("|")
        if (
            not line.startswith("import time:")
            or len(fields) != 3
            or not fields[0].strip().isdigit()
        ):
            continue
        name = fields[2].rstrip()
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append((name.strip(), depth, int(fields[0]), int(fields[1])))
    return rows


def import_breakdown(runs: int) -> Tuple[List[Tuple[str, int, float, float]], float, float]:
    """Modules the import adds beyond start-up, with median self/cumulative µs."""
    startup = {row[0] for row in _importtime("pass")}
    selfs: Dict[str, List[int]] = {}
    cums: Dict[str, List[int]] = {}
    order: List[Tuple[str, int]] = []
    plain: List[int] = []
    preloaded: List[int] = []
    _importtime("import bedrock_token_lite")  # warm-up
    for _ in range(runs):
        for name, depth, own, cum in _importtime("import bedrock_token_lite"):
            if name in startup:
                continue
            if name not in selfs:
                order.append((name, depth))
                selfs[name] = []
                cums[name] = []
            selfs[name].append(own)
            cums[name].append(cum)
            if name == "bedrock_token_lite":
                plain.append(cum)
        for name, _, _, cum in _importtime("import typing; import bedrock_token_lite"):
            if name == "bedrock_token_lite":
                preloaded.append(cum)
    table = [
        (name, depth, statistics.median(selfs[name]), statistics.median(cums[name]))
        for name, depth in order
    ]
    return table, statistics.median(plain), statistics.median(preloaded)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny iteration counts")
    args = parser.parse_args()
    min_time, repeats, calls = (0.005, 3, 2000) if args.quick else (0.1, 9, 50000)
    runs = 3 if args.quick else 15
    print("# generate_token profile (Python %s)\n" % sys.version.split()[0])
    print("## cProfile, %d calls, sorted by own time\n" % calls)
    print("```")
    print(profile(calls).strip())
    print("```\n")
    print("## Steps timed on their own (median ns per call, loop overhead removed)\n")
    print("| step | ns |")
    print("|---|---:|")
    path, others = steps(min_time, repeats)
    for name, seconds in path:
        print("| %s | %.0f |" % (name, seconds * 1e9))
    print("| sum of the steps | %.0f |" % (sum(seconds for _, seconds in path) * 1e9))
    for name, seconds in others:
        print("| %s | %.0f |" % (name, seconds * 1e9))
    print("\n## Alternatives (median ns per call)\n")
    print("| operation | ns |")
    print("|---|---:|")
    for name, seconds in alternatives(min_time, repeats):
        print("| %s | %.0f |" % (name, seconds * 1e9))
    table, plain, preloaded = import_breakdown(runs)
    print("\n## What `import bedrock_token_lite` loads beyond start-up (median of %d)\n" % runs)
    print("| module (indent = nesting) | self µs | cumulative µs |")
    print("|---|---:|---:|")
    for name, depth, own, cum in table:
        print("| %s%s | %.0f | %.0f |" % ("· " * depth, name, own, cum))
    print("\nWhole import: %.0f µs; with `typing` already loaded: %.0f µs." % (plain, preloaded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
