"""XMP packets: parsed into properties, summarised for people, and written back.

XMP is RDF/XML from whoever made the file, so it is parsed with defusedxml with
DTDs and entities refused: a billion-laughs packet is rejected, not expanded.
The model is small on purpose: a property is simple text, an array (``Seq``,
``Bag`` or a language ``Alt``) or a struct; qualifiers other than ``xml:lang`` are
dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import iterparse

from notrain.metadata.tags import shorten

__all__ = [
    "NAMESPACES",
    "XmpArray",
    "XmpDocument",
    "XmpError",
    "XmpProperty",
    "XmpStruct",
    "XmpValue",
    "build_packet",
    "lang_alt",
    "parse_xmp",
    "summarise",
]

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML = "http://www.w3.org/XML/1998/namespace"
_XML_LANG = f"{{{_XML}}}lang"
_META = "adobe:ns:meta/"
_MAX_DEPTH = 16

NAMESPACES: dict[str, tuple[str, str]] = {
    "http://purl.org/dc/elements/1.1/": ("dc", "dc"),
    "http://purl.org/dc/terms/": ("dcterms", "dcterms"),
    "http://ns.adobe.com/xap/1.0/": ("xmp", "xmp"),
    "http://ns.adobe.com/xap/1.0/rights/": ("xmpRights", "xmpRights"),
    "http://ns.adobe.com/xap/1.0/mm/": ("xmpMM", "xmpMM"),
    "http://ns.adobe.com/xap/1.0/bj/": ("xmpBJ", "xmpBJ"),
    "http://ns.adobe.com/xap/1.0/t/pg/": ("xmpTPg", "xmpTPg"),
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/": ("xmpDM", "xmpDM"),
    "http://ns.adobe.com/xmp/note/": ("xmpNote", "xmpNote"),
    "http://ns.adobe.com/pdf/1.3/": ("pdf", "pdf"),
    "http://ns.adobe.com/photoshop/1.0/": ("photoshop", "photoshop"),
    "http://ns.adobe.com/camera-raw-settings/1.0/": ("crs", "crs"),
    "http://ns.adobe.com/lightroom/1.0/": ("lr", "lr"),
    "http://ns.adobe.com/tiff/1.0/": ("tiff", "tiff"),
    "http://ns.adobe.com/exif/1.0/": ("exif", "exif"),
    "http://cipa.jp/exif/1.0/": ("exifEX", "exifEX"),
    "http://ns.adobe.com/exif/1.0/aux/": ("aux", "aux"),
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": ("Iptc4xmpCore", "iptc"),
    "http://iptc.org/std/Iptc4xmpExt/2008-02-29/": ("Iptc4xmpExt", "iptcExt"),
    "http://ns.useplus.org/ldf/xmp/1.0/": ("plus", "plus"),
    "http://www.w3.org/ns/tdmrep/": ("tdm", "tdm"),
    "http://ns.google.com/photos/1.0/panorama/": ("GPano", "GPano"),
    "http://www.metadataworkinggroup.com/schemas/regions/": ("mwg-rs", "mwg-rs"),
    "http://www.metadataworkinggroup.com/schemas/keywords/": ("mwg-kw", "mwg-kw"),
    "http://ns.microsoft.com/photo/1.0/": ("MicrosoftPhoto", "MicrosoftPhoto"),
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": ("stEvt", "stEvt"),
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": ("stRef", "stRef"),
}
"""Namespace URI -> (prefix written in XML, prefix exiv2 uses in keys such as ``Xmp.iptc.City``)."""


class XmpError(ValueError):
    """The packet is not well-formed XML, or it declares a DTD or entities."""


@dataclass(frozen=True)
class XmpStruct:
    """A struct: named fields, each a property of its own namespace."""

    fields: tuple[XmpProperty, ...]


@dataclass(frozen=True)
class XmpArray:
    """An ordered (``Seq``), unordered (``Bag``) or alternative (``Alt``) array.

    ``languages`` runs parallel to ``items`` and holds each item's ``xml:lang``.
    """

    kind: str
    items: tuple[XmpValue, ...]
    languages: tuple[str | None, ...] = ()


XmpValue = str | XmpArray | XmpStruct


@dataclass(frozen=True)
class XmpProperty:
    """One top-level property or struct field."""

    namespace: str
    name: str
    value: XmpValue


@dataclass(frozen=True)
class XmpDocument:
    """The properties of a packet, and the prefixes its author declared for each namespace."""

    properties: tuple[XmpProperty, ...]
    prefixes: Mapping[str, str]

    def key(self, prop: XmpProperty) -> str:
        """The exiv2-style key of a property, such as ``Xmp.plus.DataMining``."""
        known = NAMESPACES.get(prop.namespace)
        prefix = known[1] if known else self.prefixes.get(prop.namespace) or prop.namespace
        return f"Xmp.{prefix}.{prop.name}"


def lang_alt(text: str) -> XmpArray:
    """A language alternative holding ``text`` as its ``x-default`` item."""
    return XmpArray("Alt", (text,), ("x-default",))


def parse_xmp(packet: bytes) -> XmpDocument:
    """Parse an XMP packet; raise :class:`XmpError` when it is malformed or hostile."""
    prefixes: dict[str, str] = {}
    try:
        events = iterparse(
            io.BytesIO(packet.strip(b"\x00 \t\r\n")), events=("start-ns",), forbid_dtd=True
        )
        for _, (prefix, uri) in events:
            prefixes.setdefault(uri, prefix)
        root = events.root
    except (ParseError, defusedxml.DefusedXmlException, UnicodeError, ValueError) as exc:
        raise XmpError(f"unreadable XMP packet: {exc}") from exc
    if root is None:
        raise XmpError("empty XMP packet")
    rdfs = [root] if root.tag == f"{{{RDF}}}RDF" else list(root.iter(f"{{{RDF}}}RDF"))
    properties: dict[tuple[str, str], XmpProperty] = {}
    for rdf in rdfs:
        for description in rdf.iterfind(f"{{{RDF}}}Description"):
            for prop in _fields(description, 0):
                properties.setdefault((prop.namespace, prop.name), prop)
    return XmpDocument(tuple(properties.values()), prefixes)


def _split(tag: str) -> tuple[str, str]:
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


def _fields(element: Element, depth: int) -> list[XmpProperty]:
    fields = []
    for attribute, text in element.attrib.items():
        namespace, name = _split(attribute)
        if namespace and namespace not in (RDF, _XML, _META):
            fields.append(XmpProperty(namespace, name, text))
    for child in element:
        namespace, name = _split(child.tag)
        if namespace and namespace != RDF:
            fields.append(XmpProperty(namespace, name, _value(child, depth + 1)))
    return fields


def _value(element: Element, depth: int) -> XmpValue:
    if depth > _MAX_DEPTH:
        return "…"
    resource = element.get(f"{{{RDF}}}resource")
    if resource is not None:
        return resource
    value = element.find(f"{{{RDF}}}value")
    if value is not None:
        return _value(value, depth + 1)
    if element.get(f"{{{RDF}}}parseType") == "Resource":
        return XmpStruct(tuple(_fields(element, depth)))
    children = list(element)
    if children:
        first = children[0]
        namespace, name = _split(first.tag)
        if namespace == RDF and name in ("Seq", "Bag", "Alt"):
            items = first.findall(f"{{{RDF}}}li")
            values = tuple(_value(item, depth + 1) for item in items)
            languages = tuple(item.get(_XML_LANG) for item in items)
            return XmpArray(name, values, languages if any(languages) else ())
        if namespace == RDF and name == "Description":
            return XmpStruct(tuple(_fields(first, depth)))
        return XmpStruct(tuple(_fields(element, depth)))
    if any(_split(a)[0] not in ("", RDF, _XML) for a in element.attrib):
        return XmpStruct(tuple(_fields(element, depth)))
    return (element.text or "").strip()


def summarise(value: XmpValue) -> str:
    """A short one-line reading of a value: arrays joined, structs as ``field: value`` pairs."""
    return shorten(_summary(value))


def _summary(value: XmpValue) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, XmpStruct):
        return ", ".join(f"{f.name}: {_summary(f.value)}" for f in value.fields)
    if value.kind == "Alt" and value.items:
        default = dict(zip(value.languages, value.items, strict=False)).get(
            "x-default", value.items[0]
        )
        return _summary(default)
    parts = [_summary(item) for item in value.items]
    if all(isinstance(item, str) for item in value.items):
        return "; ".join(parts)
    count = len(parts)
    return f"{count} {'entry' if count == 1 else 'entries'}: " + "; ".join(parts)


_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;"}


def _escape(text: str) -> str:
    return re.sub('[&<>"\r]', lambda m: _ESCAPES[m.group()], _INVALID_XML.sub("", text))


def _namespaces(properties: Iterable[XmpProperty]) -> list[str]:
    found: list[str] = []
    stack = list(properties)
    while stack:
        prop = stack.pop(0)
        if prop.namespace not in found:
            found.append(prop.namespace)
        values = [prop.value]
        while values:
            value = values.pop()
            if isinstance(value, XmpStruct):
                stack.extend(value.fields)
            elif isinstance(value, XmpArray):
                values.extend(value.items)
    return found


def build_packet(properties: Sequence[XmpProperty]) -> bytes | None:
    """A complete, well-formed XMP packet (with the xpacket wrapper) holding ``properties``.

    Returns ``None`` when there are no properties.
    """
    if not properties:
        return None
    prefixes: dict[str, str] = {}
    for number, namespace in enumerate(_namespaces(properties), start=1):
        prefixes[namespace] = NAMESPACES[namespace][0] if namespace in NAMESPACES else f"ns{number}"
    declarations = "".join(f'\n    xmlns:{p}="{_escape(uri)}"' for uri, p in prefixes.items())
    body = "".join(_element(prop, prefixes, 3) for prop in properties)
    text = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="notrain">\n'
        f' <rdf:RDF xmlns:rdf="{RDF}">\n'
        f'  <rdf:Description rdf:about=""{declarations}>\n'
        f"{body}"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return text.encode("utf-8")


def _element(prop: XmpProperty, prefixes: Mapping[str, str], indent: int) -> str:
    tag = f"{prefixes[prop.namespace]}:{prop.name}"
    pad = " " * indent
    value = prop.value
    if isinstance(value, str):
        return f"{pad}<{tag}>{_escape(value)}</{tag}>\n"
    if isinstance(value, XmpStruct):
        inner = "".join(_element(f, prefixes, indent + 1) for f in value.fields)
        return f'{pad}<{tag} rdf:parseType="Resource">\n{inner}{pad}</{tag}>\n'
    return f"{pad}<{tag}>\n{_array(value, prefixes, indent + 1)}{pad}</{tag}>\n"


def _array(array: XmpArray, prefixes: Mapping[str, str], indent: int) -> str:
    pad = " " * indent
    lines = [f"{pad}<rdf:{array.kind}>\n"]
    languages = array.languages or (None,) * len(array.items)
    for item, language in zip(array.items, languages, strict=False):
        lang = f' xml:lang="{_escape(language)}"' if language else ""
        if isinstance(item, str):
            lines.append(f"{pad} <rdf:li{lang}>{_escape(item)}</rdf:li>\n")
        elif isinstance(item, XmpStruct):
            inner = "".join(_element(f, prefixes, indent + 2) for f in item.fields)
            lines.append(f'{pad} <rdf:li{lang} rdf:parseType="Resource">\n{inner}{pad} </rdf:li>\n')
        else:
            lines.append(
                f"{pad} <rdf:li{lang}>\n{_array(item, prefixes, indent + 2)}{pad} </rdf:li>\n"
            )
    lines.append(f"{pad}</rdf:{array.kind}>\n")
    return "".join(lines)
