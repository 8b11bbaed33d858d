"""Escalation letters: which letters a request needs, and what each one says, in every language."""

from __future__ import annotations

import itertools
import json
import re
import socket
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest

from notrain.errors import NotrainError, OptionError
from notrain.rights.deadlines import deadlines
from notrain.rights.documents import md_escape as escape_markdown
from notrain.rights.escalation import NothingToEscalate, escalation_letters
from notrain.rights.letters import LETTER_KINDS, letter
from notrain.rights.model import LANGUAGES, Authority, Event, Jurisdiction, Request, Status
from notrain.rights.templates import long_date

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "notrain" / "templates" / "rights"
NAME = "Zoë Łukasiewicz-Øre 李小龍 *bold*"


def md_escape(text: str) -> str:
    """How the letters escape what a person typed: literal, on one line."""
    return escape_markdown(text, inline=True)


JURISDICTIONS = {
    "gdpr": Jurisdiction(
        code="DE-BY",
        name="Bavaria",
        regime="gdpr",
        can_object=True,
        law="Art. 21(1) GDPR",
        response_months=1,
        extension_months=2,
        authorities=("debaylda",),
        language="de",
    ),
    "uk-gdpr": Jurisdiction(
        code="GB",
        name="United Kingdom",
        regime="uk-gdpr",
        can_object=True,
        law="Art. 21(1) UK GDPR",
        response_months=1,
        extension_months=2,
        authorities=("gbico",),
    ),
    "fadp": Jurisdiction(
        code="CH",
        name="Switzerland",
        regime="fadp",
        can_object=True,
        law="Art. 30(2)(b) FADP",
        response_months=1,
        authorities=("chedoeb",),
        language="de",
    ),
    "lgpd": Jurisdiction(
        code="BR",
        name="Brazil",
        regime="lgpd",
        can_object=True,
        law="Art. 18 §2 LGPD",
        response_days=15,
        authorities=("branpd",),
        language="pt-BR",
    ),
    "us-state": Jurisdiction(
        code="US-CA",
        name="California",
        regime="us-state",
        can_object=False,
        law="California Consumer Privacy Act (CCPA/CPRA)",
        response_days=45,
        extension_days=45,
        authorities=("uscppa", "uscaag"),
    ),
    "us-va": Jurisdiction(
        code="US-VA",
        name="Virginia",
        regime="us-state",
        can_object=False,
        law="Virginia Consumer Data Protection Act",
        response_days=45,
        extension_days=45,
        appeal_days=60,
        appeal_law="Va. Code § 59.1-577(C)",
        authorities=("usvaag",),
    ),
    "us": Jurisdiction(
        code="US",
        name="United States",
        regime="us",
        can_object=False,
        law="none",
    ),
    "none": Jurisdiction(
        code="JP",
        name="Japan",
        regime="none",
        can_object=False,
        law="none",
        alternatives=("Make your posts visible to friends only.",),
    ),
}

BAYLDA = Authority(
    slug="debaylda",
    name="Bayerisches Landesamt für Datenschutzaufsicht",
    country="DE-BY",
    address="Promenade 18\n91522 Ansbach\nGermany",
    email="poststelle@lda.bayern.de",
    complaint_form="https://www.lda.bayern.de/de/beschwerde.html",
    complaint_language="de",
)
ICO = Authority(
    slug="gbico",
    name="The Information Commissioner’s Office",
    country="GB",
    address="Wycliffe House\nWater Lane\nWilmslow\nCheshire\nSK9 5AF\nUnited Kingdom",
    complaint_form="https://ico.org.uk/make-a-complaint/",
    complaint_language="en",
)
CPPA = Authority(
    slug="uscppa",
    name="California Privacy Protection Agency",
    country="US-CA",
    address="400 R Street, Suite 350\nSacramento, CA 95811\nUSA",
    complaint_form="https://cppa.ca.gov/webapplications/complaint",
    complaint_language="en",
)
CA_AG = Authority(
    slug="uscaag",
    name="California Attorney General",
    country="US-CA",
    address="P.O. Box 944255\nSacramento, CA 94244-2550\nUSA",
    complaint_language="en",
)
VA_AG = Authority(
    slug="usvaag",
    name="Office of the Attorney General of Virginia",
    country="US-VA",
    address="202 North Ninth Street\nRichmond, VA 23219\nUSA",
    complaint_language="en",
)
AUTHORITIES = {
    "gdpr": BAYLDA,
    "uk-gdpr": ICO,
    "fadp": Authority(
        slug="chedoeb",
        name="Eidgenössischer Datenschutz- und Öffentlichkeitsbeauftragter",
        country="CH",
        address="Feldeggweg 1\n3003 Bern\nSwitzerland",
        complaint_language="de",
    ),
    "lgpd": Authority(
        slug="branpd",
        name="Autoridade Nacional de Proteção de Dados",
        country="BR",
        address="Setor Comercial Norte, Quadra 6\nBrasília – DF\nBrasil",
        complaint_language="pt-BR",
    ),
    "us-state": CPPA,
    "us-va": VA_AG,
    "us": None,
    "none": None,
}


