"""URL-defence wrappers: the address inside is what the applicant meant."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_bot.reader.unwrap import opaque, unwrap


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("wrapped", "target"),
    [
        (  # Proofpoint v2: '-XX' is '%XX', '_' is '/'
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__www.audit.example_seal-3Fid-3D17560"
            "&d=DwMF5O&c=abc&r=def&m=ghi&s=jkl&e=",
            "https://www.audit.example/seal?id=17560",
        ),
        (  # Proofpoint v1: the target percent-encoded
            "https://urldefense.proofpoint.com/v1/url?u=https%3A%2F%2Fcrt.sh%2F%3Fid%3D5&k=abc",
            "https://crt.sh/?id=5",
        ),
        (  # Proofpoint v3 without replaced characters
            "https://urldefense.com/v3/__https://crt.sh/?id=17257608283__;!!MX72zSio!vYEL$",
            "https://crt.sh/?id=17257608283",
        ),
        (  # v3: '*' stands for a character given in the base64 part
            f"https://urldefense.com/v3/__https://x.example/a*b__;{_b64('#')}!!id!sig$",
            "https://x.example/a#b",
        ),
        (  # v3: '**C' stands for a run of four
            f"https://urldefense.com/v3/__https://x.example/**Cz__;{_b64('ü?=&')}!!id$",
            "https://x.example/ü?=&z",
        ),
        (  # Microsoft Safe Links
            "https://eur03.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.acme.example%2F"
            "&data=05%7C02%7C0&sdata=abc%3D&reserved=0",
            "https://www.acme.example/",
        ),
        (  # Safe Links around Proofpoint: both gateways
            "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Furldefense.proofpoint.com"
            "%2Fv2%2Furl%3Fu%3Dhttps-3A__acme.example_%26d%3Dx&data=1",
            "https://acme.example/",
        ),
        (
            "https://linkprotect.cudasvc.com/url?a=https%3A%2F%2Facme.example%2Fx&c=E,1,abc",
            "https://acme.example/x",
        ),
        ("https://www.google.com/url?q=https://acme.example/&sa=D", "https://acme.example/"),
    ],
)
def test_a_wrapper_gives_its_target(wrapped, target):
    assert unwrap(wrapped) == target


@pytest.mark.parametrize(
    "url",
    [
        "https://www.acme.example/?url=https://other.example/",  # a query named url is no wrapper
        "https://www.google.com/search?q=https://acme.example/",
        "https://urldefense.com/v3/__https://x.example/a*b__;!!id$",  # damaged: a '*' with no byte
        "https://eur03.safelinks.protection.outlook.com/?url=javascript:alert(1)",
        "https://urldefense.proofpoint.com/v2/url?d=x",
        "mailto:jane@acme.example",
    ],
)
def test_anything_else_stays_as_it_is(url):
    assert unwrap(url) == url


def test_mimecast_short_links_are_opaque():
    url = "https://protect-eu.mimecast.com/s/ULYt041bUeajtbnYoEZXtK?domain=crt.sh"
    assert opaque(url) and unwrap(url) == url
    assert not opaque("https://www.mimecast.com/products/")


@given(st.text(max_size=300))
def test_any_text_is_safe(text):
    for url in (
        text,
        "https://urldefense.com/v3/__" + text,
        "https://x.safelinks.protection.outlook.com/?url=" + text,
    ):
        assert isinstance(unwrap(url), str)
