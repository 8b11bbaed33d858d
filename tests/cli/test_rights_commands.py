"""``notrain object``, ``requests`` and ``escalate`` end to end, through Click's runner."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pypdf
import pytest
import vobject
from click.testing import CliRunner

import notrain.cli.object
from notrain.cli import main
from notrain.rights.deadlines import add_months

GERMAN = [
    "object", "--country", "de", "--state", "BY", "--platform", "instagram", "--device", "android",
    "--role", "artist", "--posts", "meine Aquarelle 🎨", "--name", "Zoë Łukasiewicz-Øre",
    "--email", "zoe@example.org",
]  # fmt: skip


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args, input=None):
    result = runner.invoke(main, list(args), input=input, catch_exceptions=False)
    return result


def ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def test_object_non_interactive_json_gives_forms_path_reason_and_records(runner):
    result = run(runner, *GERMAN, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["jurisdiction"]["code"] == "DE-BY" and data["jurisdiction"]["can_object"]
    assert data["forms"][0]["value"] == "https://help.instagram.com/contact/767264225370182"
    assert "Privacy Center" in data["in_app_paths"][0]["value"]
    assert data["in_app_paths"][0]["device"] == "android"
    assert data["language"] == "de" and "widerspreche" in data["reason"]
    assert "meine Aquarelle 🎨" in data["reason"]
    assert data["request"] == {"id": 1, "status": "drafted"}
    listed = json.loads(run(runner, "requests", "list", "--json").stdout)
    assert listed[0]["jurisdiction"] == "DE-BY" and listed[0]["status"] == "drafted"


def test_object_in_the_us_says_there_is_no_opt_out(runner):
    result = run(
        runner,
        "object",
        "--country",
        "US",
        "--platform",
        "both",
        "--device",
        "iphone",
        "--name",
        "Al",
    )
    assert result.exit_code == 0, result.output
    assert "There is no right to object" in result.output
    assert "Recorded" not in result.output
    assert "non-public" in result.output  # what exists instead
    data = json.loads(
        run(
            runner,
            "object",
            "--country",
            "US",
            "--platform",
            "both",
            "--device",
            "iphone",
            "--name",
            "Al",
            "--json",
        ).stdout
    )
    assert data["forms"] == [] and data["request"] is None


def test_object_in_california_records_a_deletion_request(runner):
    data = json.loads(
        run(
            runner, "object", "--country", "US", "--state", "CA", "--platform", "facebook",
            "--device", "desktop", "--name", "Al", "--email", "al@example.com", "--json",
        ).stdout
    )  # fmt: skip
    assert data["request_kind"] == "deletion" and data["request"]["id"] == 1
    assert data["forms"] == []


def test_unknown_country_lists_valid_ones(runner):
    result = runner.invoke(
        main,
        [
            "object",
            "--country",
            "XX",
            "--platform",
            "facebook",
            "--device",
            "desktop",
            "--name",
            "A",
        ],
    )
    assert result.exit_code == 2
    assert "XX" in result.output and "DE" in result.output and "GB" in result.output


def test_missing_options_without_a_terminal_say_what_to_pass(runner):
    result = runner.invoke(main, ["object", "--country", "FR"])
    assert result.exit_code == 2
    assert "--platform is missing" in result.output


def test_object_asks_with_defaults_in_a_terminal(runner, monkeypatch):
    monkeypatch.setattr(notrain.cli.object, "_stdin_is_tty", lambda: True)
    answers = "FR\ninstagram\niphone\nphotographer\nmes photos de Lyon\nJeanne Exemple\njeanne@example.fr\n"
    result = runner.invoke(main, ["object"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Je m'oppose" in result.output and "mes photos de Lyon" in result.output
    assert "Recorded as request 1" in result.output


def test_the_whole_life_of_a_request(runner, tmp_path):
    assert run(runner, *GERMAN).exit_code == 0
    # Meta cannot answer before the request was sent, nor in the future.
    bad = runner.invoke(main, ["requests", "update", "1", "--status", "refused", "--on", ago(1)])
    assert bad.exit_code == 2 and "not been submitted" in bad.output
    assert (
        run(runner, "requests", "update", "1", "--status", "submitted", "--on", ago(60)).exit_code
        == 0
    )
    bad = runner.invoke(main, ["requests", "update", "1", "--status", "refused", "--on", ago(61)])
    assert bad.exit_code == 2 and "before the request was submitted" in bad.output
    future = (date.today() + timedelta(days=3)).isoformat()
    bad = runner.invoke(main, ["requests", "update", "1", "--status", "refused", "--on", future])
    assert bad.exit_code == 2 and "in the future" in bad.output

    due = json.loads(run(runner, "requests", "due", "--json").stdout)
    assert {d["kind"] for d in due} >= {"response", "reminder"}
    assert all(d["request"] == 1 for d in due)

    # Meta's answer, saved as an email: triaged, recorded, copied.
    reply = tmp_path / "answer.eml"
    reply.write_text(
        "From: Meta <noreply@support.facebook.com>\nSubject: Ihr Widerspruch\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Hallo,\n\nwir haben Ihre Anfrage geprüft. Leider können wir Ihrem Widerspruch nicht "
        "stattgeben.\n\nFallnummer: 123456789012345\n",
        encoding="utf-8",
    )
    result = run(
        runner, "requests", "reply", "1", str(reply), "--on", ago(20), "--record", "--json"
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["label"] == "refused" and verdict["language"] == "de"
    shown = json.loads(run(runner, "requests", "show", "1", "--json").stdout)
    assert shown["status"] == "refused"
    refusal = next(e for e in shown["events"] if e["status"] == "refused")
    assert refusal["attachment"] == "replies/1/answer.eml"
    assert "Widerspruch nicht" in refusal["reply"] and refusal["reference"] == "123456789012345"
    assert [d["kind"] for d in shown["deadlines"]] == ["complaint"]

    # The complaint goes to the Bavarian authority, in German, with the timeline.
    letters = tmp_path / "letters"
    result = run(runner, "escalate", "1", "-o", str(letters), "--json")
    assert result.exit_code == 0, result.output
    (written,) = json.loads(result.stdout)["letters"]
    assert written["kind"] == "complaint" and written["language"] == "de"
    assert "lda.bayern.de" in written["send_to"]
    text = (letters / "request-1-complaint.txt").read_text(encoding="utf-8")
    assert "Zoë Łukasiewicz-Øre" in text and "Ansbach" in text
    assert "Data Protection Commission" in text
    for day in (ago(60), ago(20)):
        assert _german_date(day) in text
    pdf = pypdf.PdfReader(letters / "request-1-complaint.pdf")
    extracted = " ".join(page.extract_text() for page in pdf.pages)
    assert "Zoë Łukasiewicz-Øre" in extracted and "Ansbach" in extracted
    again = runner.invoke(main, ["escalate", "1", "-o", str(letters)])
    assert again.exit_code == 1 and "nothing was written" in again.output  # never overwritten

    # Exports: the calendar parses with an independent library, the history opens.
    assert (
        run(
            runner, "requests", "update", "1", "--status", "complaint-filed", "--on", ago(5)
        ).exit_code
        == 0
    )
    ics = tmp_path / "deadlines.ics"
    assert run(runner, "requests", "calendar", str(ics)).exit_code == 0
    calendar = vobject.readOne(ics.read_text(encoding="utf-8"))
    (event,) = calendar.vevent_list
    assert event.dtstart.value == add_months(date.fromisoformat(ago(5)), 3)  # Art. 78(2)
    history = tmp_path / "history.pdf"
    assert run(runner, "requests", "export", "1", str(history)).exit_code == 0
    extracted = " ".join(p.extract_text() for p in pypdf.PdfReader(history).pages)
    assert "Zoë Łukasiewicz-Øre" in extracted and "123456789012345" in extracted


def test_nothing_to_escalate_says_when(runner):
    assert run(runner, *GERMAN, "--submitted-on", ago(3)).exit_code == 0
    result = runner.invoke(main, ["escalate", "1"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "escalate again" in result.output


def test_unknown_request_number(runner):
    result = runner.invoke(main, ["requests", "show", "4"])
    assert result.exit_code == 1 and "no request number 4" in result.output


def _german_date(iso: str) -> str:
    from notrain.rights.templates import long_date

    return long_date(date.fromisoformat(iso), "de")


def test_help_of_every_rights_command_has_examples(runner):
    for command in (["object"], ["requests"], ["escalate"], ["facts"]):
        result = run(runner, *command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output or "notrain facts" in result.output, command


def test_text_output_is_readable(runner):
    result = run(runner, *GERMAN)
    assert "Yes, you can object" in result.output
    assert "https://help.instagram.com/contact/767264225370182" in result.output
    assert "Recorded as request 1" in result.output


def test_a_submission_time_counts_in_metas_time_zone(runner):
    assert run(runner, *GERMAN).exit_code == 0
    # 23:30 in California on 31 January is 1 February in Dublin: the month runs to 1 March.
    result = run(
        runner, "requests", "update", "1", "--status", "submitted", "--on", "2026-01-31T23:30-08:00"
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(run(runner, "requests", "show", "1", "--json").stdout)
    assert shown["submitted_on"] == "2026-02-01"
    assert shown["deadlines"][0] == {
        "kind": "response", "due": "2026-03-01", "title": shown["deadlines"][0]["title"], "law": "Art. 12(3) GDPR",
    }  # fmt: skip
    bad = runner.invoke(main, ["requests", "update", "1", "--note", "x", "--on", "31/01/2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_a_terminal_asks_again_for_an_unknown_country_and_for_the_state(runner, monkeypatch):
    monkeypatch.setattr(notrain.cli.object, "_stdin_is_tty", lambda: True)
    answers = "Atlantis\nGermany\nBE\nfacebook\ndesktop\nprivate\n\nKim Muster\nkim@example.de\n"
    result = runner.invoke(main, ["object"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Atlantis" in result.output  # said what was wrong, then asked again
    shown = json.loads(run(runner, "requests", "show", "1", "--json").stdout)
    assert shown["jurisdiction"] == "DE-BE"


def test_escalate_twice_writes_nothing_the_second_time(runner, tmp_path):
    us = ["object", "--country", "US", "--state", "CA", "--platform", "facebook", "--device", "desktop",
          "--name", "Al", "--email", "al@example.com"]  # fmt: skip
    assert run(runner, *us).exit_code == 0
    letters = tmp_path / "letters"
    first = run(runner, "escalate", "1", "-o", str(letters), "--format", "md")
    assert first.exit_code == 0, first.output
    before = sorted(p.name for p in letters.iterdir())
    assert before == ["request-1-deletion-request.md", "request-1-ftc.md"]
    second = runner.invoke(main, ["escalate", "1", "-o", str(letters), "--format", "md"])
    assert second.exit_code == 1 and "nothing was written" in second.output
    assert sorted(p.name for p in letters.iterdir()) == before


def test_a_refused_step_leaves_no_half_record_and_no_copied_reply(runner, tmp_path, notrain_home):
    future = (date.today() + timedelta(days=2)).isoformat()
    bad = runner.invoke(main, [*GERMAN, "--submitted-on", future])
    assert bad.exit_code == 2 and "in the future" in bad.output
    assert json.loads(run(runner, "requests", "list", "--json").stdout) == []
    assert run(runner, *GERMAN).exit_code == 0
    reply = tmp_path / "r.txt"
    reply.write_text("We have received your request.", encoding="utf-8")
    bad = runner.invoke(
        main, ["requests", "update", "1", "--status", "refused", "--reply-file", str(reply)]
    )
    assert bad.exit_code == 2 and "not been submitted" in bad.output
    assert (
        not list((notrain_home / "replies").rglob("*"))
        if (notrain_home / "replies").exists()
        else True
    )
    assert (
        run(runner, "requests", "update", "1", "--status", "submitted", "--on", ago(3)).exit_code
        == 0
    )
    assert (
        run(
            runner,
            "requests",
            "update",
            "1",
            "--status",
            "acknowledged",
            "--reply-file",
            str(reply),
        ).exit_code
        == 0
    )
    assert (notrain_home / "replies" / "1" / "r.txt").exists()
    assert run(runner, "requests", "delete", "1", "--yes").exit_code == 0
    assert not (notrain_home / "replies" / "1").exists()


@pytest.mark.parametrize("command", ["object", "requests", "escalate", "facts"])
def test_every_example_in_the_help_parses(runner, command):
    """The epilog's examples name real options (the first command of each line is run with
    --help appended, so nothing is recorded)."""
    result = run(runner, command, "--help")
    assert result.exit_code == 0
    examples = [
        line.strip() for line in result.output.splitlines() if line.strip().startswith("notrain ")
    ]
    assert examples, "the help shows examples"
    for example in examples:
        words = example.split("  ")[0].replace("\\", "").split()[1:]
        parsed = runner.invoke(main, [*[w.strip('"') for w in words], "--help"])
        assert parsed.exit_code == 0, (example, parsed.output)


def test_a_virginia_refusal_is_appealed_recorded_and_then_goes_to_the_attorney_general(
    runner, tmp_path
):
    assert run(
        runner, "object", "--country", "US", "--state", "VA", "--platform", "facebook",
        "--device", "desktop", "--name", "Al", "--email", "al@example.com",
        "--submitted-on", ago(100),
    ).exit_code == 0  # fmt: skip
    assert (
        run(runner, "requests", "update", "1", "--status", "refused", "--on", ago(70)).exit_code
        == 0
    )
    letters = tmp_path / "letters"
    result = run(runner, "escalate", "1", "-o", str(letters), "--format", "md", "--json")
    (appeal,) = json.loads(result.stdout)["letters"]
    assert appeal["kind"] == "appeal" and appeal["recipient"].startswith("Meta Platforms, Inc.")
    assert appeal["record_with"] == "notrain requests update 1 --status appeal-filed"
    assert "59.1-577(C)" in (letters / "request-1-appeal.md").read_text(encoding="utf-8")

    # The status round-trips under its name and its aliases.
    for spelling in ("appeal-filed", "appeal", "appealed", "Appeal filed"):
        updated = run(runner, "requests", "update", "1", "--status", spelling, "--on", ago(65))
        assert updated.exit_code == 0, updated.output
    shown = json.loads(run(runner, "requests", "show", "1", "--json").stdout)
    assert shown["status"] == "appeal filed"
    assert [e["status"] for e in shown["events"]][-4:] == ["appeal filed"] * 4
    decide_by = (date.today() - timedelta(days=65) + timedelta(days=60)).isoformat()
    assert [(d["kind"], d["due"]) for d in shown["deadlines"]][:1] == [
        ("appeal-response", decide_by)
    ]

    # Meta's 60 days have passed: the complaint to the attorney general and the FTC report.
    result = run(runner, "escalate", "1", "-o", str(letters), "--format", "md", "--json")
    assert [w["kind"] for w in json.loads(result.stdout)["letters"]] == ["complaint-us", "ftc"]
    complaint = (letters / "request-1-complaint-us.md").read_text(encoding="utf-8")
    assert "**To:** Virginia Attorney General, Consumer Protection Section" in complaint
    assert "appealed to Meta" in complaint and "Appeal filed with Meta" in complaint
