"""Reply triage: realistic answers from Meta in eight languages, traps, and saved email files.

Every reply here is written for these tests (none is a real Meta email). Each case names the
label and the language a careful human reader would give it; the evidence must be sentences of
the reply, verbatim.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import FrozenInstanceError
from importlib import resources
from pathlib import Path

import pytest

from notrain.rights.model import LANGUAGES, Status
from notrain.rights.triage import LABELS, Triage, triage

# The package exports the function ``triage``, which hides the module of the same name.
triage_module = importlib.import_module("notrain.rights.triage")

REPLIES = Path(__file__).parent / "replies"

HONOURED = [
    (
        "honoured-en",
        "en",
        """Hi Ann,

Thank you for contacting us. We've reviewed your request and will honour your objection. This
means that going forward, we won't use your information from Facebook and Instagram to develop
and improve generative AI models for AI at Meta.

If you have any other questions, please visit the Privacy Center.

Thanks,
Privacy Operations
Meta""",
    ),
    (
        "honoured-en-short",
        "en",
        (
            "Subject: Your objection has been approved\n\nYour objection has been approved. We "
            "won't use your public posts, photos or comments to develop AI at Meta. You don't need "
            "to send us anything else."
        ),
    ),
    (
        "honoured-de",
        "de",
        """Hallo Lena,

vielen Dank für deine Nachricht. Wir haben deine Anfrage geprüft und werden deinem Widerspruch
nachkommen. Das bedeutet, dass wir deine Informationen von Facebook und Instagram künftig nicht
mehr für die Entwicklung und Verbesserung von generativen KI-Modellen für KI bei Meta verwenden
werden.

Viele Grüße
Das Datenschutzteam von Meta""",
    ),
    (
        "honoured-fr",
        "fr",
        """Bonjour Camille,

Merci de nous avoir contactés. Nous avons examiné votre demande et nous respecterons votre
opposition. Cela signifie que désormais, nous n’utiliserons plus vos informations de Facebook et
d’Instagram pour développer et améliorer les modèles d’IA générative de l’IA chez Meta.

Cordialement,
L’équipe Confidentialité de Meta""",
    ),
    (
        "honoured-es",
        "es",
        """Hola, Lucía:

Gracias por ponerte en contacto con nosotros. Hemos revisado tu solicitud y atenderemos tu
objeción. A partir de ahora, no usaremos tu información de Facebook e Instagram para desarrollar
y mejorar los modelos de IA generativa de IA en Meta.

Saludos,
Equipo de Privacidad de Meta""",
    ),
    (
        "honoured-it",
        "it",
        """Ciao Giulia,

grazie per averci contattato. Abbiamo esaminato la tua richiesta e accoglieremo la tua obiezione.
D'ora in poi non useremo più le tue informazioni di Facebook e Instagram per sviluppare e
migliorare i modelli di IA generativa dell'IA di Meta.

Cordiali saluti,
Il team Privacy di Meta""",
    ),
    (
        "honoured-nl",
        "nl",
        """Hallo Daan,

Bedankt voor je bericht. We hebben je verzoek bekeken en we zullen je bezwaar honoreren. Dit
betekent dat we je informatie van Facebook en Instagram voortaan niet meer gebruiken om
generatieve AI-modellen voor AI bij Meta te ontwikkelen en te verbeteren.

Met vriendelijke groet,
Het privacyteam van Meta""",
    ),
    (
        "honoured-pl",
        "pl",
        """Dzień dobry,

dziękujemy za kontakt. Rozpatrzyliśmy Twój wniosek i uwzględnimy Twój sprzeciw. Oznacza to, że
od teraz nie będziemy wykorzystywać Twoich informacji z Facebooka i Instagrama do rozwijania
i ulepszania modeli generatywnej sztucznej inteligencji w ramach AI w Meta.

Pozdrawiamy
Zespół ds. prywatności Meta""",
    ),
    (
        "honoured-pt-BR",
        "pt-BR",
        """Olá, Ana,

Obrigado por entrar em contato. Analisamos a sua solicitação e vamos respeitar a sua objeção.
Isso significa que, a partir de agora, não usaremos mais suas informações do Facebook e do
Instagram para desenvolver e melhorar os modelos de IA generativa da IA da Meta.

