"""Several IPR agreements in one message: the one that qualifies counts."""

from __future__ import annotations

import pytest

from test_evidence import ipr_pdf
from test_reader import mail

PDF = "application/pdf"


@pytest.mark.parametrize("old_first", [True, False])
def test_an_outdated_and_a_current_agreement_the_current_one_counts(old_first):
    old = ("Acme_IPR_Agreement_v1.3_2024.pdf", PDF, ipr_pdf(version="1.3"))
    new = ("Acme_IPR_Agreement_v1.4_signed.pdf", PDF, ipr_pdf(version="1.4"))
    x = mail("Our IPR agreements are attached.\n", attachments=[old, new] if old_first else [new, old])
    assert x.ipr_agreement is not None
    assert (x.ipr_agreement.filename, x.ipr_agreement.version) == (
        "Acme_IPR_Agreement_v1.4_signed.pdf",
        "1.4",
    )


def test_a_blank_template_beside_the_signed_agreement_the_signed_one_counts():
    blank = ("CABF_IPR_Agreement_v1.4.pdf", PDF, ipr_pdf(signed=False, version="1.4"))
    signed = ("scan_20261126.pdf", PDF, ipr_pdf(version="1.4"))
    x = mail("Attached: the IPR agreement, signed.\n", attachments=[blank, signed])
    assert x.ipr_agreement is not None and x.ipr_agreement.filename == "scan_20261126.pdf"
    assert not x.ipr_agreement.problems


def test_a_signed_outdated_agreement_beats_a_blank_current_template():
    blank = ("CABF_IPR_Agreement_v1.4.pdf", PDF, ipr_pdf(signed=False, version="1.4"))
    old = ("Acme_IPR_v1.3.pdf", PDF, ipr_pdf(version="1.3"))
    x = mail("Attached.\n", attachments=[blank, old])
    assert x.ipr_agreement is not None and x.ipr_agreement.filename == "Acme_IPR_v1.3.pdf"
