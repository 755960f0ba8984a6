"""The embedded stack's data directory and its stream records in Lambda's shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from agora.local.datadir import DataDir, InUse, write_atomically
from agora.local.poller import as_lambda_delivers


def record(image: dict) -> dict:
    created = dt.datetime(2026, 12, 1, 22, 54, tzinfo=dt.timezone.utc)
    return {"dynamodb": {"Keys": {"pk": {"S": "P"}}, "NewImage": image, "ApproximateCreationDateTime": created,
                         "SequenceNumber": "000000000000000000007"}}


def test_dynamodb_local_s_untyped_empty_maps_are_typed_again_and_nothing_else_changes():
    image = {"demographics": {}, "l": {"L": []}, "nest": {"M": {"a": {"L": [{}]}, "b": {}}}, "n": {"N": "1"}}
    out = as_lambda_delivers(record(image), "arn:stream")["dynamodb"]
    assert out["NewImage"] == {
        "demographics": {"M": {}}, "l": {"L": []}, "nest": {"M": {"a": {"L": [{"M": {}}]}, "b": {"M": {}}}}, "n": {"N": "1"},
    }
    assert out["ApproximateCreationDateTime"] == dt.datetime(2026, 12, 1, 22, 54, tzinfo=dt.timezone.utc).timestamp()
    assert out["SequenceNumber"] == "000000000000000000007"  # kept as DynamoDB Local pads it


def test_a_second_stack_on_the_same_data_is_refused_until_the_first_closes(tmp_path):
    first, second = DataDir(tmp_path), DataDir(tmp_path)
    first.open()
    with pytest.raises(InUse, match=str(tmp_path)):
        second.open()
    first.close()
    second.open()
    second.close()


def test_the_signing_secret_is_made_once_private_and_kept_until_fresh(tmp_path):
    data = DataDir(tmp_path)
    data.open()
    secret = data.signing_secret()
    assert secret == DataDir(tmp_path).signing_secret() and len(secret) >= 32
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
    data.close()
    data.open(fresh=True)
    assert not (tmp_path / "secrets.json").exists() and data.signing_secret() != secret
    data.close()


def test_an_atomic_write_leaves_the_old_file_or_the_new_one(tmp_path, monkeypatch):
    target = tmp_path / "stream-position.json"
    write_atomically(target, b'{"shard": "1"}')

    def crash(*_):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", crash)
    with pytest.raises(OSError):
        write_atomically(target, b'{"shard": "2"}')
    assert json.loads(target.read_text()) == {"shard": "1"}
