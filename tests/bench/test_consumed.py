"""bench/consumed.py: which writes it meters, and what it adds up."""

from bench.capacity import WriteMeter
from bench.consumed import Consumed

UPDATE = {"Update": {"TableName": "tallies", "Key": {"pk": {"S": "PROPOSAL#p"}, "sk": {"S": "TOTAL"}}}}


def test_only_writes_to_the_metered_table_ask_for_their_consumed_capacity():
    consumed = Consumed("tallies", WriteMeter().price)
    on_tallies = {"TransactItems": [UPDATE, UPDATE]}
    elsewhere = {"TableName": "content", "Item": {}}
    assert consumed.wants("TransactWriteItems", on_tallies) and on_tallies["ReturnConsumedCapacity"] == "TOTAL"
    assert not consumed.wants("PutItem", elsewhere) and "ReturnConsumedCapacity" not in elsewhere
    assert not consumed.wants("GetItem", {"TableName": "tallies"})


def test_a_refused_write_is_not_priced_and_the_engine_s_figure_is_kept_apart():
    meter = WriteMeter()
    consumed = Consumed("tallies", meter.price)
    body = {"TransactItems": [UPDATE, UPDATE, UPDATE]}
    consumed.done("TransactWriteItems", body, 400, {"__type": "TransactionCanceledException"})
    assert meter.units == 0 and consumed.failed["TransactWriteItems"] == 1
    reply = {"ConsumedCapacity": [{"TableName": "tallies", "CapacityUnits": 2.0}, {"TableName": "other", "CapacityUnits": 9.0}]}
    consumed.done("TransactWriteItems", body, 200, reply)
    assert meter.units == 6 and consumed.units == 2.0 and consumed.items_per_transaction == [3]
