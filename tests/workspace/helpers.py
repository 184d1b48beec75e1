"""Shared bits of the workspace tests: reading pages as a user reads them."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.samples import PDF, PNG  # noqa: F401 - the workspace tests' sample files


def png(name="ban-quet.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def text(response) -> str:
    """The visible text of an HTML response, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(content)
        out = subprocess.run([shutil.which("pdftotext"), "-layout", str(path), "-"],
                             capture_output=True, check=True, text=True).stdout
    return re.sub(r"\s+", " ", out)


def pdf_pages(content: bytes) -> int:
    """The number of pages, as ``pdfinfo`` reads it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(content)
        out = subprocess.run([shutil.which("pdfinfo"), str(path)],
                             capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
