import notrain.metadata

PUBLIC = {
    "CATEGORIES",
    "DATA_MINING_VALUES",
    "DATA_MINING_VOCABULARY",
    "DEFAULT_DATA_MINING",
    "DEFAULT_OTHER_CONSTRAINTS",
    "EXIF_ALLOWLIST",
    "AllowedTag",
    "Category",
    "Field",
    "Metadata",
    "MetadataDiff",
    "OutputMetadata",
    "PrivacyOptions",
    "Rights",
    "compose_metadata",
    "diff_metadata",
    "embed_iptc",
    "read_metadata",
}


def test_public_names_are_pinned():
    assert set(notrain.metadata.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(notrain.metadata, name), name
