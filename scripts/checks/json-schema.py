#!/usr/bin/env python3
"""Validates every YAML document in FILE... against the JSON schema SCHEMA (draft 2020-12); prints
FILE: PATH: MESSAGE for each violation and exits 1 if there is any. Used by the tests for custom resources
(HelmChart) that kubernetes-validate has no schema for."""
import json
import sys

import jsonschema
import yaml

schema_path, *files = sys.argv[1:]
with open(schema_path) as f:
    validator = jsonschema.Draft202012Validator(json.load(f))
failed = False
for path in files:
    with open(path) as f:
        for document in yaml.safe_load_all(f):
            for error in validator.iter_errors(document):
                failed = True
                print(f"{path}: {'.'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}")
sys.exit(1 if failed else 0)
