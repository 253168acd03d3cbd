"""The portal's parsers never raise on what the public sends (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.portal.conftest import Portal
from vigie.portal import load_bundle
from vigie.portal.selfcheck import Tokens, parse_form, same_site
from vigie.portal.signing import check_text


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_qr_text_check_never_raises(text: str) -> None:
    assert check_text(b"\x01" * 32, text) == (check_text(b"\x01" * 32, text)[0], None)


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_form_parsing_never_raises_and_bounds_fields(body: bytes) -> None:
    form = parse_form(body)
    assert all(len(v) <= 200 for v in form.values.values())
    assert not Tokens().valid(form.token)


@given(st.dictionaries(st.sampled_from(["origin", "host", "sec-fetch-site"]), st.text(max_size=40)))
def test_same_site_check_never_raises(headers: dict[str, str]) -> None:
    assert same_site(headers) in (True, False)


def test_bundle_verify_never_raises(built: Portal) -> None:
    bundle = load_bundle(built.bundle)

    @given(st.text(max_size=100))
    @settings(max_examples=300, deadline=None)
    def check(text: str) -> None:
        assert bundle.verify(text) is None or len(text) >= 12

    check()
