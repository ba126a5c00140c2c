#!/usr/bin/env python3
"""Deterministic test data for `accord import` benchmarks.

Writes two CSV files into OUT_DIR:
  structure.csv  parties, agreements and commitments (kind column)
  events-N.csv   N rows: verifications of quantity and action commitments, with
                 about 1% breaches of restraints; realistic fields (ids, dates,
                 sources, confidences, some evidence hashes, notes with commas
                 and quotes, places and coordinates).

Usage: generate.py [--seed 42] [--events 1000000] [--commitments 400] [--ids seq|uuid] OUT_DIR
"""
import argparse
import csv
import datetime
import hashlib
import os
import random

EVENT_COLUMNS = ["id", "kind", "commitment", "quantity", "outcome", "observed", "precision", "source", "source_kind",
                 "confidence", "party", "severity", "description", "evidence_sha256", "evidence_uri", "note",
                 "place", "lat", "lon", "geo_precision"]

SOURCE_KINDS = ["official", "monitor", "ngo", "media", "imagery", "other"]
PLACES = ["Kharkiv", "Zaporizhzhia", "Kherson", "Donetsk oblast", "Sumy", "Odesa port", "Belarus–Ukraine border",
          "Mykolaiv", "Dnipro", "Chernihiv", "Istanbul", "Geneva"]
NOTES = ["Counted at the crossing point", "Figures from the ICRC list, checked against names",
         "Partial: one bus held back, \"administrative reasons\"", "Two sources, one on site",
         "Late report; date approximate", "Confirmed by satellite imagery, cloud cover 20%",
         "Includes civilians, per the joint statement", "Observed by the monitoring mission, team B"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--commitments", type=int, default=400)
    parser.add_argument("--ids", choices=["seq", "uuid"], default="seq")
    parser.add_argument("out")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)

    parties = [f"P{i:02d}" for i in range(12)]
    agreements = [f"agreement-{i:02d}" for i in range(20)]
    sources = [(f"Source {i:02d}", SOURCE_KINDS[i % len(SOURCE_KINDS)]) for i in range(40)]
    commitments = []  # (id, party, kind)
    with open(os.path.join(args.out, "structure.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "id", "name", "party_kind", "title", "date", "venue", "agreement", "party",
                    "commitment_kind", "quantity", "unit", "due", "from", "until", "text"])
        for p in parties:
            w.writerow(["party", p, f"Party {p}", "state", "", "", "", "", "", "", "", "", "", "", "", ""])
        for a in agreements:
            w.writerow(["agreement", a, "", "", f"Agreement {a}", "2022-12-01", "Istanbul", "", "", "", "", "", "", "", "", ""])
        for i in range(args.commitments):
            cid = f"C{i:04d}"
            party = parties[i % len(parties)]
            agreement = agreements[i % len(agreements)]
            r = i % 10
            if r < 6:
                kind = "quantity"
                w.writerow(["commitment", cid, "", "", "", "", "", agreement, party, "quantity",
                            str(rng.randint(1000, 100000)), "prisoners", "2025-12-31", "", "", f"Release prisoners ({cid})"])
            elif r < 9:
                kind = "action"
                w.writerow(["commitment", cid, "", "", "", "", "", agreement, party, "action", "", "", "2025-12-31", "", "",
                            f"Do the thing, {cid}"])
            else:
                kind = "restraint"
                w.writerow(["commitment", cid, "", "", "", "", "", agreement, party, "restraint", "", "", "", "2023-01-01",
                            "2025-12-31", f"No strikes ({cid})"])
            commitments.append((cid, party, kind))

    evidenced = [c for c in commitments if c[2] != "restraint"]
    restraints = [c for c in commitments if c[2] == "restraint"]
    start = datetime.date(2023, 1, 1)
    days = (datetime.date(2025, 5, 31) - start).days
    path = os.path.join(args.out, f"events-{args.events}.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(EVENT_COLUMNS)
        for n in range(args.events):
            if args.ids == "uuid":
                eid = "%08x-%04x-4%03x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                     0x8000 | rng.getrandbits(14), rng.getrandbits(48))
            else:
                eid = f"ev-{n + 1:07d}"
            observed = (start + datetime.timedelta(days=rng.randrange(days))).isoformat()
            precision = rng.choices(["day", "", "week", "month"], [60, 30, 7, 3])[0]
            source, source_kind = sources[rng.randrange(len(sources))]
            confidence = rng.choices(["confirmed", "", "probable", "unverified"], [40, 30, 20, 10])[0]
            sha = uri = note = place = lat = lon = geo = ""
            if rng.random() < 0.3:
                sha = hashlib.sha256(f"{args.seed}-{n}".encode()).hexdigest()
                uri = f"https://evidence.example.org/{eid}.pdf"
            if rng.random() < 0.2:
                note = NOTES[rng.randrange(len(NOTES))]
            if rng.random() < 0.3:
                place = PLACES[rng.randrange(len(PLACES))]
                geo = rng.choice(["exact", "near", "region"])
                if rng.random() < 0.5:
                    lat = "%.4f" % rng.uniform(44.0, 52.0)
                    lon = "%.4f" % rng.uniform(22.0, 40.0)
            if rng.random() < 0.01 and restraints:
                cid, party, _ = restraints[rng.randrange(len(restraints))]
                w.writerow([eid, "breach", cid, "", "", observed, precision, source, source_kind, confidence, party,
                            rng.choice(["minor", "major", "grave"]), "Strike reported on infrastructure", sha, uri, note,
                            place, lat, lon, geo])
                continue
            cid, _, kind = evidenced[rng.randrange(len(evidenced))]
            quantity = str(rng.randint(1, 400)) if kind == "quantity" else ""
            outcome = "" if kind == "quantity" else rng.choice(["done", "not_done"])
            w.writerow([eid, "", cid, quantity, outcome, observed, precision, source, source_kind, confidence, "", "", "",
                        sha, uri, note, place, lat, lon, geo])
    print(path)


if __name__ == "__main__":
    main()
