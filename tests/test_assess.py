from intake_bot.assess import assess
from intake_bot.fields import empty, fold

COMPLETE_CONSUMER = {
    **empty(),
    "category": "certificate_consumer",
    "organization_name": "Example",
    "website_url": "https://example.test",
    "ipr_agreement": {"filename": "ipr.pdf", "sha256": "0" * 64, "size": 1},
    "representatives": [{"name": "A", "email": "a@example.test", "voting": True}],
    "emergency_contact": {"name": None, "email": "sec@example.test", "phone": None},
}


def test_unknown_category_assesses_everyones_items():
    assert assess(empty()).missing == (
        "category",
        "organization_name",
        "website_url",
        "ipr_agreement",
        "representatives",
        "emergency_contact",
    )


def test_complete_consumer():
    assert assess(COMPLETE_CONSUMER).complete


def test_issuer_also_needs_audit_and_certificates():
    f = {**COMPLETE_CONSUMER, "category": "certificate_issuer"}
    assert assess(f).missing == ("audit_report_url", "certificate_evidence")


def test_voting_category_without_representatives_lacks_both():
    f = {**COMPLETE_CONSUMER, "representatives": []}
    assert assess(f).missing == ("representatives", "voting_representative")


def test_interested_party_needs_no_voting_representative():
    f = {
        **COMPLETE_CONSUMER,
        "category": "interested_party",
        "representatives": [{"name": "A", "email": "a@example.test", "voting": False}],
    }
    assert assess(f).complete


def test_later_statement_wins_and_evidence_accumulates():
    f = fold(
        [
            ("category", "certificate_consumer"),
            ("certificate_evidence", ["https://crt.sh/?id=1"]),
            ("category", "certificate_issuer"),
            ("certificate_evidence", ["https://crt.sh/?id=2", "https://crt.sh/?id=1"]),
        ]
    )
    assert f["category"] == "certificate_issuer"
    assert f["certificate_evidence"] == ["https://crt.sh/?id=1", "https://crt.sh/?id=2"]


def test_new_voting_representative_replaces_the_old_vote():
    f = fold(
        [
            (
                "representatives",
                [
                    {"name": "A", "email": "a@x.test", "voting": True},
                    {"name": "B", "email": "b@x.test", "voting": False},
                ],
            ),
            ("representatives", [{"name": "B", "email": "B@x.test", "voting": True}]),
        ]
    )
    assert [(r["email"].lower(), r["voting"]) for r in f["representatives"]] == [
        ("a@x.test", False),
        ("b@x.test", True),
    ]


def test_staff_correction_wins_over_extracted():
    f = fold([("organization_name", "Extracted")], staff=[("organization_name", "Corrected")])
    assert f["organization_name"] == "Corrected"
