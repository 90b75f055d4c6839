#!/usr/bin/env python3
"""Writes docs/api-reference.md from the CRD schemas in crds/ (the API's
source of truth): one section per kind, one table row per field with its
type, whether it is required, its constraints and its description.

Usage: gen-api-reference.py [--check]
  --check: fail (exit 1, with a diff) when docs/api-reference.md differs
  from what this script writes (the ctest `docs.api_reference_in_sync`).
"""
import difflib
import json
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "api-reference.md"
ORDER = ["Model", "Environment", "InferenceService", "ModelPackage"]


def type_of(schema):
    t = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        return "int or string"
    if t == "array":
        items = schema.get("items", {})
        return "[]" + type_of(items)
    if t == "object" and "additionalProperties" in schema and "properties" not in schema:
        extra = schema["additionalProperties"]
        if isinstance(extra, dict):
            return "map[string]" + type_of(extra)
        return "object"
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return "any"
    return t or "any"


def constraints(schema):
    out = []
    if "enum" in schema:
        out.append("one of " + ", ".join(f"`{v}`" for v in schema["enum"]))
    if "default" in schema:
        out.append(f"default `{json.dumps(schema['default'])}`")
    for key, label in [("minimum", "≥"), ("maximum", "≤")]:
        if key in schema:
            out.append(f"{label} {schema[key]}")
    for key, label in [("minLength", "length ≥"), ("maxLength", "length ≤"),
                       ("minItems", "items ≥"), ("maxItems", "items ≤")]:
        if key in schema:
            out.append(f"{label} {schema[key]}")
    if "pattern" in schema:
        out.append(f"pattern `{schema['pattern']}`")
    if "format" in schema:
        out.append(f"format {schema['format']}")
    for rule in schema.get("x-kubernetes-validations", []):
        if "message" in rule:
            out.append(rule["message"])
    if schema.get("oneOf"):
        out.append("exactly one of: " + "; ".join(
            ", ".join(f"`{r}`" for r in alt.get("required", [])) for alt in schema["oneOf"]))
    return out


def cell(text):
    return " ".join(str(text).split()).replace("|", "\\|")


def rows(schema, path, required, out):
    for name, child in schema.get("properties", {}).items():
        child_path = f"{path}.{name}" if path else name
        out.append((child_path, type_of(child), name in required, constraints(child),
                    child.get("description", "")))
        target = child
        if child.get("type") == "array":
            target = child.get("items", {})
            child_path += "[]"
        if "properties" in target:
            rows(target, child_path, set(target.get("required", [])), out)
        elif isinstance(target.get("additionalProperties"), dict) and \
                "properties" in target["additionalProperties"]:
            inner = target["additionalProperties"]
            rows(inner, child_path + ".<key>", set(inner.get("required", [])), out)


def section(crd):
    spec = crd["spec"]
    names = spec["names"]
    lines = [f"## {names['kind']}", ""]
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        schema = version["schema"]["openAPIV3Schema"]
        lines += [
            f"`apiVersion: {spec['group']}/{version['name']}`, `kind: {names['kind']}`, "
            f"{spec['scope'].lower()}; `kubectl get {names['plural']}`"
            + (f" (short: {', '.join('`' + s + '`' for s in names.get('shortNames', []))})"
               if names.get("shortNames") else "") + ".",
            "",
        ]
        if schema.get("description"):
            lines += [cell(schema["description"]), ""]
        columns = version.get("additionalPrinterColumns", [])
        if columns:
            lines += ["`kubectl get` columns: " +
                      ", ".join(f"{c['name']} (`{c['jsonPath']}`)" for c in columns) + ".", ""]
        for part in ("spec", "status"):
            sub = schema.get("properties", {}).get(part)
            if not sub:
                continue
            lines += [f"### {names['kind']} {part}", ""]
            if sub.get("description"):
                lines += [cell(sub["description"]), ""]
            table = []
            rows(sub, "", set(sub.get("required", [])), table)
            rule_notes = constraints({k: v for k, v in sub.items()
                                      if k in ("x-kubernetes-validations", "oneOf")})
            if rule_notes:
                lines += ["Rules: " + "; ".join(rule_notes) + ".", ""]
            lines += ["| field | type | required | constraints | description |",
                      "| --- | --- | --- | --- | --- |"]
            for path, typ, req, cons, desc in table:
                lines.append(f"| `{part}.{path}` | {cell(typ)} | {'yes' if req else ''} | "
                             f"{cell('; '.join(cons))} | {cell(desc)} |")
            lines.append("")
    return lines


def render():
    crds = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "crds").glob("*.kiln.dev.yaml"))]
    crds.sort(key=lambda c: (ORDER.index(c["spec"]["names"]["kind"])
                             if c["spec"]["names"]["kind"] in ORDER else len(ORDER),
                             c["spec"]["names"]["kind"]))
    lines = [
        "# Kiln API reference",
        "",
        "<!-- Generated by scripts/gen-api-reference.py from crds/*.kiln.dev.yaml; do not edit. -->",
        "",
        "Every kind is namespaced, in the group `kiln.dev`. The API server enforces the",
        "types, patterns and rules below when an object is written; the operator reports",
        "what it can only check later in the object's `status.conditions`",
        "([user guide](user-guide.md#troubleshooting-by-status-reason)).",
        "",
        "Kinds: " + ", ".join(f"[{c['spec']['names']['kind']}](#{c['spec']['names']['kind'].lower()})"
                              for c in crds) + ".",
        "",
    ]
    for crd in crds:
        lines += section(crd)
    return "\n".join(lines).rstrip() + "\n"


def main():
    text = render()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True),
                "docs/api-reference.md", "generated"))
            print("docs/api-reference.md is stale: run scripts/gen-api-reference.py",
                  file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
