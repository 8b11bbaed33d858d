import notrain

PUBLIC = {
    "BatchResult",
    "CorruptFileError",
    "Database",
    "FileResult",
    "ImageTooLargeError",
    "InputError",
    "Inspection",
    "NotrainError",
    "OptionError",
    "OutputError",
    "OutputExistsError",
    "Plan",
    "ProtectOptions",
    "StoreError",
    "Survival",
    "UnsupportedFormatError",
    "__version__",
    "inspect_photo",
    "protect_batch",
    "protect_file",
}


def test_public_names_are_pinned():
    assert set(notrain.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(notrain, name), name


def test_every_error_has_one_root():
    for name in PUBLIC:
        obj = getattr(notrain, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, notrain.NotrainError), name


RIGHTS = {
    "DEVICES", "LANGUAGES", "PLATFORMS", "REGIMES", "ROLES", "Authority", "Deadline", "Document",
    "Due", "Event", "Fact", "Guidance", "Jurisdiction", "MissingGlyphs", "NothingToEscalate",
    "Request", "RequestNotFound", "Status", "TemplateProblem", "Triage", "add_event", "add_months",
    "authorities_for", "authority", "create_request", "deadlines", "deadlines_calendar", "due",
    "escalation_letters", "fact", "facts_for", "get_request", "guide", "history_document",
    "jurisdiction", "letter", "list_requests", "load_facts", "parse_status", "read_reply",
    "reason_text", "receipt_date", "record", "response_due", "stale_facts", "supported",
    "to_markdown", "to_pdf", "to_text", "triage", "write_calendar", "write_document",
}  # fmt: skip


def test_rights_public_names_are_pinned_and_errors_have_one_root():
    from notrain import rights

    assert set(rights.__all__) == RIGHTS
    for name in RIGHTS:
        obj = getattr(rights, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, notrain.NotrainError), name


def test_audit_public_names_are_pinned_and_resolve():
    from notrain import audit

    assert set(audit.__all__) == {
        "AccountFacts", "Export", "ExportFileError", "Exports", "Exposure", "Inventory", "Location",
        "MediaItem", "MediaKind", "Problem", "audit_export", "build", "hash_originals",
        "match_originals", "read_facebook", "read_instagram", "render_html", "summary",
        "thumbnailer", "write_report",
    }  # fmt: skip
    for name in audit.__all__:
        obj = getattr(audit, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, notrain.NotrainError), name
