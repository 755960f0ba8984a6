"""The network a request counts against is never blank.

On AWS it is API Gateway's `requestContext.identity.sourceIp` (the connection's address; the pages
call the execute-api host directly, so no proxy stands in between) and no header can change it. On
the embedded gateway, X-Forwarded-For names it (simulated citizens all come from loopback) only when
it holds an address; otherwise the connection's address is used.
"""

from __future__ import annotations

import boto3
import pytest
import requests

from agora import contract
from agora.bootstrap import container as services
from tests.served import served


def stored_sources(api) -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=api.env[contract.CONTENT.env_var])["Items"]
    return [i["source"]["S"] for i in items if i["sk"]["S"].startswith(contract.VOTE_SK)]


def test_on_aws_the_network_is_the_source_ip_whatever_the_headers_say(api):
    [proposal] = api.published(1)
    token = api.participant()
    reply = api.call(
        "PUT", f"/proposals/{proposal}/vote", {"key": "agree"}, token=token,
        headers={"X-Forwarded-For": "198.51.100.1"}, source_ip="203.0.113.5",
    )
    assert reply.status == 200, reply.body
    assert stored_sources(api) == [services().signer.source_tag("203.0.113.5")]


@pytest.mark.parametrize("header", ["not-an-ip", "", ", 10.0.0.1", "999.1.1.1", "<script>", "127.0.0.1abc"])
def test_a_malformed_forwarded_header_falls_back_to_the_connection(api, header):
    [proposal] = api.published(1)
    token = api.participant()
    with served(api) as gateway:
        reply = requests.put(
            f"{gateway.url}/proposals/{proposal}/vote", json={"key": "agree"}, timeout=30,
            headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": header},
        )
    assert reply.status_code == 200, reply.text
    assert stored_sources(api) == [services().signer.source_tag("127.0.0.1")]


def test_no_forwarded_header_switches_the_per_network_limit_off(api, monkeypatch):
    [proposal] = api.published(1)
    with served(api) as gateway:
        monkeypatch.setattr(services().voting.per_source, "limit", 2)
        statuses = [
            requests.put(
                f"{gateway.url}/proposals/{proposal}/vote", json={"key": "agree"}, timeout=30,
                headers={"Authorization": f"Bearer {api.participant()}", "X-Forwarded-For": f"garbage-{i}"},
            ).status_code
            for i in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_an_address_the_services_cannot_read_still_counts_against_one_network(api, monkeypatch):
    """Defence behind the gateways: a blank or malformed address is one shared network, not none."""
    [proposal] = api.published(1)
    monkeypatch.setattr(services().voting.per_source, "limit", 2)
    statuses = [
        api.call("PUT", f"/proposals/{proposal}/vote", {"key": "agree"}, token=api.participant(), source_ip=ip).status
        for ip in ("", "nonsense", "")
    ]
    assert statuses == [200, 200, 429]
