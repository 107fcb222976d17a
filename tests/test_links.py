"""Links whose words hide the target: the target is read, in plain text as in HTML."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake_bot.reader.links import expose, with_html_links

SAFE = "https://eur03.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.acme.example%2F&data=05%7C0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # Outlook's plain text: the words, then the target in angle brackets
            "More about us on our main website<https://www.acme.example/>.",
            "More about us on our main website (https://www.acme.example/).",
        ),
        (
            "the audit report is here<https://audit.example/r.pdf>",
            "the audit report is here (https://audit.example/r.pdf)",
        ),
        (  # a target that repeats its words is dropped
            "Web site: https://www.acme.example<https://www.acme.example>",
            "Web site: https://www.acme.example",
        ),
        (  # ... also when the target is wrapped
            "https://crt.sh/?id=5<https://urldefense.com/v3/__https://crt.sh/?id=5__;!!x!y$> and more",
            "https://crt.sh/?id=5 and more",
        ),
        (  # the wrapper behind words is unwrapped
            f"see our website<{SAFE}>.",
            "see our website (https://www.acme.example/).",
        ),
        (  # a mailto link that shows only a name: the address beside the name
            "Jane Doe<mailto:jane.doe@acme.example>, Director, will vote",
            "Jane Doe <jane.doe@acme.example>, Director, will vote",
        ),
        (  # a mailto link that shows the address itself
            "write to pki-ir@acme.example<mailto:pki-ir@acme.example> or call",
            "write to pki-ir@acme.example or call",
        ),
        (
            "Incident Response<mailto:pki-ir@acme.example?subject=Hi>",
            "Incident Response <pki-ir@acme.example>",
        ),
        (  # a wrapper written out in the text: its target
            "Report: https://urldefense.proofpoint.com/v2/url?u=https-3A__audit.example_r.pdf&d=x&e= (PDF)",
            "Report: https://audit.example/r.pdf (PDF)",
        ),
        (  # an opaque wrapper beside the address it hides: it goes, with its brackets
            "https://crt.sh/?id=7 (https://protect-eu.mimecast.com/s/ULYt041b?domain=crt.sh)\nnext",
            "https://crt.sh/?id=7\nnext",
        ),
        ("no links at all <jane@acme.example>", "no links at all <jane@acme.example>"),
    ],
)
def test_link_targets_are_written_where_they_are_read(text, expected):
    assert expose(text) == expected


@given(st.text(alphabet=st.sampled_from("ab <>:/@.()\nhtps mailto"), max_size=400))
def test_any_text_is_safe(text):
    assert isinstance(expose(text), str)


# A mail client's text part drops what the HTML part's links hide: the words stay, the target goes.
HTML_ONLY_TARGETS = (
    '<p>Read about us on <a href="https://www.fjord-post.example/">our home page</a>.</p>'
    '<p>Our deputy will be <a href="mailto:per.lund@fjord-post.example">Per Lund</a>, and for\n'
    'incidents write to <a href="mailto:vakt@fjord-post.example">the duty desk</a>.</p>'
    '<p>Already shown: <a href="https://www.fjord-post.example/about">https://www.fjord-post.example/about</a>'
    ' and <a href="https://x.example/">here</a></p>'
)


def test_targets_only_the_html_part_has_are_written_after_their_words():
    text = (
        "Read about us on our home page.\n"
        "Our deputy will be Per Lund, and for\nincidents write to the duty\ndesk.\n"
        "Already shown: https://www.fjord-post.example/about and here"
    )
    assert with_html_links(text, HTML_ONLY_TARGETS) == (
        "Read about us on our home page<https://www.fjord-post.example/>.\n"
        "Our deputy will be Per Lund<mailto:per.lund@fjord-post.example>, and for\n"
        "incidents write to the duty\ndesk<mailto:vakt@fjord-post.example>.\n"
        "Already shown: https://www.fjord-post.example/about and here<https://x.example/>"
    )


def test_links_follow_the_text_in_order_and_targets_already_written_stay_alone():
    html = '<a href="https://a.example/1">example</a> <a href="https://a.example/2">example</a>'
    assert with_html_links("example, example", html) == (
        "example<https://a.example/1>, example<https://a.example/2>"
    )
    shown = "our site<https://a.example/> and more"
    assert with_html_links(shown, '<a href="https://a.example/">our site</a>') == shown
    assert with_html_links("words the html lacks", html) == "words the html lacks"
    assert with_html_links("no html", "") == "no html"


@given(st.text(alphabet=st.sampled_from('ab <>="/:@.\nhref mailto'), max_size=300))
def test_any_html_is_safe(html):
    assert isinstance(with_html_links("ab a b", html), str)
