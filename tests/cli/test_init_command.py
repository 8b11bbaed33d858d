"""``notrain init``: creating, showing and replacing the local identity, through Click's runner."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

import notrain.cli.init
from notrain.cli.init import init_command
from notrain.store import DB_NAME, Database
from notrain.store.identity import identities

ANN = ["--name", "Ann Example", "--contact", "ann@example.com"]


@pytest.fixture
def runner():
    return CliRunner()


def stored(home):
    with Database(home / DB_NAME) as db:
        return identities(db)


def test_help_has_examples(runner):
    result = runner.invoke(init_command, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "--new" in result.output


def test_creates_an_identity_and_says_what_it_is_for(runner, notrain_home):
    result = runner.invoke(init_command, ANN)
    assert result.exit_code == 0, result.output
    (identity,) = stored(notrain_home)
    assert identity.name == "Ann Example" and identity.contact == "ann@example.com"
    assert f"owner id {identity.owner_hex}" in result.output
    assert "never leaves this computer" in result.output
    assert DB_NAME in result.output and "Back up" in result.output
    assert identity.secret.hex() not in result.output


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_the_database_becomes_owner_only(runner, notrain_home):
    runner.invoke(init_command, ANN)
    assert stat.S_IMODE((notrain_home / DB_NAME).stat().st_mode) == 0o600


def test_an_existing_identity_is_shown_not_replaced(runner, notrain_home):
    runner.invoke(init_command, ANN)
    result = runner.invoke(init_command, [])
    assert result.exit_code == 0, result.output
    (identity,) = stored(notrain_home)
    assert "Ann Example" in result.output and "ann@example.com" in result.output
    assert f"owner {identity.owner_hex}" in result.output
    assert identity.created_at[:10] in result.output
    assert "notrain init --new" in result.output


def test_flags_without_new_do_not_replace_and_say_so(runner, notrain_home):
    runner.invoke(init_command, ANN)
    result = runner.invoke(init_command, ["--name", "Bea", "--contact", "bea@example.com"])
    assert result.exit_code == 0, result.output
    assert [i.name for i in stored(notrain_home)] == ["Ann Example"]
    assert "only apply when creating" in result.output


def test_new_replaces_and_keeps_the_old_one_retired(runner, notrain_home):
    runner.invoke(init_command, ANN)
    result = runner.invoke(
        init_command, ["--new", "--name", "Ann E.", "--contact", "ann@example.org"]
    )
    assert result.exit_code == 0, result.output
    new, old = stored(notrain_home)
    assert new.active and new.name == "Ann E." and not old.active
    assert f"Owner {old.owner_hex} is retired but kept" in result.output
    assert f"owner id {new.owner_hex}" in result.output


def test_new_without_an_identity_just_creates_one(runner, notrain_home):
    result = runner.invoke(init_command, ["--new", *ANN])
    assert result.exit_code == 0, result.output
    assert len(stored(notrain_home)) == 1 and "retired" not in result.output


def test_json_on_create_show_and_replace(runner, notrain_home):
    created = json.loads(runner.invoke(init_command, [*ANN, "--json"]).stdout)
    (identity,) = stored(notrain_home)
    assert created["created"] is True and created["replaced"] is None
    assert created["identity"] == {
        "name": "Ann Example",
        "contact": "ann@example.com",
        "owner_id": identity.owner_hex,
        "created_at": identity.created_at,
        "retired_at": None,
    }
    assert created["database"] == str(notrain_home / DB_NAME)
    assert "secret" not in json.dumps(created)

    shown = json.loads(runner.invoke(init_command, ["--json"]).stdout)
    assert shown["created"] is False and shown["identity"] == created["identity"]

    replaced = json.loads(runner.invoke(init_command, ["--new", *ANN, "--json"]).stdout)
    assert replaced["created"] is True and replaced["replaced"]["owner_id"] == identity.owner_hex
    assert replaced["replaced"]["retired_at"] == replaced["identity"]["created_at"]


@pytest.mark.parametrize(("args", "flag"), [([], "--name"), (["--name", "Ann"], "--contact")])
def test_missing_flags_without_a_terminal_are_a_usage_error(runner, notrain_home, args, flag):
    result = runner.invoke(init_command, args)
    assert result.exit_code == 2
    assert f"{flag} is missing" in result.output and "no terminal" in result.output
    assert stored(notrain_home) == []


def test_missing_flags_are_asked_for_on_a_terminal(runner, notrain_home, monkeypatch):
    monkeypatch.setattr(notrain.cli.init, "_stdin_is_tty", lambda: True)
    result = runner.invoke(init_command, [], input="Ann Example\nann@example.com\n")
    assert result.exit_code == 0, result.output
    assert "Your name" in result.stderr and "Your contact" in result.stderr
    assert [(i.name, i.contact) for i in stored(notrain_home)] == [
        ("Ann Example", "ann@example.com")
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "The name is empty"),
        ("A" * 201, "201 characters long"),
        ("Ann\tExample", "control character"),
    ],
)
def test_a_bad_name_is_a_usage_error(runner, notrain_home, name, message):
    result = runner.invoke(init_command, ["--name", name, "--contact", "ann@example.com"])
    assert result.exit_code == 2
    assert message in result.output
    assert stored(notrain_home) == []


def test_markup_in_a_name_is_printed_as_typed(runner):
    result = runner.invoke(
        init_command, ["--name", "[bold]Ann[/bold]", "--contact", "ann@example.com"]
    )
    assert result.exit_code == 0, result.output
    assert "[bold]Ann[/bold]" in result.output