Atenciosamente,
Equipe de Privacidade da Meta""",
    ),
]

REFUSED = [
    (
        "refused-en-impact",
        "en",
        """Hi,

Thank you for contacting us. We've reviewed your request, but you have not provided enough
information to show how this processing impacts you. As a result, we are unable to process your
objection at this time.

Meta Privacy Operations""",
    ),
    (
        "refused-en-third-party",
        "en",
        """Hello,

Based on the information you provided, we were unable to identify any examples of your personal
information in a response from one of our AI models. As a result, we cannot take further action
on your request.

Thanks,
Meta""",
    ),
    (
        "refused-en-interests",
        "en",
        (
            "Dear Mr. Smith,\n\nAfter careful consideration, we have concluded that our legitimate "
            "interests in developing AI at Meta override your interests in this case, e.g. because "
            "the content is public. Therefore we will not be able to honour your objection.\n\nMeta"
        ),
    ),
    (
        "refused-de",
        "de",
        """Hallo Jonas,

vielen Dank für deine Nachricht. Wir haben deinen Widerspruch geprüft, können ihm jedoch leider
nicht nachkommen, da du nicht ausreichend dargelegt hast, wie sich diese Verarbeitung auf dich
auswirkt.

Viele Grüße
Meta""",
    ),
    (
        "refused-de-formal",
        "de",
        (
            "Sehr geehrte Frau Weber,\n\nIhr Widerspruch wurde abgelehnt. Nach Abwägung gem. Art. "
            "21 Abs. 1 DSGVO überwiegen unsere berechtigten Interessen, z. B. an der Verbesserung "
            "unserer Dienste.\n\nMit freundlichen Grüßen\nMeta Platforms Ireland"
        ),
    ),
    (
        "refused-fr",
        "fr",
        """Bonjour,

Nous avons examiné votre demande, mais nous ne sommes pas en mesure d’y donner suite, car vous
n’avez pas fourni suffisamment d’informations pour montrer en quoi ce traitement vous concerne.

L’équipe Meta""",
    ),
    (
        "refused-es",
        "es",
        """Hola:

Hemos revisado tu solicitud, pero no podemos atender tu objeción porque no has proporcionado
suficiente información sobre cómo te afecta este tratamiento.

Equipo de Meta""",
    ),
    (
        "refused-it",
        "it",
        """Gentile utente,

abbiamo esaminato la tua richiesta, ma non siamo in grado di accogliere la tua obiezione in
quanto non hai fornito informazioni sufficienti su come questo trattamento ti riguarda.

Il team di Meta""",
    ),
    (
        "refused-nl",
        "nl",
        """Hallo,

We hebben je bezwaar beoordeeld, maar we kunnen je bezwaar helaas niet honoreren. Je hebt niet
voldoende informatie gegeven over hoe deze verwerking jou raakt.

Met vriendelijke groet,
Meta""",
    ),
    (
        "refused-pl",
        "pl",
        """Dzień dobry,

rozpatrzyliśmy Twój sprzeciw, jednak nie możemy go uwzględnić, ponieważ nie podałeś
wystarczających informacji o tym, jak to przetwarzanie na Ciebie wpływa.

Zespół Meta""",
    ),
    (
        "refused-pt-BR",
        "pt-BR",
        """Olá,

Analisamos a sua solicitação, mas não podemos atender à sua objeção, pois você não forneceu
informações suficientes sobre como esse tratamento afeta você.

Equipe da Meta""",
    ),
]

INFO = [
    (
        "info-en-id",
        "en",
        """Hi,

Thanks for reaching out. Before we can review your objection, we need to confirm your identity.
Please reply to this email with a copy of a government-issued photo ID, such as a passport or
driver's license.

Meta Privacy Operations""",
    ),
    (
        "info-en-screenshots",
        "en",
        """Hello,

To help us look into your request, please provide the prompts you entered and screenshots of the
responses from Meta AI that contain your personal information.

Thank you""",
    ),
    (
        "info-en-conditional",
        "en",
        (
            "We have received your request and cannot honour it at this time unless you provide "
            "more details about how this processing affects you."
        ),
    ),
    (
        "info-de",
        "de",
        """Hallo,

damit wir dein Anliegen bearbeiten können, benötigen wir weitere Informationen. Bitte teile uns
mit, wie sich die Verarbeitung deiner Informationen auf dich auswirkt, und sende uns Screenshots
der betreffenden Inhalte.

