"""What teams write instead of the gate: read a Bandit JSON or SARIF report with Python's json,
count findings by severity, and give a phase-1 verdict (HIGH in a critical path would block in
phase 2; HIGH or MEDIUM warns). Prints one JSON line."""
import json
import sys
from fnmatch import fnmatch

CRITICAL = ["*/auth/*", "*/db/*", "*/models/*", "*/security/*", "*/crypto/*", "*/migrations/*", "*auth*.py", "*token*.py"]


def rows(doc):
    if "runs" in doc:
        for run in doc["runs"]:
            for r in run.get("results", []):
                sev = (r.get("properties") or {}).get("issue_severity") or {"error": "HIGH", "note": "LOW"}.get(r.get("level"), "MEDIUM")
                loc = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                yield sev, loc
    else:
        for r in doc.get("results", []):
            yield r["issue_severity"], r["filename"]


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    counts = {"HIGH": 0, "MEDIUM": 0, "LOW": 0}
    would_block = 0
    for sev, filename in rows(doc):
        counts[sev] = counts.get(sev, 0) + 1
        if sev == "HIGH" and any(fnmatch("/" + filename.replace("\\", "/"), p) for p in CRITICAL):
            would_block += 1
    verdict = "warn" if counts["HIGH"] or counts["MEDIUM"] else "pass"
    print(json.dumps({"counts": counts, "wouldBlock": would_block, "verdict": verdict}))


if __name__ == "__main__":
    main(sys.argv[1])
