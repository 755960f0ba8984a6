"""The moto fix keeps TransactWriteItems all-or-nothing while copying each table once."""

import pytest
from moto.dynamodb.models.table import Table

from agora.adapters.tallies import CheckpointMoved
from agora.domain.tallies import TallyRef
from agora.local import moto_fixes
from agora.bootstrap import container as services


def test_a_failed_transaction_changes_nothing_and_a_good_one_everything(api):
    tallies = services().tallies.tallies
    changes = {TallyRef(f"p{i}"): {"agree": 1} for i in range(50)}
    tallies.commit("shard", changes, expected=0, checkpoint=10)
    with pytest.raises(CheckpointMoved):
        tallies.commit("shard", {TallyRef("p0"): {"agree": 5}}, expected=3, checkpoint=20)  # stale checkpoint
    assert tallies.read_all() == {ref: {"agree": 1} for ref in changes}
    assert tallies.checkpoint("shard") == 10


def test_each_table_is_copied_once_per_transaction():
    once = moto_fixes._EachTableOnce()
    table = Table(
        "t",
        account_id="123456789012",
        region="eu-west-3",
        schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        attr=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    assert once.deepcopy(table) is once.deepcopy(table) is not table
    assert once.deepcopy([1]) == [1]