Dein Meta-Team""",
    ),
    (
        "info-de-id",
        "de",
        (
            "Hallo, bitte lade eine Kopie deines Personalausweises oder Reisepasses hoch, damit "
            "wir deine Identität bestätigen können. Vielen Dank!"
        ),
    ),
    (
        "info-fr",
        "fr",
        """Bonjour,

Afin de traiter votre demande, nous avons besoin d’informations supplémentaires. Merci de nous
fournir une copie de votre pièce d’identité ainsi que l’adresse e-mail associée à votre compte.

Cordialement,
Meta""",
    ),
    (
        "info-es",
        "es",
        """Hola:

Para poder tramitar tu solicitud, necesitamos más información. Por favor, envíanos capturas de
pantalla de las respuestas de Meta AI que incluyan tu información personal y las indicaciones que
utilizaste.

Gracias,
Meta""",
    ),
    (
        "info-it",
        "it",
        """Ciao,

per poter elaborare la tua richiesta abbiamo bisogno di ulteriori informazioni. Ti preghiamo di
fornirci una copia di un documento d'identità valido.

Il team di Meta""",
    ),
    (
        "info-nl",
        "nl",
        """Hallo,

Om je verzoek te kunnen behandelen, hebben we meer informatie nodig. Kun je ons screenshots
sturen van de antwoorden van Meta AI waarin je persoonlijke gegevens voorkomen?

Met vriendelijke groet,
Meta""",
    ),
    (
        "info-pl",
        "pl",
        """Dzień dobry,

aby rozpatrzyć Twoje zgłoszenie, potrzebujemy dodatkowych informacji. Prosimy o przesłanie
zrzutów ekranu odpowiedzi Meta AI, które zawierają Twoje dane osobowe.

Zespół Meta""",
    ),
    (
        "info-pt-BR",
        "pt-BR",
        """Olá,

Para darmos andamento à sua solicitação, precisamos de mais informações. Por favor, envie uma
cópia de um documento de identidade com foto.

Equipe da Meta""",
    ),
]

ACKNOWLEDGED = [
    (
        "ack-en",
        "en",
        """Subject: We received your request

Hi Ann,

We have received your request. Your ticket number is 1187-442-9901. This is an automated
message, so please do not reply to this email. We will review your request and get back to you.

Meta Privacy""",
    ),
    (
        "ack-de",
        "de",
        """Hallo,

vielen Dank für deine Anfrage. Wir haben deine Anfrage erhalten und werden sie so schnell wie
möglich bearbeiten. Deine Vorgangsnummer lautet 734019826.

Dies ist eine automatisch generierte E-Mail. Bitte antworte nicht darauf.""",
    ),
    (
        "ack-fr",
        "fr",
        """Bonjour,

Nous avons bien reçu votre demande et nous reviendrons vers vous dans les meilleurs délais.
Numéro de dossier : 55120984.

Ceci est un message automatique, merci de ne pas y répondre.""",
    ),
    (
        "ack-es",
        "es",
        (
            "Hemos recibido tu solicitud. Número de caso: 4417-2231. Este es un mensaje "
            "automático; no respondas a este correo. Revisaremos tu solicitud y nos pondremos en "
            "contacto contigo."
        ),
    ),
    (
        "ack-it",
        "it",
        (
            "Abbiamo ricevuto la tua richiesta. Questo è un messaggio automatico. Numero di "
            "riferimento: 99120045. Esamineremo la tua richiesta il prima possibile."
        ),
    ),
    (
        "ack-nl",
        "nl",
        (
            "We hebben je verzoek ontvangen. Dit is een automatisch bericht. Je referentienummer "
            "is 30044817. We nemen zo snel mogelijk contact met je op."
        ),
    ),
    (
        "ack-pl",
        "pl",
        (
            "Dziękujemy za kontakt. Otrzymaliśmy Twoje zgłoszenie. Numer zgłoszenia: 70021553. To "
            "jest wiadomość wygenerowana automatycznie, prosimy na nią nie odpowiadać."
        ),
    ),
    (
        "ack-pt-BR",
        "pt-BR",
        (
            "Recebemos a sua solicitação. Número do protocolo: 2025-0098812. Esta é uma mensagem "
            "automática. Analisaremos a sua solicitação e entraremos em contato com você."
        ),
    ),
]

UNRELATED = [
    (
        "unrelated-en-login",
        "en",
        """Subject: New login to Instagram from Chrome on Windows

