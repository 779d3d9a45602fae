"""Ownership in the run store: who lists, reads, changes, shares and deletes which run.

The rule is riskcore.access's; these tests check that every path of riskcore.store asks it,
and that another user's run is indistinguishable from a missing one."""

from __future__ import annotations

import json

import pytest

from riskcore.access import LOCAL, Principal
from riskcore.errors import AccessError, RunStoreError
from riskcore.store import ACCESS_FILE, RunStore
from riskcore.tasks import principal_of
from tests.test_store_hostile import fake_run

ALICE = Principal(user="alice", teams=frozenset({"credit"}))
BOB = Principal(user="bob", teams=frozenset({"credit"}))
CAROL = Principal(user="carol", teams=frozenset({"markets"}))
ADMIN = Principal(user="root@bank", admin=True)
MISSING = "20240101-000000-abcdef"


@pytest.fixture
def home(tmp_path):
    return tmp_path


def _as(home, who: Principal) -> RunStore:
    return RunStore(home, principal=who)


@pytest.fixture
def runs(home) -> dict[str, str]:
    """One run each for alice and bob, and one from the CLI (no owner)."""
    return {
        "alice": fake_run(_as(home, ALICE), owner="alice"),
        "bob": fake_run(_as(home, BOB), owner="bob"),
        "cli": fake_run(_as(home, LOCAL)),
    }


def _not_found_text(store: RunStore, run_id: str) -> str:
    with pytest.raises(RunStoreError) as caught:
        store.load(run_id)
    return str(caught.value)


def test_a_user_lists_and_loads_only_their_own_runs(home, runs) -> None:
    bob = _as(home, BOB)
    assert bob.ids() == [runs["bob"]]
    assert [r["run_id"] for r in bob.list()] == [runs["bob"]]
    assert [r["run_id"] for r in bob.list([runs["alice"], runs["bob"]])] == [runs["bob"]]
    assert bob.load(runs["bob"]).config.window == 10
    with pytest.raises(AccessError):
        bob.load(runs["alice"])
    with pytest.raises(AccessError):
        bob.path(runs["alice"])
    with pytest.raises(AccessError):
        bob.owner(runs["alice"])


def test_another_users_run_reads_exactly_like_a_missing_one(home, runs) -> None:
    bob = _as(home, BOB)
    theirs = _not_found_text(bob, runs["alice"])
    missing = _not_found_text(bob, MISSING)
    assert theirs.replace(runs["alice"], "ID") == missing.replace(MISSING, "ID")
    assert theirs == f"run '{runs['alice']}' not found in {bob.root}; list them with " + (
        "`python -m riskcore runs`"
    )
    for attempt in (
        lambda: bob.add_files(runs["alice"], {"explanations.json": {}}),
        lambda: bob.delete(runs["alice"]),
        lambda: bob.share(runs["alice"], ["credit"]),
        lambda: bob.shared_with(runs["alice"]),
        lambda: bob.check_writable_run(runs["alice"]),
    ):
        with pytest.raises(AccessError) as caught:
            attempt()
        assert str(caught.value) == theirs


def test_a_user_cannot_change_another_users_run(home, runs) -> None:
    bob = _as(home, BOB)
    folder = home / "runs" / runs["alice"]
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(AccessError):
        bob.add_files(runs["alice"], {"explanations.json": {"rows": []}})
    with pytest.raises(AccessError):
        bob.delete(runs["alice"])
    with pytest.raises(AccessError):
        bob.share(runs["alice"], ["credit"])
    assert sorted(p.name for p in folder.iterdir()) == before
    assert _as(home, ALICE).ids() == [runs["alice"]]


def test_sharing_with_a_team_lets_it_read_but_not_change(home, runs) -> None:
    alice, bob, carol = _as(home, ALICE), _as(home, BOB), _as(home, CAROL)
    assert alice.shared_with(runs["alice"]) == []
    assert alice.share(runs["alice"], ["credit"]) == ["credit"]
    assert alice.shared_with(runs["alice"]) == ["credit"]
    assert json.loads((home / "runs" / runs["alice"] / ACCESS_FILE).read_text()) == {
        "shared_with": ["credit"]
    }
    assert sorted(bob.ids()) == sorted([runs["alice"], runs["bob"]])
    assert bob.load(runs["alice"]).config.window == 10  # sharing does not break the manifest
    assert bob.shared_with(runs["alice"]) == ["credit"]
    for attempt in (
        lambda: bob.add_files(runs["alice"], {"explanations.json": {}}),
        lambda: bob.delete(runs["alice"]),
        lambda: bob.share(runs["alice"], []),
        lambda: bob.check_writable_run(runs["alice"]),
    ):
        with pytest.raises(AccessError, match="belongs to another user; only its owner"):
            attempt()
    assert carol.ids() == []  # another team still sees nothing
    assert alice.share(runs["alice"], []) == []  # private again
    assert bob.ids() == [runs["bob"]]


