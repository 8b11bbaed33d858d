from xml.dom import minidom

import pytest

from notrain.metadata.xmp import (
    XmpArray,
    XmpError,
    XmpProperty,
    XmpStruct,
    build_packet,
    lang_alt,
    parse_xmp,
    summarise,
)

DC = "http://purl.org/dc/elements/1.1/"
IPTC = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
ODD = "http://example.org/odd/"

PROPERTIES = [
    XmpProperty(DC, "creator", XmpArray("Seq", ("Zoë Ångström", "山田太郎"))),
    XmpProperty(DC, "rights", lang_alt('© <Ann & "Bob"> ]]>')),
    XmpProperty(DC, "subject", XmpArray("Bag", ("a", "b"))),
    XmpProperty(
        IPTC, "CreatorContactInfo", XmpStruct((XmpProperty(IPTC, "CiEmailWork", "a@b.org"),))
    ),
    XmpProperty(ODD, "Nested", XmpArray("Seq", (XmpStruct((XmpProperty(ODD, "when", "now"),)),))),
]


def test_packet_round_trips():
    packet = build_packet(PROPERTIES)
    assert packet.startswith(b'<?xpacket begin="\xef\xbb\xbf"') and packet.endswith(
        b'<?xpacket end="w"?>'
    )
    minidom.parseString(packet)
    assert parse_xmp(packet).properties == tuple(PROPERTIES)


def test_text_that_xml_cannot_hold_is_dropped_not_fatal():
    packet = build_packet([XmpProperty(DC, "title", lang_alt("bell\x07 and\r\nnull\x00"))])
    minidom.parseString(packet)
    (prop,) = parse_xmp(packet).properties
    assert prop.value.items == ("bell and\r\nnull",)


def test_nothing_to_write():
    assert build_packet([]) is None


def test_reads_every_rdf_shape():
    packet = b"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" xmlns:o="http://example.org/odd/">
 <rdf:Description rdf:about="" xmpRights:Marked="True">
  <xmpRights:WebStatement rdf:resource="https://example.org/rights"/>
  <o:Shorthand o:a="1" o:b="2"/>
  <o:Described><rdf:Description o:c="3"/></o:Described>
  <o:Qualified rdf:parseType="Resource"><rdf:value>plain</rdf:value></o:Qualified>
 </rdf:Description>
 <rdf:Description rdf:about=""><dc:format>image/jpeg</dc:format></rdf:Description>
</rdf:RDF>
<?xpacket end="w"?>\x00\x00\x00"""
    document = parse_xmp(packet)
    values = {document.key(p): p.value for p in document.properties}
    assert values["Xmp.xmpRights.Marked"] == "True"
    assert values["Xmp.xmpRights.WebStatement"] == "https://example.org/rights"
    assert values["Xmp.o.Shorthand"] == XmpStruct(
        (XmpProperty(ODD, "a", "1"), XmpProperty(ODD, "b", "2"))
    )
    assert values["Xmp.o.Described"] == XmpStruct((XmpProperty(ODD, "c", "3"),))
    assert values["Xmp.dc.format"] == "image/jpeg"
    assert values["Xmp.o.Qualified"] == "plain"


def test_summaries():
    assert summarise(XmpArray("Seq", ("a", "b"))) == "a; b"
    assert summarise(XmpArray("Alt", ("de", "en"), ("de", "x-default"))) == "en"
    assert (
        summarise(XmpArray("Seq", (XmpStruct((XmpProperty(ODD, "k", "v"),)),))) == "1 entry: k: v"
    )
    assert len(summarise("x" * 500)) == 120


def test_deep_nesting_is_cut_not_recursed_forever():
    depth = 5000
    body = '<o:n rdf:parseType="Resource">' * depth + "x" + "</o:n>" * depth
    packet = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:o="http://example.org/odd/">'
        f'<rdf:Description rdf:about="">{body}</rdf:Description></rdf:RDF>'
    ).encode()
    (prop,) = parse_xmp(packet).properties
    assert "…" in summarise(prop.value)


@pytest.mark.parametrize("packet", [b"", b"<a>", b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'])
def test_bad_packets_raise_xmp_error(packet):
    with pytest.raises(XmpError):
        parse_xmp(packet)