Hi ann.example,

We noticed a new login to your account from a device we don't recognise. If this was you, you
can ignore this message. If this wasn't you, secure your account.""",
    ),
    (
        "unrelated-en-password",
        "en",
        (
            "Someone requested a password reset for your Facebook account. If you didn't request a "
            "new password, you can ignore this email and your password will stay the same."
        ),
    ),
    (
        "unrelated-de-login",
        "de",
        (
            "Neue Anmeldung bei deinem Facebook-Konto. Wir haben eine Anmeldung von einem neuen "
            "Gerät festgestellt. Warst du das? Falls nicht, ändere bitte dein Passwort."
        ),
    ),
    (
        "unrelated-fr-newsletter",
        "fr",
        (
            "Découvrez les nouveautés d'Instagram ce mois-ci : des Reels plus longs et de nouveaux "
            "filtres pour vos photos. Vous recevez cet e-mail parce que vous êtes abonné à nos "
            "actualités. Se désabonner."
        ),
    ),
    (
        "unrelated-es-password",
        "es",
        (
            "Hemos recibido una solicitud para restablecer la contraseña de tu cuenta de Facebook. "
            "Si no fuiste tú, no hagas nada."
        ),
    ),
    (
        "unrelated-it-login",
        "it",
        (
            "Nuovo accesso al tuo account Instagram da Firefox su Linux. Sei stato tu? Se non sei "
            "stato tu, ti consigliamo di cambiare la password."
        ),
    ),
    (
        "unrelated-nl-code",
        "nl",
        (
            "Je bevestigingscode voor Facebook is 492817. Was jij dit niet? Dan kun je deze e-mail "
            "negeren."
        ),
    ),
    (
        "unrelated-pl-code",
        "pl",
        (
            "Twój kod bezpieczeństwa do Facebooka to 583920. Jeśli to nie Ty prosiłeś o kod, "
            "zignoruj tę wiadomość."
        ),
    ),
    (
        "unrelated-pt-BR-login",
        "pt-BR",
        (
            "Novo login na sua conta do Instagram pelo Safari no iPhone. Foi você? Se não foi "
            "você, altere a sua senha."
        ),
    ),
]

UNCLEAR = [
    (
        "unclear-en-contradiction",
        "en",
        (
            "Your objection has been approved. However, we are unable to honour your objection for "
            "content posted before 2024."
        ),
    ),
    ("unclear-en-hedge", "en", "We can't confirm that your objection has been approved yet."),
    (
        "unclear-en-nothing",
        "en",
        "Hello, regarding your request, please find the attached letter.\n\nKind regards\nMeta",
    ),
    ("unclear-mojibake", "unknown", "WÃ¶ hÃ¤ben Ã¼ber dÃ¨n ### ??? Ã¢â‚¬â„¢ Ã©Ã©Ã©"),
    (
        "unclear-de-truncated",
        "de",
        "Hallo, wir haben deinen Widerspruch geprüft und",
    ),
    (
        "unclear-fr-honoured-and-id",
        "fr",
        (
            "Votre opposition a été acceptée. Merci de nous envoyer une copie de votre pièce "
            "d'identité pour l'appliquer à votre compte."
        ),
    ),
    (
        "unclear-en-login-with-ai",
        "en",
        (
            "We noticed a new login to your account. Learn how your information is used for AI at "
            "Meta in the Privacy Center."
        ),
    ),
    ("unclear-ok", "unknown", "OK"),
    (
        "unclear-es-studying",
        "es",
        "Sobre tu objeción a la IA en Meta: la estamos estudiando con el equipo y te diremos algo.",
    ),
    (
        "unclear-pt-BR-hedge",
        "pt-BR",
        "Não podemos confirmar que não usaremos suas informações para a IA da Meta.",
    ),
]

CASES = (
    [(c, "honoured") for c in HONOURED]
    + [(c, "refused") for c in REFUSED]
    + [(c, "info-requested") for c in INFO]
    + [(c, "acknowledgement") for c in ACKNOWLEDGED]
    + [(c, "unrelated") for c in UNRELATED]
    + [(c, "unclear") for c in UNCLEAR]
)
TEXT = {name: text for (name, _, text), _ in CASES}


