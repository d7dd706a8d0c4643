"""Where documents' files are kept: var/documents by default, an S3-compatible bucket when
HAVEN_S3_BUCKET is set (the storage is built from the settings, without reaching the store)."""

from __future__ import annotations

from pathlib import Path

from haven.core.env import documents_storage


def test_files_are_kept_under_the_data_directory_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("HAVEN_S3_BUCKET", raising=False)
    config = documents_storage(tmp_path)
    assert config["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert Path(options["location"]) == tmp_path / "documents"
    assert options["base_url"] is None  # no public URL


def test_an_s3_compatible_store_is_used_when_configured(monkeypatch, tmp_path):
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("HAVEN_S3_BUCKET", "council-documents")
    monkeypatch.setenv("HAVEN_S3_ENDPOINT_URL", "https://objects.example.org")
    monkeypatch.setenv("HAVEN_S3_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("HAVEN_S3_SECRET_ACCESS_KEY", "secret")
    config = documents_storage(tmp_path)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    storage = S3Storage(**options)
    assert storage.bucket_name == "council-documents"
    assert storage.endpoint_url == "https://objects.example.org"
    assert storage.default_acl == "private"
    assert storage.file_overwrite is False
    assert storage.location == "documents"
