"""The département's check of an association's capacity (art. D.221-37), as the tests give it."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def evidence(content: bytes = PDF, name: str = "rapport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def capacity_fields(**extra) -> dict:
    """The capacity check's fields of the convention form, both points ticked, checked yesterday."""
    return {
        "capacity_individual_project": "on",
        "capacity_mentor_support": "on",
        "capacity_checked_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "capacity_evidence": evidence(),
        **extra,
    }


def capacity_check(**extra) -> dict:
    """The `capacity_check` argument of `convention_save`."""
    return {
        "evidence": evidence(),
        "checked_on": datetime.date.today() - datetime.timedelta(days=1),
        "individual_project": True,
        "mentor_support": True,
        **extra,
    }
