#!/usr/bin/env python3
"""Checks ARM request bodies against an official Swagger 2.0 definition, the way ARM reads them.

Usage: arm-body-check.py OPENAPI_ROOT SPEC_FILE DEFINITION BODY.json...

SPEC_FILE is relative to OPENAPI_ROOT (reference/openapi/); DEFINITION names an entry of its `definitions`.
`$ref`s (also into other files) are followed lazily along the body, so recursive definitions are fine. Reports
FILE: PATH: MESSAGE for each violation and exits 1 if there is any:
  - a property the definition does not have (including through `allOf`), unless the object is free-form;
  - a read-only property sent;
  - a missing required property, a wrong JSON type, a value outside a closed `enum`.
Written for Drover's client tests; the simulator has its own validator (swagger-validate.py).
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
from body_report import report  # noqa: E402

_files = {}


def load(path):
    if path not in _files:
        with open(path) as f:
            _files[path] = json.load(f)
    return _files[path]


def deref(schema, base):
    """Follows $ref until a schema without one; returns (schema, file it lives in)."""
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        file_part, _, pointer = ref.partition("#")
        target_file = os.path.normpath(os.path.join(os.path.dirname(base), file_part)) if file_part else base
        node = load(target_file)
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema, base = node, target_file
    return schema, base


def flatten(schema, base):
    """Merges a schema with its allOf parents: properties (each with its file), required, and the rest of the last."""
    schema, base = deref(schema, base)
    properties, required = {}, set(schema.get("required", []))
    for parent in schema.get("allOf", []):
        p_props, p_required, _, _ = flatten(parent, base)
        properties.update(p_props)
        required |= p_required
    for name, sub in schema.get("properties", {}).items():
        properties[name] = (sub, base)
    return properties, required, schema, base


TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def check(value, schema, base, path, problems):
    properties, required, schema, base = flatten(schema, base)
    kind = schema.get("type") or ("object" if properties else None)
    if kind in TYPES and not TYPES[kind](value):
        problems.append(f"{path}: {json.dumps(value)[:60]} is not of type {kind}")
        return
    # An enum with `x-ms-enum.modelAsString: true` is extensible (AutoRest's reading): other values are allowed.
    extensible = schema.get("x-ms-enum", {}).get("modelAsString", False)
    if "enum" in schema and not extensible and value not in schema["enum"]:
        problems.append(f"{path}: {json.dumps(value)} is not one of {schema['enum']}")
    if isinstance(value, list):
        for index, item in enumerate(value):
            check(item, schema.get("items", {}), base, f"{path}[{index}]", problems)
    if not isinstance(value, dict):
        return
    for name in sorted(required - value.keys()):
        problems.append(f"{path}: required property '{name}' is missing")
    extra = schema.get("additionalProperties")
    for name, item in value.items():
        where = f"{path}.{name}" if path else name
        if name in properties:
            sub, sub_base = properties[name]
            resolved, _ = deref(sub, sub_base)
            if isinstance(resolved, dict) and (resolved.get("readOnly") or sub.get("readOnly")):
                problems.append(f"{where}: read-only property sent")
            check(item, sub, sub_base, where, problems)
        elif isinstance(extra, dict):
            check(item, extra, base, where, problems)
        elif extra is True or (not properties and kind in (None, "object")):
            continue  # a free-form object, such as an extension's settings
        else:
            problems.append(f"{where}: property not in the definition")


def main():
    root, spec, definition, *bodies = sys.argv[1:]
    spec_path = os.path.join(root, spec)
    schema = load(spec_path)["definitions"][definition]

    def problems(body):
        found = []
        check(body, schema, spec_path, "", found)
        return found

    report(bodies, problems)


if __name__ == "__main__":
    main()
