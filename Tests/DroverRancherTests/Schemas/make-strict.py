#!/usr/bin/env python3
"""Writes provisioning.cattle.io-cluster-v1.json from Rancher's CRD (the official definition in
../shared/reference/openapi/rancher/pkg/crds/yaml/generated/provisioning.cattle.io_clusters.yaml):
its openAPIV3Schema with every object that lists properties made strict (additionalProperties: false, unless it
preserves unknown fields), since the API server would silently prune a misspelt field instead of refusing it.
Run: .venv-tools/bin/python Tests/DroverRancherTests/Schemas/make-strict.py CRD.yaml > Tests/DroverRancherTests/Schemas/provisioning.cattle.io-cluster-v1.json"""
import json
import sys

import yaml

crd = yaml.safe_load(open(sys.argv[1]))
schema = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")["schema"]["openAPIV3Schema"]


def strict(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node \
                and not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)


strict(schema)
# ObjectMeta is checked by the API server, not the CRD; a custom cluster needs name and namespace.
schema["properties"]["metadata"] = {"type": "object", "required": ["name", "namespace"],
                                    "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}}}
# Steve's create body carries the API type beside the object (kube-and-rancher-wire.md §C.2).
schema["properties"]["type"] = {"const": "provisioning.cattle.io.cluster"}
schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
schema["description"] = ("provisioning.cattle.io/v1 Cluster from Rancher's CRD, made strict by "
                         "Tests/DroverRancherTests/Schemas/make-strict.py")
json.dump(schema, sys.stdout, indent=1, sort_keys=True)