@pytest.mark.parametrize(("case", "label"), CASES, ids=[c[0][0] for c in CASES])
def test_label_language_and_evidence(case: tuple[str, str, str], label: str) -> None:
    _, language, text = case
    result = triage(text)
    assert result.label == label, result.evidence
    assert result.language == language
    for sentence in result.evidence:
        assert sentence in text
        assert sentence == sentence.strip() and sentence
    if label != "unclear":
        assert result.evidence, "a label needs sentences that justify it"


def test_every_class_has_five_cases_and_all_languages_appear() -> None:
    for cases in (HONOURED, REFUSED, INFO, ACKNOWLEDGED, UNRELATED):
        assert len(cases) >= 5
    assert len(UNCLEAR) >= 6
    for cases in (HONOURED, REFUSED, INFO, ACKNOWLEDGED):
        assert {language for _, language, _ in cases} == set(LANGUAGES)


@pytest.mark.parametrize(
    ("label", "status"),
    [
        ("honoured", Status.HONOURED),
        ("refused", Status.REFUSED),
        ("info-requested", Status.INFO_REQUESTED),
        ("acknowledgement", Status.ACKNOWLEDGED),
        ("unrelated", None),
        ("unclear", None),
    ],
)
def test_status_follows_the_label(label: str, status: Status | None) -> None:
    for (_, _, text), case_label in CASES:
        if case_label == label:
            assert triage(text).status == status


def test_evidence_for_the_chosen_label() -> None:
    result = triage(TEXT["honoured-en"])
    assert result.confidence == "high"
    assert result.evidence == (
        "We've reviewed your request and will honour your objection.",
        (
            "This\nmeans that going forward, we won't use your information from Facebook and "
            "Instagram to develop\nand improve generative AI models for AI at Meta."
        ),
    )


def test_line_wrapped_sentences_are_kept_whole() -> None:
    result = triage(TEXT["honoured-de"])  # wrapped at 100 columns
    assert "Wir haben deine Anfrage geprüft und werden deinem Widerspruch\nnachkommen." in (
        result.evidence
    )


def test_abbreviations_do_not_end_sentences() -> None:
    result = triage(TEXT["refused-de-formal"])
    assert any(s.startswith("Nach Abwägung gem. Art. 21 Abs. 1 DSGVO") for s in result.evidence)
    result = triage(TEXT["refused-en-interests"])
    assert any(
        s.startswith("After careful consideration") and "e.g. because" in s for s in result.evidence
    )


# --- negation and precedence -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("We will not be able to honour your objection.", "refused"),
        ("Unfortunately we won't be able to honour your request.", "refused"),
        ("Your objection has not been approved.", "refused"),
        ("Votre opposition n'a pas été acceptée.", "refused"),
        ("Dein Widerspruch wurde nicht angenommen.", "refused"),
        ("Wir werden deinem Widerspruch nicht nachkommen.", "refused"),
        ("La tua obiezione non è stata accolta.", "refused"),
        ("Je bezwaar is niet gehonoreerd.", "refused"),
        ("Twój sprzeciw nie został uwzględniony.", "refused"),
        ("A sua objeção não foi aceita.", "refused"),
        ("Tu objeción no ha sido aceptada.", "refused"),
        ("We have decided not to honour your objection.", "refused"),
        ("Nous ne respecterons pas votre opposition.", "refused"),
        ("No atenderemos tu objeción.", "refused"),
        ("Non accoglieremo la tua obiezione.", "refused"),
        ("We zullen je bezwaar niet honoreren.", "refused"),
        ("Nie uwzględnimy Twojego sprzeciwu.", "refused"),
        ("Não vamos respeitar a sua objeção.", "refused"),
        ("We have not received any objection from this email address.", "unclear"),
        ("We cannot confirm that we won't use your information.", "unclear"),
        ("No podemos confirmar que no usaremos tu información.", "unclear"),
        ("This is not an automated message.", "unclear"),
        (
            (
                "You do not need to send us an ID or any further information. We will honour your "
                "objection."
            ),
            "honoured",
        ),
        ("Du musst keinen Ausweis schicken. Wir kommen deinem Widerspruch nach.", "honoured"),
        (
            (
                "Wir haben deinen Widerspruch erhalten. Du musst uns keine weiteren Informationen "
                "senden."
            ),
            "acknowledgement",
        ),
        (
            "Hemos recibido tu solicitud. No necesitas enviarnos ningún documento de identidad.",
            "acknowledgement",
        ),
        ("We will honour your objection if you confirm your email address.", "info-requested"),
    ],
)
def test_negation(text: str, label: str) -> None:
    assert triage(text).label == label


