"""A worker process profiles its invocations when asked, for finding where a request's time goes."""

from __future__ import annotations

import pstats

from agora.local.functions import PROFILE_DIR_ENV, ProcessFunctionHost


def test_each_worker_writes_the_profile_of_its_invocations_as_it_exits(tmp_path, monkeypatch):
    functions = tmp_path / "functions"
    (functions / "double").mkdir(parents=True)
    (functions / "double" / "handler.py").write_text(
        "def twice(n):\n    return 2 * n\n\n\ndef lambda_handler(event, context):\n    return twice(event['n'])\n"
    )
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    monkeypatch.setenv(PROFILE_DIR_ENV, str(profiles))
    host = ProcessFunctionHost(functions, max_containers=1)
    try:
        assert [host.invoke("double", {"n": n}) for n in range(3)] == [0, 2, 4]
    finally:
        host.stop(grace=10)
    [written] = profiles.glob("double-*.prof")
    calls = {name: stats[1] for (_, _, name), stats in pstats.Stats(str(written)).stats.items()}
    assert calls["twice"] == 3


def test_without_the_setting_no_profile_is_written(tmp_path, monkeypatch):
    functions = tmp_path / "functions"
    (functions / "same").mkdir(parents=True)
    (functions / "same" / "handler.py").write_text("def lambda_handler(event, context):\n    return event\n")
    monkeypatch.delenv(PROFILE_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    host = ProcessFunctionHost(functions, max_containers=1)
    try:
        assert host.invoke("same", {"a": 1}) == {"a": 1}
    finally:
        host.stop(grace=10)
    assert not list(tmp_path.rglob("*.prof"))
