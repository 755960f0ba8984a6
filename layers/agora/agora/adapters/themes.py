"""The consultation's themes, all in one partition of the content table (there are tens, not thousands)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from agora import contract as c
from agora.adapters import items
from agora.adapters.content import conditional_failed, is_own_write, item_when_failed, new_write
from agora.domain.themes import Theme


class ThemeStore:
    def __init__(self, table: str, dynamodb: Any) -> None:
        self.table = table
        self.db = dynamodb

    def add(self, theme: Theme) -> bool:
        """Store a new theme; False if one with its id exists."""
        item = {
            "pk": {"S": c.THEMES},
            "sk": {"S": c.THEME_SK + theme.id},
            **items.serialize({"name": theme.name, "created_by": theme.created_by, "created_at": theme.created_at}),
        }
        write = new_write()
        try:
            self.db.put_item(
                TableName=self.table,
                Item={**item, items.WRITE: {"S": write}},
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as e:
            if conditional_failed(e):
                return is_own_write(item_when_failed(self.db, self.table, {"pk": item["pk"], "sk": item["sk"]}, e), write)
            raise
        return True

    def all(self) -> list[Theme]:
        pages = self.db.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :p AND begins_with(sk, :t)",
            ExpressionAttributeValues={":p": {"S": c.THEMES}, ":t": {"S": c.THEME_SK}},
        )
        themes = []
        for page in pages:
            for raw in page["Items"]:
                a = items.deserialize(raw)
                themes.append(Theme(a["sk"].removeprefix(c.THEME_SK), a["name"], a["created_by"], float(a["created_at"])))
        return themes
