#!/usr/bin/env python3
"""Independent well-formedness check of an NDJSON event file against CONTRACT.md section 2 (stdlib only).

Usage: python3 check.py [FILE ...] [--quiet]   (default FILE: events.ndjson next to this script)
Exit 0 when every line is well-formed, 1 otherwise. Business rules (section 3) are NOT checked here:
a well-formed file may still contain events the system rejects, on purpose.
"""
import datetime
import json
import os
import re
import sys
from collections import Counter
from fractions import Fraction

AMOUNT = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$")  # input amounts are never negative
IDENT = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
SHARE = re.compile(r"^(0|1)(\.[0-9]{1,9})?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$"
)
THEMES = {"in-beeld", "samenwerking", "opvang-hulpverlening"}
ENVELOPE = {"id", "region", "type", "occurredAt", "actor", "data"}

# type -> (required fields, optional fields); the project's import refuses unknown fields, so we do too.
SHAPES = {
    "RegionConfigured": ({"name", "funders"}, set()),
    "ActionDefined": ({"actionId", "theme", "title", "intendedResult", "partners", "startYear", "endYear"}, set()),
    "FundingCommitted": ({"funder", "year", "amount", "reference"}, set()),
    "BudgetSet": ({"actionId", "year", "amount"}, set()),
    "FundingKeySet": ({"year", "shares"}, {"actionId"}),
    "SpendingRecorded": (
        {"spendingId", "actionId", "year", "amount", "bookedOn", "payee"},
        {"invoiceRef", "description"},
    ),
    "SpendingCorrected": ({"spendingId", "amount", "reason"}, set()),
    "SpendingReversed": ({"spendingId", "reason"}, set()),
    "YearClosed": ({"year"}, set()),
}


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def is_str(v):
    return isinstance(v, str)


def ident(v, field):
    need(is_str(v) and IDENT.match(v), f"{field}: bad identifier {v!r}")


def nonempty(v, field):
    need(is_str(v) and v != "", f"{field}: must be a non-empty string")


def year(v, field):
    # bool is an int subclass in Python; JSON true is not a year.
    need(isinstance(v, int) and not isinstance(v, bool) and 2000 <= v <= 2100, f"{field}: bad year {v!r}")


def amount(v, field, positive=False):
    need(is_str(v) and AMOUNT.match(v), f"{field}: bad amount {v!r}")
    if positive:
        need(Fraction(v) > 0, f"{field}: must be above zero")


def calendar_date(v, field):
    need(is_str(v) and DATE.match(v), f"{field}: bad date {v!r}")
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        raise Bad(f"{field}: not a calendar date {v!r}")


def timestamp(v, field):
    m = TIMESTAMP.match(v) if is_str(v) else None
    need(m is not None, f"{field}: bad ISO-8601 timestamp {v!r}")
    y, mo, d, h, mi, s = (int(x) if x else 0 for x in m.groups()[:6])
    try:
        datetime.datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise Bad(f"{field}: impossible timestamp {v!r}")
    off = m.group(8)
    if off != "Z":
        need(int(off[1:3]) < 24 and int(off[4:6]) < 60, f"{field}: bad offset {v!r}")


def sortable_instant(v):
    """UTC instant of a checked timestamp, for the optional order check (fractions ignored)."""
    text = v.replace("Z", "+00:00")
    text = re.sub(r"\.\d+", "", text)
    return datetime.datetime.fromisoformat(text)


def string_list(v, field):
    need(isinstance(v, list), f"{field}: must be a list")
    for i, item in enumerate(v):
        nonempty(item, f"{field}[{i}]")


