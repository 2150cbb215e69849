"""Shared by arm-body-check.py and graph-body-check.py: runs a check over JSON body files and reports."""
import json
import sys


def report(bodies, check):
    """Calls check(body) -> [problem] for each JSON file, prints FILE: PROBLEM lines, exits 1 if any."""
    failed = False
    for body_path in bodies:
        with open(body_path) as f:
            problems = check(json.load(f))
        for problem in problems:
            failed = True
            print(f"{body_path}: {problem}")
    sys.exit(1 if failed else 0)
