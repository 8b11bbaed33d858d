import notrain

PUBLIC = {
    "BatchResult", "CorruptFileError", "Database", "FileResult", "ImageTooLargeError", "InputError",
    "Inspection", "NotrainError", "OptionError", "OutputError", "OutputExistsError", "Plan",
    "ProtectOptions", "StoreError", "Survival", "UnsupportedFormatError", "__version__",
    "inspect_photo", "protect_batch", "protect_file",
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
