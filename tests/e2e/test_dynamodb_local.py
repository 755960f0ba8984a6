"""DynamoDB Local as `agora dev` starts it: on the loopback interface only, and answering."""

from __future__ import annotations

from pathlib import Path

from agora.local.dynamodb_local import DynamoDBLocal

LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}
LISTEN = "0A"


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, as the kernel lists them (hex)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _remote, state = line.split()[1:4]
            address, hex_port = local.split(":")
            if state == LISTEN and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_dynamodb_local_listens_on_the_loopback_interface_only(tmp_path):
    engine = DynamoDBLocal(tmp_path / "db", tmp_path / "log")
    engine.start()
    try:
        assert engine.client("dynamodb").list_tables()["TableNames"] == []
        addresses = listening_addresses(engine.port)
        assert addresses, f"nothing listens on {engine.port}"
        assert addresses <= LOOPBACK, f"DynamoDB Local listens beyond loopback: {addresses}"
    finally:
        engine.stop()
    assert not listening_addresses(engine.port)
