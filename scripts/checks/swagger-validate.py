#!/usr/bin/env python3
"""Checks a simulator request log (JSON lines: service, method, path, apiVersion, requestBody, status, responseBody)
against Microsoft's official definitions bundled in Sources/DroverSim/Resources/openapi.

ARM exchanges: the operation is found by matching method + path against every `paths` template of the Swagger files
(independently of the simulator's own routing); the request body is validated against the operation's body
parameter and the response body against the response schema for its status (or `default`), with Swagger `$ref`s
resolved across files (jsonschema Draft 4, as the definitions are Swagger 2.0). Every property present in a body but
absent from its definition is reported too. Graph exchanges: every property must exist on its entity type in the
CSDL extract.

Request bodies the simulator refused (4xx) are counted, not reported: refusing them was the simulator's job.
Prints one line per finding and a summary; exits 1 if there is any violation or absent property.

usage: swagger-validate.py LOG.jsonl [--definitions DIR]
"""
import argparse
import json
import pathlib
import re
import sys
import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)

AZURE_FILES = [
    "resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json",
    "network/resource-manager/Microsoft.Network/stable/2024-03-01/networkSecurityGroup.json",
    "network/resource-manager/Microsoft.Network/stable/2024-03-01/virtualNetwork.json",
    "network/resource-manager/Microsoft.Network/stable/2024-03-01/publicIpAddress.json",
    "network/resource-manager/Microsoft.Network/stable/2024-03-01/networkInterface.json",
    "network/resource-manager/Microsoft.Network/stable/2024-03-01/loadBalancer.json",
    "network/resource-manager/Microsoft.Network/stable/2024-03-01/checkDnsAvailability.json",
    "compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json",
    "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
]
GRAPH_CSDL = "msgraph-metadata/extract/v1.0-application-servicePrincipal-passwordCredential.csdl.xml"


def open_enums(node):
    """Drops `enum` where the definition says its list is deprecated and not exhaustive (x-ms-enum modelAsString,
    e.g. HardwareProfile.vmSize): Azure takes any string there."""
    if isinstance(node, dict):
        if node.get("x-ms-enum", {}).get("modelAsString") and "enum data type is currently deprecated" in node.get("description", ""):
            node.pop("enum", None)
        for value in node.values():
            open_enums(value)
    elif isinstance(node, list):
        for value in node:
            open_enums(value)
    return node


STORE = {}


def load_store(root):
    for path in (root / "azure-rest-api-specs").rglob("*.json"):
        STORE[path.resolve().as_uri()] = open_enums(json.loads(path.read_text()))


class Operation:
    def __init__(self, file_uri, document, method, template, spec):
        self.file_uri = file_uri
        self.document = document
        self.method = method
        self.template = template
        self.spec = spec
        pattern = re.sub(r"\{scope\}", "(?:.+)", template.lstrip("/"))
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", pattern)
        self.regex = re.compile("^/?" + pattern + "$", re.IGNORECASE)
        self.literal = len(re.sub(r"\{[^}]+\}", "", template))
        self.version = document.get("info", {}).get("version")

    def resolver(self):
        return jsonschema.RefResolver(base_uri=self.file_uri, referrer=self.document, store=STORE)

    def body_schema(self):
        for parameter in self.spec.get("parameters", []) + []:
            resolved = self._parameter(parameter)
            if resolved.get("in") == "body":
                return resolved.get("schema")
        return None

    def _parameter(self, parameter):
        if "$ref" in parameter:
            with self.resolver().resolving(parameter["$ref"]) as target:
                return target
        return parameter

    def response_schema(self, status):
        responses = self.spec.get("responses", {})
        entry = responses.get(str(status)) or (responses.get("default") if status >= 400 else None)
        return None if entry is None else entry.get("schema")


def load_operations(root):
    operations = []
    for relative in AZURE_FILES:
        path = root / "azure-rest-api-specs" / "specification" / relative
        document = STORE[path.resolve().as_uri()]
        for template, item in document.get("paths", {}).items():
            for method, spec in item.items():
                if method in ("get", "put", "patch", "post", "delete", "head"):
                    operations.append(Operation(path.resolve().as_uri(), document, method.upper(), template, spec))
    return operations


def find_operation(operations, method, path, api_version):
    matches = [o for o in operations if o.method == method and o.regex.match(path)]
    matches.sort(key=lambda o: (o.version == api_version, o.literal), reverse=True)
    return matches[0] if matches else None