def request(regime: str, *events: Event, language: str = "en", **fields: object) -> Request:
    values: dict[str, object] = {
        "id": 12,
        "kind": "deletion" if regime.startswith("us") else "objection",
        "jurisdiction": JURISDICTIONS[regime].code,
        "platforms": ("facebook", "instagram"),
        "device": "android",
        "name": NAME,
        "email": "zoe_l@example.org",
        "language": language,
        "reason": "I draw for a living.\n# not a heading",
        "events": events,
    }
    values.update(fields)
    return Request(**values)  # type: ignore[arg-type]


def ev(status: Status | None, on: date, **fields: str) -> Event:
    return Event(status=status, on=on, **fields)


SUBMITTED = ev(Status.SUBMITTED, date(2026, 1, 31), note="sent with the *form*")
ACK = ev(Status.ACKNOWLEDGED, date(2026, 2, 2), reference="CASE-7_77")
EXTENDED = ev(Status.EXTENDED, date(2026, 2, 20))
REMINDED = ev(Status.REMINDED, date(2026, 3, 10))
REFUSED = ev(
    Status.REFUSED,
    date(2026, 3, 20),
    reply="We have reviewed your objection and will continue to process your information "
    "because our legitimate interests are not overridden. [link](https://x) " * 5,
)
HONOURED = ev(Status.HONOURED, date(2026, 2, 15))
APPEALED = ev(Status.APPEALED, date(2026, 3, 25), note="sent through the *privacy* form")
APPEAL_DENIED = ev(
    Status.REFUSED,
    date(2026, 4, 20),
    reply="We have reviewed your appeal and our decision stands. [details](https://x)",
    reference="APPEAL_9",
)

SCENARIOS: dict[str, dict[str, tuple[Event, ...]]] = {
    "reminder": {
        "silent": (SUBMITTED,),
        "acknowledged": (SUBMITTED, ACK, EXTENDED),
        "refused": (SUBMITTED, REFUSED),
    },
    "complaint": {
        "silent": (SUBMITTED, ACK),
        "reminded": (SUBMITTED, ACK, REMINDED),
        "refused": (SUBMITTED, ACK, REMINDED, REFUSED),
    },
    "complaint-ico": {
        "silent": (SUBMITTED, REMINDED),
        "refused-before": (SUBMITTED, ev(Status.REFUSED, date(2026, 2, 20)), REMINDED),
        "refused-after": (SUBMITTED, ACK, REMINDED, REFUSED),
        "answered": (SUBMITTED, REMINDED, ev(Status.INFO_REQUESTED, date(2026, 3, 12))),
    },
    "deletion-request": {"draft": (), "submitted": (SUBMITTED,)},
    "appeal": {"refused": (SUBMITTED, ACK, REFUSED), "silent": (SUBMITTED, ACK, EXTENDED)},
    "complaint-us": {
        "silent": (SUBMITTED, ACK, EXTENDED),
        "refused": (SUBMITTED, REFUSED),
        "appeal denied": (SUBMITTED, REFUSED, APPEALED, APPEAL_DENIED),
        "appeal unanswered": (SUBMITTED, ACK, APPEALED),
    },
    "ftc": {"draft": (), "silent": (SUBMITTED,), "refused": (SUBMITTED, REFUSED)},
}
REGIMES = {
    "reminder": ("gdpr", "uk-gdpr", "fadp", "lgpd"),
    "complaint": ("gdpr", "fadp", "lgpd"),
    "complaint-ico": ("uk-gdpr",),
    "deletion-request": ("us-state", "us-va"),
    "appeal": ("us-va",),
    "complaint-us": ("us-state", "us-va"),
    "ftc": ("us-state", "us"),
}
CASES = [
    (kind, regime, scenario)
    for kind, regimes in REGIMES.items()
    for regime in regimes
    for scenario in SCENARIOS[kind]
]


def write(kind: str, regime: str, events: tuple[Event, ...], language: str, today: date):
    req = request(regime, *events, language=language)
    jurisdiction = JURISDICTIONS[regime]
    return letter(
        kind,
        request=req,
        jurisdiction=jurisdiction,
        authority=AUTHORITIES[regime],
        today=today,
        language=language,
    )


