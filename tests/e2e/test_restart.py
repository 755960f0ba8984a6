"""`agora dev` keeps a consultation across a restart, and stops whole and quickly on SIGTERM."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
import requests

from agora import contract
from agora.adapters.votes import scan_counted
from agora.adapters.tallies import TallyStore
from agora.domain.tallies import recount
from agora.local.client import Api, Moderator
from tests.e2e.conftest import MODERATOR_KEY, RunningStack, eventually, start, stop

pytestmark = pytest.mark.slow


def counted(stack: RunningStack) -> bool:
    content = (f"demo-{contract.CONTENT.logical_id.lower()}", stack.client("dynamodb"))
    tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", stack.client("dynamodb"))
    return tallies.read_all() == recount(scan_counted(*content))


def summary(stack: RunningStack) -> dict:
    manifest = requests.get(stack.url + "/results", timeout=30).json()
    return requests.get(next(f["url"] for f in manifest["files"] if f["name"] == "summary.json"), timeout=30).json()


def test_a_restart_keeps_tokens_figures_and_counts_the_next_vote_once():
    running = start("--snapshot-every", "1")
    data_dir = running.data_dir
    try:
        api = Api(running.url)
        author, voter = api.register({"age": "25-34"}), api.register({"age": "65+"})
        ids = [author.propose(f"Il faut garder ce qui a été dit n°{n}")["id"] for n in range(2)]
        for proposal_id in ids:
            Moderator(api, MODERATOR_KEY).accept(proposal_id)
        served = eventually(lambda: (lambda s: len(s) == 2 and s)(voter.sequence()), interval=4)  # /sequence: 20 a minute
        voter.vote(served[0]["id"], "agree", served[0]["proof"])
        eventually(lambda: counted(running))
        before = eventually(lambda: (s := summary(running))["votes"] == 1 and s)
        published = requests.get(running.url + "/results", timeout=30).json()
    finally:
        stop(running, keep_data=True)

    again = start("--snapshot-every", "1", data_dir=data_dir)
    try:
        # The same files are served at start, and the same figures published.
        old_file = next(f["url"] for f in published["files"] if f["name"] == "summary.json")
        assert requests.get(old_file.replace(running.url, again.url), timeout=30).status_code == 200
        assert {k: summary(again)[k] for k in ("votes", "participants", "proposals")} == {
            k: before[k] for k in ("votes", "participants", "proposals")
        }
        # The same token works: the voter still has one proposal to vote on, with a valid proof.
        voter = Api(again.url).as_participant(voter.token)
        left = voter.sequence()
        assert [p["id"] for p in left] == [served[1]["id"]]
        assert voter.vote(left[0]["id"], "disagree", left[0]["proof"])["trusted"] is True
        eventually(lambda: counted(again))
        after = eventually(lambda: (s := summary(again))["generated_at"] > before["generated_at"] and s["votes"] == 2 and s)
        assert after["participants"] == before["participants"]
    finally:
        stop(again)


def processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, name, state) of every process, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # it exited meanwhile
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (int(rest[1]), name, rest[0])
    return found


def descendants(pid: int) -> dict[int, str]:
    table, out, todo = processes(), {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, name, _) in table.items():
            if ppid == parent and child not in out:
                out[child] = name
                todo.append(child)
    return out


def alive(pids: set[int]) -> set[int]:
    return {pid for pid, (_, _, state) in processes().items() if pid in pids and state != "Z"}


def test_sigterm_stops_the_stack_and_every_child_it_started():
    """How long it takes is measured in `make bench` (bench/embedded.py): this asserts what is left."""
    running = start("--snapshot-every", "1")
    try:
        Api(running.url).register()  # warm containers are running
        children = descendants(running.process.pid)
        assert "java" in children.values() and len(children) >= 3, children  # DynamoDB Local, fork server, workers
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(timeout=60)
        running.reader.join(timeout=10)
        assert running.process.returncode == 0 and "stopped" in "".join(running.later)
        eventually(lambda: not alive(set(children)))
    finally:
        if running.process.poll() is None:
            stop(running)
        else:
            shutil.rmtree(running.data_dir, ignore_errors=True)