def shape(schema, resolver, depth=0):
    """Properties (with the scope their schemas resolve in), additionalProperties, free-form flag and items of a
    schema, following `$ref` and `allOf` across files."""
    result = {"properties": {}, "additional": None, "free": False, "items": None}
    if depth > 60 or not isinstance(schema, dict):
        return result
    if "$ref" in schema:
        url, target = resolver.resolve(schema["$ref"])
        resolver.push_scope(url)
        try:
            return shape(target, resolver, depth + 1)
        finally:
            resolver.pop_scope()
    scope = resolver.resolution_scope
    result["properties"] = {k: (v, scope) for k, v in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        result["additional"] = (extra, scope)
    result["free"] = extra is True or (not schema.get("properties") and not schema.get("allOf") and extra is None)
    if "items" in schema:
        result["items"] = (schema["items"], scope)
    for part in schema.get("allOf", []):
        inner = shape(part, resolver, depth + 1)
        for key, value in inner["properties"].items():
            result["properties"].setdefault(key, value)
        result["additional"] = result["additional"] or inner["additional"]
        result["free"] = result["free"] and inner["free"]
    if schema.get("allOf") and not result["properties"] and result["additional"] is None:
        result["free"] = True
    return result


def absent_properties(schema, instance, resolver, where, found, depth=0):
    """Appends the path of every property of `instance` that `schema` does not declare."""
    if depth > 60:
        return
    described = shape(schema, resolver)

    def descend(pair, value, path):
        sub, scope = pair
        resolver.push_scope(scope)
        try:
            absent_properties(sub, value, resolver, path, found, depth + 1)
        finally:
            resolver.pop_scope()

    if isinstance(instance, dict):
        for key, value in instance.items():
            path = f"{where}.{key}" if where else key
            if key in described["properties"]:
                descend(described["properties"][key], value, path)
            elif described["additional"] is not None:
                descend(described["additional"], value, path)
            elif not described["free"]:
                found.append(path)
    elif isinstance(instance, list) and described["items"] is not None:
        for index, item in enumerate(instance):
            descend(described["items"], item, f"{where}[{index}]")


def check_body(operation, schema, body, label, findings):
    resolver = operation.resolver()
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)
    for error in validator.iter_errors(body):
        where = ".".join(str(p) for p in error.absolute_path) or "(body)"
        findings.append(f"violation {label}: {where}: {error.message[:300]}")
    absent = []
    absent_properties(schema, body, operation.resolver(), "", absent)
    for where in absent:
        findings.append(f"absent {label}: {where} is not in the definition")


def graph_types(root):
    text = (root / GRAPH_CSDL).read_text()
    types = {}
    for kind, name, attributes, inner in re.findall(r'<(EntityType|ComplexType) Name="(\w+)"([^>]*)>(.*?)</(?:EntityType|ComplexType)>', text, re.S):
        base = re.search(r'BaseType="graph\.(\w+)"', attributes)
        types[name] = (base.group(1) if base else None, dict(re.findall(r'<Property Name="(\w+)" Type="([^"]+)"', inner)))
    return types


def graph_properties(types, name):
    result = {}
    while name in types:
        base, props = types[name]
        result = {**props, **result}
        name = base
    return result


def check_graph(types, entry, label, findings):
    path = entry["path"].lower()
    method = entry["method"]
    body, response = entry.get("requestBody"), entry.get("responseBody")
    request_type = response_type = None
    if path.endswith("/addpassword"):
        if body is not None:
            for key in body:
                if key != "passwordCredential":
                    findings.append(f"absent {label} request: {key} is not a parameter of Action addPassword")
            body = body.get("passwordCredential")
        request_type = response_type = "passwordCredential"
    elif path.endswith("/removepassword"):
        body, request_type = None, None
    elif "/applications" in path:
        request_type = response_type = "application"
    elif "/serviceprincipals" in path:
        request_type = response_type = "servicePrincipal"
    pairs = []
    if body is not None and request_type and method in ("POST", "PATCH") and entry["status"] < 400:
        pairs.append(("request", body, request_type))
    if response is not None and response_type and entry["status"] < 400:
        items = response.get("value") if isinstance(response.get("value"), list) else [response]
        pairs.extend(("response", item, response_type) for item in items)
    for side, value, type_name in pairs:
        known = graph_properties(types, type_name)
        for key in value:
            if not key.startswith("@odata.") and key not in known:
                findings.append(f"absent {label} {side}: {key} is not a property of microsoft.graph.{type_name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log")
    parser.add_argument("--definitions", default=str(pathlib.Path(__file__).resolve().parents[2] / "Sources/DroverSim/Resources/openapi"))
    args = parser.parse_args()
    root = pathlib.Path(args.definitions)
    load_store(root)
    operations = load_operations(root)
    types = graph_types(root)
    findings, checked, unmatched, refused = [], 0, 0, 0
    with open(args.log) as log:
        for number, line in enumerate(log, 1):
            if not line.strip():
                continue
            entry = json.loads(line)
            label = f"line {number} {entry['method']} {entry['path']} -> {entry['status']}"
            if entry.get("service") == "graph":
                check_graph(types, entry, label, findings)
                checked += 1
                continue
            if entry.get("service") != "arm" or entry["status"] == 0:
                continue
            operation = find_operation(operations, entry["method"], entry["path"], entry.get("apiVersion"))
            if operation is None:
                unmatched += 1  # metadata, inventory and operation-status URLs have no definition
                continue
            checked += 1
            body = entry.get("requestBody")
            if body is not None:
                schema = operation.body_schema()
                if entry["status"] >= 400:
                    refused += 1
                elif schema is None:
                    findings.append(f"violation {label}: the operation {operation.spec.get('operationId')} takes no body")
                else:
                    check_body(operation, schema, body, f"{label} request ({operation.spec.get('operationId')})", findings)
            response = entry.get("responseBody")
            if response is not None:
                schema = operation.response_schema(entry["status"])
                if schema is None:
                    findings.append(f"violation {label}: {operation.spec.get('operationId')} defines no body for status {entry['status']}")
                else:
                    check_body(operation, schema, response, f"{label} response ({operation.spec.get('operationId')})", findings)
    for finding in findings:
        print(finding)
    print(f"swagger-validate: {checked} exchanges checked, {unmatched} without a definition (status URLs, metadata), "
          f"{refused} refused request bodies skipped, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
