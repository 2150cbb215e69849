#!/usr/bin/env python3
"""Checks Microsoft Graph request bodies against the v1.0 CSDL (reference/openapi/msgraph-metadata/extract/).

Usage: graph-body-check.py CSDL TYPE BODY.json...

TYPE is an entity or complex type (`application`, `servicePrincipal`, `passwordCredential`) or a bound action as
`action:NAME:BINDINGTYPE` (`action:addPassword:application`), whose parameters are the body's properties.
Reports FILE: PATH: MESSAGE for every property that is not on its type (base types included) or has the wrong
JSON type, and exits 1 if there is any. Written for Drover's client tests.
"""
import json
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
from body_report import report  # noqa: E402

NS = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}
EDM = {
    "Edm.String": str, "Edm.Guid": str, "Edm.DateTimeOffset": str, "Edm.Binary": str,
    "Edm.Boolean": bool, "Edm.Int32": int, "Edm.Int64": int,
}


def load(path):
    schema = ET.parse(path).getroot().find(".//edm:Schema", NS)
    types = {}
    for kind in ("EntityType", "ComplexType"):
        for node in schema.findall(f"edm:{kind}", NS):
            types[node.get("Name")] = node
    return schema, types


def properties(types, name):
    """Property name -> type, through BaseType."""
    node = types[name]
    found = {}
    base = node.get("BaseType")
    if base:
        found.update(properties(types, base.split(".")[-1]))
    for prop in node.findall("edm:Property", NS) + node.findall("edm:NavigationProperty", NS):
        found[prop.get("Name")] = prop.get("Type")
    return found


def check(value, type_name, types, path, problems):
    collection = type_name.startswith("Collection(")
    inner = type_name[len("Collection("):-1] if collection else type_name
    if collection:
        if not isinstance(value, list):
            problems.append(f"{path}: is not a collection")
            return
        for index, item in enumerate(value):
            check(item, inner, types, f"{path}[{index}]", problems)
        return
    if inner in EDM:
        if value is not None and not isinstance(value, EDM[inner]):
            problems.append(f"{path}: {json.dumps(value)[:40]} is not {inner}")
        return
    short = inner.split(".")[-1]
    if short not in types:
        return  # an enum or a type outside the extract: not checked
    if not isinstance(value, dict):
        problems.append(f"{path}: is not an object of {short}")
        return
    known = properties(types, short)
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key not in known:
            problems.append(f"{where}: not a property of {short}")
        else:
            check(item, known[key], types, where, problems)


def main():
    csdl, target, *bodies = sys.argv[1:]
    schema, types = load(csdl)
    if target.startswith("action:"):
        _, action, binding = target.split(":")
        parameters = None
        for node in schema.findall("edm:Action", NS):
            params = node.findall("edm:Parameter", NS)
            if node.get("Name") == action and params and params[0].get("Type").split(".")[-1] == binding:
                parameters = {p.get("Name"): p.get("Type") for p in params[1:]}
        if parameters is None:
            sys.exit(f"no action {action} bound to {binding} in {csdl}")

    def problems(body):
        found = []
        if not target.startswith("action:"):
            check(body, target, types, "", found)
            return found
        for key, item in body.items():
            if key not in parameters:
                found.append(f"{key}: not a parameter of {target}")
            else:
                check(item, parameters[key], types, key, found)
        return found

    report(bodies, problems)


if __name__ == "__main__":
    main()
