"""Reading a synthesized template: logical ids, references, IAM grants, API paths."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template

from agora import contract

F = contract.Function


def lid(stack: Any, construct: Any) -> str:
    """The logical id of a construct's CloudFormation resource."""
    return stack.get_logical_id(construct.node.default_child)


def fn_id(stack: Any, name: F) -> str:
    return lid(stack, stack.functions.by_name[name])


def table_id(stack: Any, spec: contract.Table) -> str:
    return lid(stack, stack.data.tables[spec.logical_id])


def refs(value: Any) -> set[str]:
    """Every logical id a CloudFormation value refers to (Ref / Fn::GetAtt), anywhere inside it,
    pseudo parameters (AWS::Region...) aside."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and not value["Ref"].startswith("AWS::"):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for v in value.values():
            found |= refs(v)
    elif isinstance(value, list):
        for v in value:
            found |= refs(v)
    return found


def grants(template: Template, stack: Any, name: F) -> dict[str, set[str]]:
    """Actions the function's role may take, by the logical id of the resource ("*" for any)."""
    return role_grants(template, lid(stack, stack.functions.by_name[name].role))


def role_grants(template: Template, role_id: str) -> dict[str, set[str]]:
    """Actions a role may take, by the logical id of the resource ("*" for any)."""
    out: dict[str, set[str]] = {}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            actions = {actions} if isinstance(actions, str) else set(actions)
            targets = {"*"} if statement["Resource"] == "*" else refs(statement["Resource"])
            for target in targets:
                out.setdefault(target, set()).update(actions)
    return out


def api_paths(template: Template) -> dict[str, str]:
    """Logical id of each API Gateway resource (and the root) -> its full path."""
    resources = template.find_resources("AWS::ApiGateway::Resource")
    api_id = next(iter(template.find_resources("AWS::ApiGateway::RestApi")))
    paths: dict[str, str] = {api_id: ""}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            (parent,) = refs(props["ParentId"])
            paths[logical_id] = path_of(parent) + "/" + props["PathPart"]
        return paths[logical_id]

    for logical_id in resources:
        path_of(logical_id)
    return {k: v or "/" for k, v in paths.items()}
