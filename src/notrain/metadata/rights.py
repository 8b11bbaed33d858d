"""Rights: who owns the photo and the "not for AI training" statement, in every standard.

The same statement goes into each place a reader may look (REFERENCE.md section 2,
checked 2026-11 against IPTC Photo Metadata 2023.1 and W3C TDMRep):

- EXIF ``Artist`` and ``Copyright``, and IPTC-IIM By-line (2:80) and Copyright
  Notice (2:116): the few fields Facebook was seen to keep;
- XMP ``dc:creator``, ``dc:rights``, ``xmpRights:*``, the creator's contact in
  ``Iptc4xmpCore:CreatorContactInfo``;
- XMP ``plus:DataMining`` (the IPTC/PLUS vocabulary URI) and ``plus:OtherConstraints``;
- XMP ``tdm:reservation`` and ``tdm:policy`` when a TDMRep policy URL is given
  (TDMRep defines these for EPUB/PDF and websites; in image XMP they are an extension).

EXIF text is written as UTF-8 in the ASCII-typed tags. EXIF 2.x asks for 7-bit
ASCII, but exiv2, ExifTool, Windows and macOS read UTF-8 there, and transliterating
"Zoë" or dropping "山田太郎" would misname the owner; EXIF 3.0's UTF-8 type is still
unknown to many readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from notrain.errors import OptionError
from notrain.metadata.exif import ExifEntry, ascii_entry
from notrain.metadata.xmp import XmpArray, XmpProperty, XmpStruct, lang_alt

__all__ = [
    "DATA_MINING_VALUES",
    "DATA_MINING_VOCABULARY",
    "DEFAULT_DATA_MINING",
    "DEFAULT_OTHER_CONSTRAINTS",
    "Rights",
    "rights_exif",
    "rights_iim",
    "rights_xmp",
]

DATA_MINING_VOCABULARY = "http://ns.useplus.org/ldf/vocab/"
"""Prefix of every ``plus:DataMining`` value (IPTC Photo Metadata 2023.1)."""

DATA_MINING_VALUES: tuple[str, ...] = (
    "DMI-UNSPECIFIED",
    "DMI-ALLOWED",
    "DMI-PROHIBITED-AIMLTRAINING",
    "DMI-PROHIBITED-GENAIMLTRAINING",
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    "DMI-PROHIBITED",
    "DMI-PROHIBITED-SEECONSTRAINT",
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
)
DEFAULT_DATA_MINING = "DMI-PROHIBITED-AIMLTRAINING"
DEFAULT_OTHER_CONSTRAINTS = (
    "This image may not be used to train, fine-tune or evaluate artificial intelligence "
    "or machine-learning models, generative AI included, without the written permission "
    "of the rights holder."
)

_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
_NS_IPTC = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
_NS_PLUS = "http://ns.useplus.org/ldf/xmp/1.0/"
_NS_TDM = "http://www.w3.org/ns/tdmrep/"

_EMAIL = re.compile(r"^(mailto:)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s<>]+$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Rights:
    """Who owns the photo and what they allow (written by the ``rights_*`` functions).

    Text is stripped and empty text counts as not given. ``copyright`` defaults
    to ``"© {this year} {owner}"`` when an owner is given. ``data_mining`` takes
    one of :data:`DATA_MINING_VALUES` in any case, or its full vocabulary URI.
    """

    owner: str | None = None
    contact: str | None = None
    copyright: str | None = None
    web_statement: str | None = None
    usage_terms: str | None = None
    data_mining: str = DEFAULT_DATA_MINING
    other_constraints: str | None = DEFAULT_OTHER_CONSTRAINTS
    tdm_policy: str | None = None

    def __post_init__(self) -> None:
        for name in (
            "owner",
            "contact",
            "copyright",
            "web_statement",
            "usage_terms",
            "other_constraints",
            "tdm_policy",
        ):
            value = getattr(self, name)
            object.__setattr__(
                self, name, (value.strip() or None) if isinstance(value, str) else value
            )
        if self.copyright is None and self.owner:
            object.__setattr__(self, "copyright", f"© {date.today().year} {self.owner}")
        object.__setattr__(self, "data_mining", _data_mining(self.data_mining))
        if self.contact and not (_EMAIL.match(self.contact) or _URL.match(self.contact)):
            raise OptionError(
                f"contact {self.contact!r} is neither an email address nor a web address",
                hint="Give an email such as ann@example.org or a URL starting with https://.",
            )
        for name, flag in (("web_statement", "--web-statement"), ("tdm_policy", "--tdm-policy")):
            value = getattr(self, name)
            if value and not _URL.match(value):
                raise OptionError(
                    f"{flag} expects a web address, got {value!r}",
                    hint="Give a URL starting with https://.",
                )

    @property
    def data_mining_uri(self) -> str:
        """The full ``plus:DataMining`` value: the vocabulary URI plus the DMI name."""
        return DATA_MINING_VOCABULARY + self.data_mining


def _data_mining(value: str) -> str:
    name = value.strip()
    if name.lower().startswith(DATA_MINING_VOCABULARY):
        name = name[len(DATA_MINING_VOCABULARY) :]
    name = name.upper()
    if name not in DATA_MINING_VALUES:
        raise OptionError(
            f"unknown data-mining value {value!r}; "
            f"expected one of: {', '.join(DATA_MINING_VALUES)}",
            hint=f"Leave it out to use {DEFAULT_DATA_MINING} (no AI or machine-learning training).",
        )
    return name


def rights_exif(rights: Rights) -> list[ExifEntry]:
    """EXIF IFD0 entries: ``Artist`` (the owner) and ``Copyright``."""
    entries = []
    if rights.owner:
        entries.append(ascii_entry(0x013B, rights.owner))
    if rights.copyright:
        entries.append(ascii_entry(0x8298, rights.copyright))
    return entries


def rights_iim(rights: Rights) -> list[tuple[int, int, bytes]]:
    """IPTC-IIM datasets: By-line (2:80) and Copyright Notice (2:116), UTF-8."""
    datasets = []
    if rights.owner:
        datasets.append((2, 80, rights.owner.encode("utf-8")))
    if rights.copyright:
        datasets.append((2, 116, rights.copyright.encode("utf-8")))
    return datasets


def rights_xmp(rights: Rights) -> list[XmpProperty]:
    """XMP: creator, copyright, rights URLs, contact, the data-mining statement, TDMRep."""
    props = []
    if rights.owner:
        props.append(XmpProperty(_NS_DC, "creator", XmpArray("Seq", (rights.owner,))))
    if rights.copyright:
        props.append(XmpProperty(_NS_DC, "rights", lang_alt(rights.copyright)))
    props.append(XmpProperty(_NS_RIGHTS, "Marked", "True"))
    if rights.web_statement:
        props.append(XmpProperty(_NS_RIGHTS, "WebStatement", rights.web_statement))
    if rights.usage_terms:
        props.append(XmpProperty(_NS_RIGHTS, "UsageTerms", lang_alt(rights.usage_terms)))
    if rights.contact:
        field = "CiUrlWork" if _URL.match(rights.contact) else "CiEmailWork"
        contact = rights.contact.removeprefix("mailto:")
        props.append(
            XmpProperty(
                _NS_IPTC, "CreatorContactInfo", XmpStruct((XmpProperty(_NS_IPTC, field, contact),))
            )
        )
    props.append(XmpProperty(_NS_PLUS, "DataMining", rights.data_mining_uri))
    if rights.other_constraints:
        props.append(XmpProperty(_NS_PLUS, "OtherConstraints", lang_alt(rights.other_constraints)))
    if rights.tdm_policy:
        props.append(XmpProperty(_NS_TDM, "reservation", "1"))
        props.append(XmpProperty(_NS_TDM, "policy", rights.tdm_policy))
    return props
