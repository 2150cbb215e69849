#!/usr/bin/env python3
"""Parses PowerShell files with the tree-sitter PowerShell grammar; prints FILE:LINE:COLUMN for every syntax
error or missing token and exits 1 if there is any. Used by the test suite on every script Drover generates."""
import sys

import tree_sitter
import tree_sitter_powershell

parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
failed = False
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        tree = parser.parse(f.read())
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            failed = True
            kind = f"missing {node.type}" if node.is_missing else "syntax error"
            print(f"{path}:{node.start_point[0] + 1}:{node.start_point[1] + 1}: {kind}")
        stack.extend(node.children)
sys.exit(1 if failed else 0)