def test_a_user_shares_only_with_their_own_teams(home, runs) -> None:
    alice = _as(home, ALICE)
    with pytest.raises(AccessError, match=r"only with your own teams \(credit\), not with markets"):
        alice.share(runs["alice"], ["credit", "markets"])
    with pytest.raises(AccessError, match="list of team names"):
        alice.share(runs["alice"], [""])
    assert alice.shared_with(runs["alice"]) == []
    assert _as(home, ADMIN).share(runs["alice"], ["markets"]) == ["markets"]  # admins may
    assert _as(home, CAROL).ids() == [runs["alice"]]


@pytest.mark.parametrize("damage", ["{not json", '{"shared_with": "credit"}', "[]"])
def test_a_damaged_sharing_list_shares_nothing(home, runs, damage) -> None:
    (home / "runs" / runs["alice"] / ACCESS_FILE).write_text(damage)
    assert _as(home, BOB).ids() == [runs["bob"]]
    assert _as(home, ALICE).ids() == [runs["alice"]]


def test_an_admin_reads_and_deletes_every_run(home, runs) -> None:
    admin = _as(home, ADMIN)
    assert sorted(admin.ids()) == sorted(runs.values())
    assert admin.load(runs["alice"]).config.window == 10
    admin.add_files(runs["bob"], {"explanations.json": {"rows": []}})
    assert admin.delete(runs["alice"]) > 0
    assert sorted(_as(home, LOCAL).ids()) == sorted([runs["bob"], runs["cli"]])


def test_local_sees_and_changes_everything(home, runs) -> None:
    local = RunStore(home)
    assert local.principal is LOCAL and sorted(local.ids()) == sorted(runs.values())
    assert local.owner(runs["alice"]) == "alice" and local.owner(runs["cli"]) is None
    assert local.ids(owner="bob") == [runs["bob"]]
    local.share(runs["bob"], ["anything"])  # single-user mode: no teams to check against
    local.delete(runs["bob"])
    assert runs["bob"] not in local.ids()


def test_a_signed_in_user_does_not_see_unowned_cli_runs(home, runs) -> None:
    """An owner of None is nobody's: only admins and single-user mode read it."""
    assert runs["cli"] not in _as(home, ALICE).ids()
    with pytest.raises(AccessError):
        _as(home, ALICE).load(runs["cli"])


def test_a_damaged_run_of_another_user_is_not_announced(home, runs) -> None:
    (home / "runs" / runs["alice"] / "meta.json").write_text("{not json")
    bob = _as(home, BOB)
    assert bob.ids() == [runs["bob"]] and bob.skipped == []
    local = RunStore(home)
    local.ids()
    assert [run_id for run_id, _ in local.skipped] == [runs["alice"]]


def test_alices_damaged_run_is_reported_to_alice(home, runs) -> None:
    (home / "runs" / runs["alice"] / "metrics.json").write_text('{"test": 5}')
    alice = _as(home, ALICE)
    assert alice.ids() == []
    assert [run_id for run_id, _ in alice.skipped] == [runs["alice"]]


def test_usage_counts_the_owners_runs_only(home, runs) -> None:
    store = RunStore(home)
    alice, bob = store.usage("alice"), store.usage("bob")
    assert alice > 0 and bob > 0 and store.usage("nobody") == 0
    fake_run(_as(home, ALICE), owner="alice")
    assert store.usage("alice") > alice and store.usage("bob") == bob


def test_a_workers_store_acts_as_the_jobs_user(home, runs) -> None:
    assert principal_of({"owner": None}) is LOCAL and principal_of({}) is LOCAL
    who = principal_of({"owner": "bob", "admin": False, "teams": ["credit"]})
    assert who == BOB
    job = RunStore.for_job({"home": str(home), "owner": "bob"})
    assert job.principal.user == "bob" and job.ids() == [runs["bob"]]
    with pytest.raises(AccessError):
        job.add_files(runs["alice"], {"explanations.json": {}})
    admin = RunStore.for_job({"home": str(home), "owner": "root@bank", "admin": True})
    admin.add_files(runs["alice"], {"explanations.json": {}})
    assert RunStore.for_job({"home": str(home)}).principal is LOCAL