def test_a_hedged_honour_is_shown_as_evidence() -> None:
    text = "We can't confirm that your objection has been approved yet."
    result = triage(text)
    assert (result.label, result.confidence, result.evidence) == ("unclear", "low", (text,))


def test_conflict_shows_both_sides() -> None:
    result = triage(TEXT["unclear-en-contradiction"])
    assert result.evidence == (
        "Your objection has been approved.",
        "However, we are unable to honour your objection for content posted before 2024.",
    )
    assert result.status is None and "could not tell" in result.next_step


def test_refusal_outranks_a_request_for_information() -> None:
    text = (
        "We considered your request but we cannot honour your objection. Please provide more "
        "details if you want to submit a new request."
    )
    result = triage(text)
    assert (result.label, result.confidence) == ("refused", "medium")
    assert result.evidence == ("We considered your request but we cannot honour your objection.",)
    assert "also asks for more information" in result.next_step


def test_a_conditional_refusal_is_a_request_for_information() -> None:
    result = triage(TEXT["info-en-conditional"])
    assert result.label == "info-requested"
    assert result.status is Status.INFO_REQUESTED


def test_a_decision_outranks_the_acknowledgement_around_it() -> None:
    text = (
        "We have received your request. This is an automated message. Case number: 1234-5678. We "
        "are unable to process your objection because it does not meet our requirements."
    )
    result = triage(text)
    assert result.label == "refused"
    assert result.reference == "1234-5678"


def test_an_extension_is_an_acknowledgement_with_its_own_status() -> None:
    text = (
        "We need more time to respond to your request because of the number of requests we have "
        "received. We will extend the period for our response by two further months, as permitted "
        "by Article 12(3) GDPR."
    )
    result = triage(text)
    assert result.label == "acknowledgement"
    assert result.status is Status.EXTENDED
    assert "two further months" in result.next_step


def test_unrelated_needs_positive_cues_and_no_objection_vocabulary() -> None:
    assert triage(TEXT["unrelated-en-login"]).label == "unrelated"
    assert (
        triage(TEXT["unclear-en-login-with-ai"]).label == "unclear"
    )  # a login alert that talks about AI at Meta
    assert triage("Hello there, how are you?").label == "unclear"


# --- quoted history and signatures -------------------------------------------------------------


def test_quoted_objection_below_the_reply_does_not_sway_it() -> None:
    text = """We have received your request. Your ticket number is 1187-442-9901.

On Mon, 2 Jun 2025 at 10:14, Ann Example <ann@example.org>
wrote:
> I object to the processing of my personal data for AI at Meta.
> Please provide confirmation that you will honour my objection,
> and do not use my photos. We will honour your objection, I hope.
"""
    result = triage(text)
    assert result.label == "acknowledgement"
    assert not any("object" in s for s in result.evidence)


def test_unmarked_history_after_a_german_header_is_ignored() -> None:
    text = """Vielen Dank für deine Nachricht. Wir haben deine Anfrage erhalten.

Am 02.06.2025 um 10:14 schrieb Lena Beispiel <lena@example.org>:

Ich widerspreche der Nutzung meiner Daten. Bitte sende mir eine Bestätigung. Ihr werdet meinem
Widerspruch nachkommen.
"""
    result = triage(text)
    assert result.label == "acknowledgement"
    assert result.language == "de"


def test_outlook_history_and_signature_are_ignored() -> None:
    text = """Thank you for contacting us. We have received your objection.

--
Meta Privacy Operations
We will honour your objection.

-----Original Message-----
From: Ann Example
Sent: Monday, 2 June 2025 10:14
I object. Please provide an answer. Your objection has been approved.
"""
    assert triage(text).label == "acknowledgement"
    outlook = """Thank you for contacting us. We have received your objection.

________________________________
From: Ann Example <ann@example.org>
Sent: Monday, 2 June 2025 10:14
To: Meta Privacy
I object. Please provide an answer. Your objection has been approved.
"""
    assert triage(outlook).label == "acknowledgement"


