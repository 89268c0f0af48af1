"""Helpers shared by the training tests."""
import os
import tempfile


def temp_dir():
    """A temporary folder under test/.tmp when it exists (kept out of git), else the system's temp folder."""
    base = os.path.join(os.path.dirname(__file__), "..", "..", "test", ".tmp")
    os.makedirs(base, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="training-", dir=base)