def unescape(text: str) -> str:
    """CommonMark's backslash escapes, read back independently of md_escape."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def test_the_regimes_tested_are_the_regimes_served():
    served = {kind: set(regimes) for kind, regimes in LETTER_KINDS.items()}
    tested = {kind: {JURISDICTIONS[r].regime for r in regimes} for kind, regimes in REGIMES.items()}
    assert tested == served


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize(("kind", "regime", "scenario"), CASES)
def test_every_letter_renders_in_every_language(kind, regime, scenario, language):
    document = write(kind, regime, SCENARIOS[kind][scenario], language, date(2026, 7, 2))
    text = document.markdown
    assert document.kind == kind
    assert document.language == language
    assert text.startswith("# ") and document.title and "\\" not in document.title
    for leftover in ("{{", "}}", "{%", "%}", "{#", "#}", "None", "Undefined"):
        assert leftover not in text, leftover
    assert "\n\n\n" not in text
    assert md_escape(NAME) in text
    assert "李小龍 *bold*" not in text
    assert document.recipient
    assert document.send_to or any("by post" in note for note in document.notes)
    lines = text.splitlines()
    for line in lines:
        assert not line.startswith((" ", "\t")), line
        assert not re.match(r"#{3,}", line), line
    for above, below in itertools.pairwise(lines):
        if above and below:
            assert above.startswith("- ") and below.startswith("- "), (above, below)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_status_has_a_timeline_label_in_every_language(language):
    events = tuple(
        ev(status, date(2026, 2, 1 + i), note=f"step {i}") for i, status in enumerate(Status)
    ) + (ev(None, date(2026, 3, 1), note="a plain note"),)
    document = write("complaint", "gdpr", events, language, date(2026, 7, 2))
    items = [line for line in document.markdown.splitlines() if line.startswith("- **")]
    assert len(items) == len(Status) + 1
    labels = [re.sub(r"^- \*\*.+?\*\*\W*", "", item).split(" – ")[0] for item in items]
    assert len(set(labels)) == len(labels), labels


def test_complaint_has_the_authority_the_law_and_the_whole_timeline_in_order():
    shuffled = (REFUSED, SUBMITTED, REMINDED, ACK)
    document = write("complaint", "gdpr", shuffled, "en", date(2026, 7, 2))
    text = document.markdown
    assert "Bayerisches Landesamt für Datenschutzaufsicht" in text
    assert "Promenade 18, 91522 Ansbach, Germany" in text
    assert "Art. 21(1) GDPR" in text
    assert "CASE-7\\_77" in text
    timeline = text.split("## Timeline", 1)[1].split("##", 1)[0]
    dates = ["31 January 2026", "2 February 2026", "10 March 2026", "20 March 2026"]
    positions = [timeline.index(f"**{d}**") for d in dates]
    assert positions == sorted(positions)
    assert "Meta refused the request" in timeline
    assert "sent with the \\*form\\*" in timeline
    assert "Irish Data Protection Commission (DPC)" in text
    assert "Article 56" in text and "forward it" in text
    assert document.recipient == (
        "Bayerisches Landesamt für Datenschutzaufsicht\nPromenade 18\n91522 Ansbach\nGermany"
    )
    assert document.send_to == "https://www.lda.bayern.de/de/beschwerde.html"


def test_german_complaint_cites_the_gdpr_in_german_with_german_dates():
    document = write("complaint", "gdpr", (SUBMITTED, ACK, REMINDED), "de", date(2026, 7, 2))
    text = document.markdown
    assert (
        document.title == "Beschwerde nach Art. 77 DSGVO gegen die Meta Platforms Ireland Limited"
    )
    assert "Art. 21 Abs. 1 DSGVO" in text
    for day in ("31. Januar 2026", "2. Februar 2026", "10. März 2026"):
        assert f"**{day}**" in text
    assert "Erinnerung an Meta gesendet" in text
    assert "irische Data Protection Commission (DPC)" in text


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_gdpr_complaint_names_the_irish_dpc_as_lead_authority(language):
    text = write("complaint", "gdpr", (SUBMITTED,), language, date(2026, 7, 2)).markdown
    assert "Data Protection Commission" in text and "(DPC)" in text
    assert re.search(r"\b56\b", text) and re.search(r"\b60\b", text)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_only_the_gdpr_complaint_mentions_the_dpc(language):
    for regime in ("fadp", "lgpd"):
        text = write("complaint", regime, (SUBMITTED,), language, date(2026, 7, 2)).markdown
        assert "DPC" not in text
    assert "EDÖB" in write("complaint", "fadp", (SUBMITTED,), "de", date(2026, 7, 2)).markdown
    assert "ANPD" in write("complaint", "lgpd", (SUBMITTED,), "pt-BR", date(2026, 7, 2)).markdown


def test_an_unusual_name_renders_intact_and_escaped():
    document = write("complaint", "gdpr", (SUBMITTED,), "en", date(2026, 7, 2))
    text = document.markdown
    assert "Zoë Łukasiewicz-Øre 李小龍 \\*bold\\*" in text
    assert text.rstrip().endswith("Zoë Łukasiewicz-Øre 李小龍 \\*bold\\*")
    assert "I draw for a living. # not a heading" in text  # flattened: no longer a heading
    assert not any(line.startswith("# not") for line in text.splitlines())


@pytest.mark.parametrize(
    "hostile",
    [
        "# heading",
        "- item",
        "+ item",
        "1. item",
        "12) item",
        "---",
        "===",
        "**bold** and _it_",
        "[link](https://example.org) ![img](x.png)",
        "`code` and <b>html</b> | pipe ~strike~",
        "back\\slash\\*",
        "two\nlines\r\n\n# and a heading\u2028- and a list",
        "Zoë Łukasiewicz-Øre 李小龍 مرحبا 🙂",
    ],
)
def test_md_escape_keeps_the_text_and_neutralises_markdown(hostile):
    escaped = md_escape(hostile)
    assert "\n" not in escaped and "\r" not in escaped and "\u2028" not in escaped
    flat = " ".join(re.split(r"\s*[\r\n\u2028]+\s*", hostile.strip()))
    assert unescape(escaped) == flat
    # Inline markup must be escaped anywhere; "#", ">" and "|" only mean something at the start
    # of a line (or in a table), and the value is flattened onto one line.
    unescaped_specials = re.findall(r"(?<!\\)(?:\\\\)*[*_`\[\]<~]", escaped)
    assert not unescaped_specials, unescaped_specials
    assert not re.match(r"([-+=]|\d+[.)])", escaped)


def test_md_escape_leaves_plain_text_alone():
    assert (
        md_escape("Zoë Łukasiewicz-Øre 李小龍, 31.01.2026")
        == "Zoë Łukasiewicz-Øre 李小龍, 31.01.2026"
    )


# Which letters: EU/EEA, Switzerland, Brazil


def escalate(regime: str, *events: Event, today: date, language: str = "en", **fields):
    req = request(regime, *events, language=language, **fields)
    jurisdiction = JURISDICTIONS[regime]
    authorities = {
        "us-state": [CPPA, CA_AG],
        "us-va": [VA_AG],
        "us": [],
        "none": [],
    }.get(regime, [AUTHORITIES[regime]])
    return escalation_letters(
        request=req,
        jurisdiction=jurisdiction,
        authorities=authorities,
        today=today,
    )


def kinds(documents) -> list[str]:
    return [d.kind for d in documents]


@pytest.mark.parametrize("regime", ["gdpr", "fadp", "lgpd"])
def test_an_overdue_request_gets_a_reminder_to_meta_first(regime):
    documents = escalate(regime, SUBMITTED, today=date(2026, 3, 5))
    assert kinds(documents) == ["reminder"]
    reminder = documents[0]
    assert reminder.recipient.startswith(
        "Facebook Serviços Online do Brasil Ltda."
        if regime == "lgpd"
        else "Meta Platforms Ireland Limited"
    )
    assert "19 March 2026" in reminder.markdown
    assert any("2026-03-19" in note and "complaint" in note for note in reminder.notes)


def test_a_long_overdue_request_goes_straight_to_the_authority():
    assert kinds(escalate("gdpr", SUBMITTED, today=date(2026, 4, 1))) == ["complaint"]


def test_a_refusal_goes_to_the_authority_at_once():
    documents = escalate("gdpr", SUBMITTED, REFUSED, today=date(2026, 3, 21))
    assert kinds(documents) == ["complaint"]
    assert documents[0].language == "de"
    assert "Meta hat den Antrag abgelehnt" in documents[0].markdown


def test_an_unanswered_reminder_leads_to_the_complaint_after_two_weeks():
    with pytest.raises(NothingToEscalate) as waiting:
        escalate("gdpr", SUBMITTED, REMINDED, today=date(2026, 3, 15))
    assert waiting.value.possible_from == date(2026, 3, 24)
    assert "2026-03-24" in str(waiting.value)
    documents = escalate("gdpr", SUBMITTED, REMINDED, today=date(2026, 3, 24))
    assert kinds(documents) == ["complaint"]
    assert "Am 10. März 2026 habe ich Meta erinnert" in documents[0].markdown


def test_a_request_within_its_deadline_has_nothing_to_escalate():
    with pytest.raises(NothingToEscalate) as early:
        escalate("gdpr", SUBMITTED, ACK, today=date(2026, 2, 27))
    assert early.value.possible_from == date(2026, 3, 1)
    assert early.value.hint and "2026-03-01" in early.value.hint


def test_an_extension_moves_the_date_escalation_becomes_possible():
    with pytest.raises(NothingToEscalate) as early:
        escalate("gdpr", SUBMITTED, EXTENDED, today=date(2026, 3, 5))
    assert early.value.possible_from == date(2026, 4, 29)


def test_an_honoured_request_has_nothing_to_escalate():
    with pytest.raises(NothingToEscalate, match="honoured"):
        escalate("gdpr", SUBMITTED, HONOURED, today=date(2026, 6, 1))
    assert issubclass(NothingToEscalate, NotrainError)


def test_an_unsent_request_or_a_question_from_meta_has_nothing_to_escalate():
    with pytest.raises(NothingToEscalate, match="not been submitted"):
        escalate("gdpr", today=date(2026, 6, 1))
    asked = ev(Status.INFO_REQUESTED, date(2026, 2, 10))
    with pytest.raises(NothingToEscalate, match="more information"):
        escalate("gdpr", SUBMITTED, asked, today=date(2026, 6, 1))


def test_a_filed_complaint_points_to_the_authoritys_three_months():
    filed = ev(Status.COMPLAINED, date(2026, 4, 1))
    with pytest.raises(NothingToEscalate) as done:
        escalate("gdpr", SUBMITTED, REFUSED, filed, today=date(2026, 5, 1))
    assert done.value.possible_from == date(2026, 7, 1)
    assert "78(2)" in str(done.value)


# UK: the ICO's first-contact step


def test_uk_without_prior_contact_gets_the_concern_letter_first():
    documents = escalate("uk-gdpr", SUBMITTED, today=date(2026, 3, 5))
    assert kinds(documents) == ["reminder"]
    text = documents[0].markdown
    assert documents[0].recipient.startswith("Meta Platforms, Inc.")
    assert "Information Commissioner's Office" in text
    assert "Article 12(3) UK GDPR" in text
    assert "5 April 2026" in text


def test_uk_refusal_without_prior_contact_still_gets_the_concern_letter_first():
    assert kinds(escalate("uk-gdpr", SUBMITTED, REFUSED, today=date(2026, 3, 21))) == ["reminder"]


def test_uk_within_the_deadline_has_nothing_to_escalate():
    with pytest.raises(NothingToEscalate):
        escalate("uk-gdpr", SUBMITTED, today=date(2026, 2, 20))


def test_uk_waits_a_month_after_the_concern():
    with pytest.raises(NothingToEscalate) as waiting:
        escalate("uk-gdpr", SUBMITTED, REMINDED, today=date(2026, 3, 20))
    assert waiting.value.possible_from == date(2026, 4, 10)


def test_uk_after_the_concern_gets_the_ico_complaint_with_dates():
    documents = escalate("uk-gdpr", SUBMITTED, ACK, REMINDED, today=date(2026, 4, 20))
    assert kinds(documents) == ["complaint-ico"]
    document = documents[0]
    text = document.markdown
    assert document.recipient.startswith("The Information Commissioner’s Office\nWycliffe House")
    assert document.send_to == "https://ico.org.uk/make-a-complaint/"
    assert "On 10 March 2026 I raised my concern with Meta" in text
    assert "last meaningful contact with Meta was on 10 March 2026" in text
    assert "within three months" in text
    assert "Meta Platforms, Inc." in text
    assert document.notes == ()


def test_uk_refusal_of_the_concern_allows_the_complaint_at_once():
    refused_again = ev(Status.REFUSED, date(2026, 3, 15), reply="No.")
    documents = escalate("uk-gdpr", SUBMITTED, REMINDED, refused_again, today=date(2026, 3, 16))
    assert kinds(documents) == ["complaint-ico"]
    assert "On 15 March 2026 Meta refused again" in documents[0].markdown


def test_uk_complaint_after_three_months_is_written_with_a_warning():
    documents = escalate("uk-gdpr", SUBMITTED, REMINDED, today=date(2026, 6, 20))
    document = documents[0]
    assert document.kind == "complaint-ico"
    assert "within three months" not in document.markdown
    assert any("three months" in note and "2026-03-10" in note for note in document.notes)


def test_the_ico_complaint_needs_the_first_contact_step():
    req = request("uk-gdpr", SUBMITTED)
    with pytest.raises(OptionError, match="raise your concern"):
        letter(
            "complaint-ico",
            request=req,
            jurisdiction=JURISDICTIONS["uk-gdpr"],
            authority=ICO,
            today=date(2026, 4, 1),
        )


# US


def test_california_without_a_deletion_request_gets_one_and_the_ftc_report():
    documents = escalate("us-state", today=date(2026, 3, 1), kind="objection")
    assert kinds(documents) == ["deletion-request", "ftc"]
    deletion, ftc = documents
    assert deletion.recipient.startswith(
        "Meta Platforms, Inc.\nATTN: Privacy Operations\n1 Meta Way"
    )
    assert "California Consumer Privacy Act (CCPA/CPRA)" in deletion.markdown
    assert "1798.105(c)" in deletion.markdown
    assert "45 days" in deletion.markdown and "15 April 2026" in deletion.markdown
    assert "not asking you to delete my account" in deletion.markdown
    assert ftc.recipient.startswith("Federal Trade Commission")
    assert ftc.send_to == "https://reportfraud.ftc.gov/"


def test_california_overdue_deletion_goes_to_the_cppa_and_the_ftc():
    documents = escalate("us-state", SUBMITTED, ACK, today=date(2026, 3, 18))
    assert kinds(documents) == ["complaint-us", "ftc"]
    complaint, ftc = documents
    assert complaint.recipient.startswith("California Privacy Protection Agency")
    assert complaint.send_to == "https://cppa.ca.gov/webapplications/complaint"
    assert "California Privacy Protection Agency" in complaint.markdown
    assert "17 March 2026" in complaint.markdown
    assert "**31 January 2026**" in complaint.markdown
    assert "Section 5 of the FTC Act" in ftc.markdown


def test_california_deletion_within_45_days_has_nothing_to_escalate():
    with pytest.raises(NothingToEscalate) as early:
        escalate("us-state", SUBMITTED, today=date(2026, 3, 10))
    assert early.value.possible_from == date(2026, 3, 18)


def test_a_refused_deletion_in_california_goes_to_the_cppa_at_once():
    documents = escalate("us-state", SUBMITTED, REFUSED, today=date(2026, 3, 21))
    assert kinds(documents) == ["complaint-us", "ftc"]
    assert documents[0].recipient.startswith("California Privacy Protection Agency")
    assert "appeal" not in documents[0].markdown
    deletion = write("deletion-request", "us-va", (), "en", date(2026, 3, 1)).markdown
    assert "appeal" in deletion and "1798.105" not in deletion


def test_a_refused_deletion_in_virginia_is_appealed_to_meta_first():
    documents = escalate("us-va", SUBMITTED, ACK, REFUSED, today=date(2026, 3, 21))
    assert kinds(documents) == ["appeal"]
    (appeal,) = documents
    assert appeal.recipient.startswith("Meta Platforms, Inc.\nATTN: Privacy Operations")
    text = appeal.markdown
    assert appeal.title == "Appeal under Va. Code § 59.1-577(C): my request of 31 January 2026"
    assert "Virginia Consumer Data Protection Act" in text
    assert "On 20 March 2026 you refused." in text and "legitimate interests" in text
    assert "CASE-7\\_77" in text
    assert "within 60 days of receiving it, that is by 20 May 2026" in text
    assert "Office of the Attorney General of Virginia" in text
    assert "extend" not in text  # Virginia allows no extension of the appeal period
    assert any("--status appeal-filed" in note and "2026-05-20" in note for note in appeal.notes)


def test_virginia_silence_is_appealed_once_the_45_days_have_passed():
    with pytest.raises(NothingToEscalate) as early:
        escalate("us-va", SUBMITTED, ACK, today=date(2026, 3, 10))
    assert early.value.possible_from == date(2026, 3, 18)
    (appeal,) = escalate("us-va", SUBMITTED, ACK, today=date(2026, 3, 18))
    assert appeal.kind == "appeal"
    assert "failure to act on" in appeal.markdown
    assert "respond by 17 March 2026" in appeal.markdown and "silence" in appeal.markdown


def test_after_the_appeal_nothing_until_meta_s_60_days_end_then_the_attorney_general():
    events = (SUBMITTED, REFUSED, APPEALED)
    with pytest.raises(NothingToEscalate) as waiting:
        escalate("us-va", *events, today=date(2026, 5, 24))
    assert waiting.value.possible_from == date(2026, 5, 25)
    assert "appeal" in waiting.value.message
    documents = escalate("us-va", *events, today=date(2026, 5, 25))
    assert kinds(documents) == ["complaint-us", "ftc"]
    complaint = documents[0]
    assert complaint.recipient.startswith("Office of the Attorney General of Virginia")
    text = complaint.markdown
    assert "On 20 March 2026 Meta refused." in text
    assert "On 25 March 2026 I appealed to Meta, as Va. Code § 59.1-577(C) provides." in text
    assert "decide on my appeal by 24 May 2026" in text
    timeline = text.split("## Timeline", 1)[1]
    assert "**25 March 2026**: Appeal filed with Meta – sent through the \\*privacy\\* form" in (
        timeline
    )


def test_a_denied_appeal_goes_to_the_attorney_general_at_once():
    events = (SUBMITTED, REFUSED, APPEALED, APPEAL_DENIED)
    documents = escalate("us-va", *events, today=date(2026, 4, 21))
    assert kinds(documents) == ["complaint-us", "ftc"]
    text = documents[0].markdown
    assert "On 20 March 2026 Meta refused." in text
    assert "On 20 April 2026 Meta denied my appeal." in text
    assert "our decision stands. \\[details\\](https://x)" in text
    assert "decide on my appeal by" not in text
    assert "APPEAL\\_9" in text


def test_the_appeal_letter_is_only_for_states_whose_law_has_one():
    req = request("us-state", SUBMITTED, REFUSED)
    with pytest.raises(OptionError, match="no appeal"):
        letter(
            "appeal",
            request=req,
            jurisdiction=JURISDICTIONS["us-state"],
            authority=CPPA,
            today=date(2026, 3, 21),
        )


def test_a_colorado_appeal_names_the_45_days_and_the_60_day_extension():
    colorado = Jurisdiction(
        code="US-CO", name="Colorado", regime="us-state", can_object=False,
        law="Colorado Privacy Act", response_days=45, extension_days=45, appeal_days=45,
        appeal_extension_days=60, appeal_law="C.R.S. § 6-1-1306(3)", authorities=("usvaag",),
    )  # fmt: skip
    req = request("us-va", SUBMITTED, REFUSED, jurisdiction="US-CO")
    for language in LANGUAGES:
        text = letter(
            "appeal", request=req, jurisdiction=colorado, authority=None,
            today=date(2026, 3, 21), language=language,
        ).markdown  # fmt: skip
        assert "6-1-1306(3)" in text and re.search(r"\b45\b", text), language
        assert re.search(r"\b60\b", text), language
        assert long_date(date(2026, 5, 5), language) in text, language  # 21 March + 45 days


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_appeal_cites_the_provision_the_request_and_its_dates(language):
    document = write("appeal", "us-va", (SUBMITTED, ACK, REFUSED), language, date(2026, 3, 21))
    text = document.markdown
    assert "59.1-577(C)" in document.title and "59.1-577(C)" in text
    for day in (date(2026, 1, 31), date(2026, 3, 20), date(2026, 5, 20)):
        assert long_date(day, language) in text, day
    assert "CASE-7\\_77" in text
    assert "Office of the Attorney General of Virginia" in text
    assert document.recipient.startswith("Meta Platforms, Inc.")


def test_the_us_gets_the_ftc_report_and_an_honest_note():
    documents = escalate("us", today=date(2026, 3, 1), kind="objection")
    assert kinds(documents) == ["ftc"]
    assert any("no opt-out" in note for note in documents[0].notes)
    assert "live in the United States" in documents[0].markdown


def test_nowhere_to_escalate_is_an_option_error_with_alternatives():
    with pytest.raises(OptionError) as nowhere:
        escalate("none", SUBMITTED, today=date(2026, 6, 1))
    assert "no data protection authority" in nowhere.value.message
    assert nowhere.value.hint == "Make your posts visible to friends only."


# Language, recipients, misuse


CNIL = Authority(
    slug="frcnil",
    name="CNIL",
    country="FR",
    address="3 Place de Fontenoy\n75334 Paris",
    complaint_form="https://www.cnil.fr/fr/plaintes",
    complaint_language="fr",
)
IMY = Authority(
    slug="sedi",
    name="Integritetsskyddsmyndigheten",
    country="SE",
    address="Box 8114\n104 20 Stockholm\nSweden",
    email="imy@imy.se",
    complaint_language="sv",
)


def complaint_to(authority: Authority, language: str, asked: str | None = None):
    req = request("gdpr", SUBMITTED, language=language)
    return letter(
        "complaint",
        request=req,
        jurisdiction=JURISDICTIONS["gdpr"],
        authority=authority,
        today=date(2026, 7, 2),
        language=asked,
    )


def test_a_letter_to_a_french_authority_is_written_in_french():
    document = complaint_to(CNIL, "de")
    assert document.language == "fr"
    assert document.markdown.startswith("# Réclamation")
    assert any("Français" in note and "--language de" in note for note in document.notes)


def test_a_letter_to_a_swedish_authority_falls_back_to_the_request_language():
    document = complaint_to(IMY, "de")
    assert document.language == "de"
    assert document.markdown.startswith("# Beschwerde")
    assert any("'sv'" in note for note in document.notes)
    assert document.send_to == "imy@imy.se"
    assert complaint_to(IMY, "sv").language == "en"


def test_an_explicit_language_wins_and_a_portuguese_authority_gets_brazilian_portuguese():
    assert complaint_to(CNIL, "de", asked="it").language == "it"
    cnpd = Authority(
        slug="ptcnpd", name="CNPD", country="PT", address="Lisboa", complaint_language="pt"
    )
    assert complaint_to(cnpd, "en").language == "pt-BR"


def test_letters_to_meta_are_in_the_request_language_whatever_the_authority():
    req = request("gdpr", SUBMITTED, language="nl")
    document = letter(
        "reminder",
        request=req,
        jurisdiction=JURISDICTIONS["gdpr"],
        authority=CNIL,
        today=date(2026, 3, 5),
    )
    assert document.language == "nl"
    assert document.send_to.startswith("https://www.facebook.com/help/contact/")


def test_letters_refuse_the_wrong_place_or_kind():
    req = request("gdpr", SUBMITTED)
    common = {"request": req, "today": date(2026, 7, 2)}
    with pytest.raises(OptionError, match="Unknown letter"):
        letter("love-letter", jurisdiction=JURISDICTIONS["gdpr"], authority=BAYLDA, **common)
    with pytest.raises(OptionError, match="not written for"):
        letter("complaint-ico", jurisdiction=JURISDICTIONS["gdpr"], authority=BAYLDA, **common)
    with pytest.raises(OptionError, match="needs the authority"):
        letter("complaint", jurisdiction=JURISDICTIONS["gdpr"], authority=None, **common)
    unsent = request("gdpr")
    with pytest.raises(OptionError, match="never submitted"):
        letter(
            "reminder",
            request=unsent,
            jurisdiction=JURISDICTIONS["gdpr"],
            authority=None,
            today=date(2026, 7, 2),
        )


def test_a_template_in_the_home_folder_wins(tmp_path: Path):
    own = tmp_path / "templates" / "rights" / "en"
    own.mkdir(parents=True)
    (own / "reminder.md.j2").write_text("# My own reminder to {{ controller.name }}\n", "utf-8")
    req = request("gdpr", SUBMITTED)
    document = letter(
        "reminder",
        request=req,
        jurisdiction=JURISDICTIONS["gdpr"],
        authority=None,
        today=date(2026, 3, 5),
        home=tmp_path,
    )
    assert document.markdown == "# My own reminder to Meta Platforms Ireland Limited\n"


def test_escalation_never_touches_the_network(monkeypatch: pytest.MonkeyPatch):
    def refuse(*args, **kwargs):
        raise AssertionError("notrain tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert escalate("us-state", SUBMITTED, ACK, today=date(2026, 3, 18))
    assert escalate("gdpr", SUBMITTED, REFUSED, today=date(2026, 3, 21))


# Data and templates


def test_controller_facts_have_a_source_and_a_checked_date():
    text = resources.files("notrain").joinpath("data", "rights", "controllers.json").read_text()
    data = json.loads(text)
    regimes = set()
    for entry in [*data["controllers"].values(), *data["agencies"].values()]:
        assert entry["source"] and all(url.startswith("https://") for url in entry["source"])
        assert date.fromisoformat(entry["checked"]) <= date.today()
        assert entry["name"] and entry["address"]
        regimes.update(entry.get("regimes", ()))
    served = {regime for served in LETTER_KINDS.values() for regime in served}
    assert served <= regimes


def test_every_language_has_every_letter_template():
    names = {f"{kind}.md.j2" for kind in LETTER_KINDS} | {"_status.j2"}
    for language in LANGUAGES:
        present = {p.name for p in (TEMPLATES / language).iterdir()}
        assert names <= present, (language, names - present)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_template_line_loses_its_line_break(language):
    """With trim_blocks, a line ending in an inline tag swallows its newline unless the tag
    ends with ``+%}``; paragraphs would then run together."""
    for kind in LETTER_KINDS:
        for number, line in enumerate(
            (TEMPLATES / language / f"{kind}.md.j2").read_text().splitlines()
        ):
            stripped = line.strip()
            standalone = stripped.startswith("{%") and stripped.count("{%") == 1
            if stripped.endswith("%}") and not standalone:
                assert stripped.endswith("+%}"), f"{language}/{kind}.md.j2:{number + 1}"


def test_escalation_can_be_asked_for_one_language():
    req = request("gdpr", SUBMITTED, REFUSED, language="fr")
    documents = escalation_letters(
        request=req,
        jurisdiction=JURISDICTIONS["gdpr"],
        authorities=[BAYLDA],
        today=date(2026, 3, 21),
        language="en",
    )
    assert [d.language for d in documents] == ["en"]
    assert documents[0].notes == ()


# One set of rules: escalate writes exactly when the deadlines say a step has come.

_SCENARIOS = {
    "silent": (SUBMITTED,),
    "acknowledged": (SUBMITTED, ACK),
    "extended": (SUBMITTED, EXTENDED),
    "reminded": (SUBMITTED, REMINDED),
    "refused": (SUBMITTED, REFUSED),
    "reminded then refused": (SUBMITTED, REMINDED, REFUSED),
    "early reminder": (SUBMITTED, ev(Status.REMINDED, date(2026, 2, 10))),
    "same-day refusal and concern": (
        SUBMITTED,
        ev(Status.REFUSED, date(2026, 2, 20)),
        ev(Status.REMINDED, date(2026, 2, 20)),
    ),
    "appealed": (SUBMITTED, REFUSED, APPEALED),
    "appeal after silence": (SUBMITTED, ACK, ev(Status.APPEALED, date(2026, 3, 20))),
    "appeal denied": (SUBMITTED, REFUSED, APPEALED, APPEAL_DENIED),
    "appeal extended": (SUBMITTED, REFUSED, APPEALED, ev(Status.EXTENDED, date(2026, 4, 1))),
}


@pytest.mark.parametrize("regime", ["gdpr", "uk-gdpr", "fadp", "lgpd", "us-state", "us-va"])
@pytest.mark.parametrize("scenario", sorted(_SCENARIOS))
def test_escalation_follows_the_deadlines_day_by_day(regime, scenario):
    events = _SCENARIOS[scenario]
    req = request(regime, *events)
    jurisdiction = JURISDICTIONS[regime]
    steps = [
        d for d in deadlines(req, jurisdiction) if d.kind in ("reminder", "appeal", "complaint")
    ]
    day = date(2026, 1, 31)
    while day <= date(2026, 9, 30):
        due = {d.kind for d in steps if d.due <= day}
        try:
            letters = kinds(escalate(regime, *events, today=day))
        except NothingToEscalate as exc:
            assert not due, (day, due)
            assert exc.possible_from is None or exc.possible_from > day
        else:
            assert due, (day, letters)
            expected = {
                "complaint": {"gdpr": ["complaint"], "fadp": ["complaint"], "lgpd": ["complaint"],
                              "uk-gdpr": ["complaint-ico"], "us-state": ["complaint-us", "ftc"],
                              "us-va": ["complaint-us", "ftc"]},
                "appeal": {"us-va": ["appeal"]},
                "reminder": {r: ["reminder"] for r in ("gdpr", "fadp", "lgpd", "uk-gdpr")},
            }[next(k for k in ("complaint", "appeal", "reminder") if k in due)][regime]  # fmt: skip
            assert letters == expected, (day, letters)
        day += timedelta(days=9)


def test_an_irish_resident_is_not_asked_to_forward_to_the_dpc_itself():
    dpc = Authority(
        slug="iedpc", name="Data Protection Commission", country="IE",
        address="21 Fitzwilliam Square South\nDublin 2\nD02 RD28\nIreland", complaint_language="en",
    )  # fmt: skip
    req = request("gdpr", SUBMITTED, REFUSED)
    for language in LANGUAGES:
        text = letter(
            "complaint", request=req, jurisdiction=JURISDICTIONS["gdpr"], authority=dpc,
            today=date(2026, 4, 1), language=language,
        ).markdown  # fmt: skip
        assert "Art. 60" not in text and "art. 60" not in text, language