def test_a_forwarded_reply_is_read() -> None:
    text = """FYI, see below.

---------- Forwarded message ---------
From: Meta Privacy <privacy@example.com>
Date: Mon, 2 Jun 2025 at 10:14
Subject: Your objection

We've reviewed your request and will honour your objection.
"""
    assert triage(text).label == "honoured"


def test_quoted_reply_inline_below_the_quote_is_read() -> None:
    text = """On Mon, 2 Jun 2025, Ann <ann@example.org> wrote:
> I object to the use of my photos.

Thank you. Your objection has been approved and we won't use your information for AI at Meta.
"""
    assert triage(text).label == "honoured"


# --- references, language, result object --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Your ticket number is 1187-442-9901.", "1187-442-9901"),
        ("Deine Vorgangsnummer lautet 734019826.", "734019826"),
        ("Numéro de dossier : 55120984.", "55120984"),
        ("Número do protocolo: 2025-0098812.", "2025-0098812"),
        ("Subject: [Case #88812345] Your request", "88812345"),
        ("In case you need help, visit the Help Center.", ""),
        ("Your request of 2 June has been received.", ""),
    ],
)
def test_reference(text: str, reference: str) -> None:
    assert triage(text).reference == reference


def test_result_is_frozen_and_next_steps_are_specific() -> None:
    result = triage(TEXT["refused-en-impact"])
    with pytest.raises(FrozenInstanceError):
        result.label = "honoured"  # type: ignore[misc]
    assert isinstance(result, Triage) and result.label in LABELS
    assert "Art. 12(4)" in result.next_step and "notrain escalate REQUEST" in result.next_step
    assert "complain" in result.next_step
    identity = triage(TEXT["info-en-id"]).next_step
    assert "ID" in identity and "more than necessary" in identity
    assert "ID document" not in triage(TEXT["info-en-screenshots"]).next_step
    assert "one month" in triage(TEXT["ack-en"]).next_step
    assert "1187-442-9901" in triage(TEXT["ack-en"]).next_step
    for (_, _, text), _ in CASES:
        step = triage(text).next_step
        assert step and step.count(". ") <= 2


def test_only_the_start_of_a_huge_text_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(triage_module, "MAX_TRIAGE_CHARS", 2_000)
    filler = "Lorem ipsum dolor sit amet. " * 100
    assert triage(filler + "We will honour your objection.").label == "unclear"
    assert triage("We will honour your objection. " + filler).label == "honoured"


def test_empty_and_whitespace_text_is_unclear() -> None:
    for text in ("", "   \n\n", "> I object to everything\n"):
        result = triage(text)
        assert (result.label, result.language, result.evidence) == ("unclear", "unknown", ())


def test_phrase_data_is_well_formed() -> None:
    data = json.loads(
        resources.files("notrain").joinpath("data", "rights", "triage.json").read_text("utf-8")
    )
    for name, table in data["cues"].items():
        assert set(table) == set(LANGUAGES), name
    for key in ("objection", "conditional", "negation", "stopwords"):
        assert set(data[key]) == set(LANGUAGES), key
    assert triage_module._rules().cues  # every regex compiles


def test_the_next_step_cites_the_gdpr_only_where_it_applies():
    refusal = "We are unable to honour your objection."
    assert "Art. 12(4) GDPR" in triage(refusal).next_step
    assert "GDPR" in triage(refusal, regime="uk-gdpr").next_step
    for regime in ("us-state", "lgpd", "fadp"):
        result = triage(refusal, regime=regime)
        assert result.label == "refused" and "GDPR" not in result.next_step
        assert "notrain escalate" in result.next_step
    receipt = triage("We have received your request.", regime="us-state")
    assert receipt.label == "acknowledgement" and "legal deadline" in receipt.next_step


def test_a_receipt_with_a_conditional_refusal_asks_for_information():
    result = triage(
        "Thanks for reaching out. We have received your request and will review it. "
        "Unless you provide further details we may not be able to honour it."
    )
    assert result.label == "info-requested"
    assert result.evidence == (
        "Unless you provide further details we may not be able to honour it.",
    )