def check_data(typ, d):
    required, optional = SHAPES[typ]
    need(isinstance(d, dict), "data: must be an object")
    missing = required - d.keys()
    need(not missing, f"data: missing {sorted(missing)}")
    extra = d.keys() - required - optional
    need(not extra, f"data: unknown fields {sorted(extra)}")
    if typ == "RegionConfigured":
        nonempty(d["name"], "name")
        need(isinstance(d["funders"], list) and d["funders"], "funders: at least one")
        seen = set()
        for i, f in enumerate(d["funders"]):
            need(isinstance(f, dict) and set(f.keys()) == {"id", "name", "municipalities"},
                 f"funders[{i}]: needs exactly id, name, municipalities")
            ident(f["id"], f"funders[{i}].id")
            need(f["id"] not in seen, f"funders[{i}].id: duplicate")
            seen.add(f["id"])
            nonempty(f["name"], f"funders[{i}].name")
            string_list(f["municipalities"], f"funders[{i}].municipalities")
    elif typ == "ActionDefined":
        ident(d["actionId"], "actionId")
        need(d["theme"] in THEMES, f"theme: unknown {d['theme']!r}")
        nonempty(d["title"], "title")
        need(is_str(d["intendedResult"]), "intendedResult: must be a string")
        string_list(d["partners"], "partners")
        year(d["startYear"], "startYear")
        year(d["endYear"], "endYear")
        need(d["startYear"] <= d["endYear"], "startYear after endYear")
    elif typ == "FundingCommitted":
        ident(d["funder"], "funder")
        year(d["year"], "year")
        amount(d["amount"], "amount")
        nonempty(d["reference"], "reference")
    elif typ == "BudgetSet":
        ident(d["actionId"], "actionId")
        year(d["year"], "year")
        amount(d["amount"], "amount")
    elif typ == "FundingKeySet":
        year(d["year"], "year")
        if d.get("actionId") is not None:
            ident(d["actionId"], "actionId")
        shares = d["shares"]
        need(isinstance(shares, dict) and shares, "shares: must be a non-empty object")
        total = Fraction(0)
        for k, v in shares.items():
            ident(k, f"shares key {k!r}")
            need(is_str(v) and SHARE.match(v) and Fraction(v) <= 1, f"shares.{k}: bad share {v!r}")
            total += Fraction(v)
        need(total == 1, f"shares: sum to {total}, not exactly 1")
    elif typ == "SpendingRecorded":
        ident(d["spendingId"], "spendingId")
        ident(d["actionId"], "actionId")
        year(d["year"], "year")
        amount(d["amount"], "amount", positive=True)
        calendar_date(d["bookedOn"], "bookedOn")
        nonempty(d["payee"], "payee")
        for opt in ("invoiceRef", "description"):
            need(d.get(opt) is None or is_str(d[opt]), f"{opt}: must be a string")
    elif typ == "SpendingCorrected":
        ident(d["spendingId"], "spendingId")
        amount(d["amount"], "amount", positive=True)
        nonempty(d["reason"], "reason")
    elif typ == "SpendingReversed":
        ident(d["spendingId"], "spendingId")
        nonempty(d["reason"], "reason")
    elif typ == "YearClosed":
        year(d["year"], "year")


def check_line(text, seen):
    try:
        ev = json.loads(text)
    except json.JSONDecodeError as e:
        raise Bad(f"not JSON: {e}")
    need(isinstance(ev, dict), "not a JSON object")
    need(set(ev.keys()) == ENVELOPE, f"envelope fields must be exactly {sorted(ENVELOPE)}, got {sorted(ev.keys())}")
    ident(ev["id"], "id")
    ident(ev["region"], "region")
    need(ev["type"] in SHAPES, f"type: unknown {ev['type']!r}")
    timestamp(ev["occurredAt"], "occurredAt")
    nonempty(ev["actor"], "actor")
    check_data(ev["type"], ev["data"])
    # Same id twice in a region is only allowed with identical content (an idempotent re-send).
    key = (ev["region"], ev["id"])
    canonical = json.dumps(ev, sort_keys=True, separators=(",", ":"))
    need(seen.setdefault(key, canonical) == canonical, f"id {ev['id']!r} reused with different content")
    return ev


def check_file(path, quiet):
    seen, counts, errors = {}, Counter(), 0
    last_instant, order_warnings = {}, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip() == "":
                continue
            try:
                ev = check_line(line, seen)
            except Bad as e:
                errors += 1
                if errors <= 50:
                    print(f"{path}:{n}: {e}", file=sys.stderr)
                continue
            counts[ev["type"]] += 1
            instant = sortable_instant(ev["occurredAt"])
            prev = last_instant.get(ev["region"])
            if prev is not None and instant < prev:
                order_warnings += 1  # not malformed, but the scenarios promise increasing occurredAt
            last_instant[ev["region"]] = instant
    total = sum(counts.values())
    if not quiet:
        for typ in SHAPES:
            if counts[typ]:
                print(f"  {typ:<18} {counts[typ]}")
    print(f"{path}: {total} well-formed events, {errors} malformed, "
          f"{order_warnings} with occurredAt earlier than the previous event of the region")
    return errors == 0


def main(argv):
    quiet = "--quiet" in argv
    files = [a for a in argv if a != "--quiet"] or [os.path.join(os.path.dirname(__file__), "events.ndjson")]
    ok = all([check_file(p, quiet) for p in files])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
