"""Signing in and out of the pages: the form at ``/``, the cookie carrying the API's own
token, the shared limit on failed attempts, CSRF, an expired sign-in, the language switch."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.auth.principal import app_secret_key
from api.auth.security import make_token
from api.pages.navigation import ROLE_HOMES
from api.pages.session import CSRF_COOKIE, SESSION_COOKIE, safe_next
from catalog.db import make_engine, make_sessionmaker
from catalog.models import Account, LoginAttempt

from ..api.conftest import PASSWORD
from ..api.conftest import test_settings as app_settings
from .conftest import csrf_of, sign_in


def test_sign_in_page_is_indonesian_with_labelled_fields(client: TestClient) -> None:
    """``/`` is in Bahasa Indonesia: a form with "Nama pengguna", "Kata sandi" and "Masuk",
    each input with its label, and the landing content (the catalog's counts)."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="id">' in html
    assert '<label for="username">Nama pengguna</label>' in html
    assert '<label for="password">Kata sandi</label>' in html
    assert '<button type="submit" class="primary">Masuk</button>' in html
    assert '<span class="number">7</span> IKM' in html
    assert 'class="skip" href="#main"' in html
    assert response.cookies.get(CSRF_COOKIE)


def test_signing_in_sets_the_api_token_in_an_httponly_lax_cookie(client: TestClient) -> None:
    """A right password answers 303 to the role's page with an HttpOnly, SameSite=Lax cookie
    holding the very token ``POST /api/v1/auth/token`` makes: the API accepts it as a
    bearer token."""
    response = sign_in(client, "buyer.imip")
    assert response.status_code == 303
    assert response.headers["location"] == "/kebutuhan"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Max-Age=1800" in cookie
    token = client.cookies[SESSION_COOKIE]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "buyer.imip"


def test_the_api_does_not_accept_the_page_cookie(client: TestClient) -> None:
    """The sign-in cookie opens pages only: the API, reading headers, answers 401 to a
    request carrying only the cookie (so another site cannot ride it into the API)."""
    sign_in(client, "buyer.imip")
    assert client.get("/api/v1/me").status_code == 401


def test_a_wrong_password_keeps_the_username_and_says_so(client: TestClient) -> None:
    """A wrong password shows the form again with the message in the page and the username
    still typed in; no cookie is set."""
    response = sign_in(client, "buyer.imip", "salah-sekali")
    assert response.status_code == 422
    assert "Nama pengguna atau kata sandi salah." in response.text
    assert 'value="buyer.imip"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_a_wrong_password_in_english(client: TestClient) -> None:
    """After the English switch, the message is in English too."""
    client.get("/?lang=en")
    response = sign_in(client, "buyer.imip", "wrong")
    assert '<html lang="en">' in response.text
    assert "The username or password is wrong." in response.text
    assert '<label for="username">Username</label>' in response.text


def test_failed_sign_ins_count_against_the_apis_limit(pages_url: str) -> None:
    """The form and the API share one limit: after two failures through the form (the limit
    set to two), the API answers 429, and the form says to wait, even with the right
    password."""
    settings = app_settings(pages_url).model_copy(update={"login_attempts": 2})
    with TestClient(create_app(settings)) as client:
        for _ in range(2):
            assert sign_in(client, "buyer.imip", "salah").status_code == 422
        api = client.post("/api/v1/auth/token",
                          data={"username": "buyer.imip", "password": PASSWORD})
        assert api.status_code == 429
        form = sign_in(client, "buyer.imip")
        assert form.status_code == 429
        assert "Terlalu banyak percobaan masuk yang gagal" in form.text
        assert int(form.headers["retry-after"]) > 0


def test_a_sign_in_without_the_csrf_token_is_refused_with_a_page(client: TestClient,
                                                                 pages_url: str) -> None:
    """A POST to ``/masuk`` without the form's CSRF token, or with a forged one, is a 403
    page saying to reload the form; the password is not even checked."""
    client.get("/")
    for token in (None, "0" * 64):
        data = {"username": "buyer.imip", "password": PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        response = client.post("/masuk", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert "Formulir ini kedaluwarsa atau tidak berasal dari Simpul" in response.text
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    engine = make_engine(pages_url)
    with make_sessionmaker(engine)() as session:
        assert session.scalars(select(LoginAttempt)).all() == []
    engine.dispose()


def test_a_token_of_another_browser_is_refused(client: TestClient, pages_url: str) -> None:
    """The CSRF field signs this browser's nonce: a field taken from another browser's page
    does not pass with this browser's cookie."""
    with TestClient(create_app(app_settings(pages_url))) as other:
        foreign = csrf_of(other.get("/").text)
    client.get("/")
    response = client.post("/masuk", data={"username": "buyer.imip", "password": PASSWORD,
                                           "csrf_token": foreign})
    assert response.status_code == 403


def test_an_expired_sign_in_goes_back_to_the_form_with_a_message(client: TestClient,
                                                                 pages_url: str) -> None:
    """A cookie whose token expired sends the browser to ``/`` with a message and the page
    it wanted; the stale cookie is cleared."""
    engine = make_engine(pages_url)
    with make_sessionmaker(engine)() as session:
        account = session.scalars(select(Account).where(Account.username == "buyer.imip")).one()
        token, _ = make_token(account.id, account.role,
                              secret=app_secret_key(client.app.state),  # type: ignore[attr-defined]
                              minutes=30, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    engine.dispose()
    client.cookies.set(SESSION_COOKIE, token)
    response = client.get("/kebutuhan", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?expired=1&next=%2Fkebutuhan"
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    page = client.get(response.headers["location"])
    assert "Sesi Anda sudah berakhir. Silakan masuk lagi." in page.text
    assert 'name="next" value="/kebutuhan"' in page.text


def test_nobody_signed_in_is_asked_to_sign_in_and_comes_back(client: TestClient) -> None:
    """A page opened without signing in leads to the form, which then leads back to it."""
    response = client.get("/kebutuhan/1", follow_redirects=False)
    assert response.headers["location"] == "/?needed=1&next=%2Fkebutuhan%2F1"
    form = client.get(response.headers["location"])
    assert "Silakan masuk dulu" in form.text
    signed_in = client.post("/masuk", data={
        "username": "buyer.imip", "password": PASSWORD, "csrf_token": csrf_of(form.text),
        "next": "/kebutuhan/1"}, follow_redirects=False)
    assert signed_in.headers["location"] == "/kebutuhan/1"


def test_signing_out_forgets_the_cookie(buyer: TestClient) -> None:
    """"Keluar" (with the form's CSRF token) clears the cookie; the pages then ask to sign
    in again."""
    token = csrf_of(buyer.get("/kebutuhan").text)
    response = buyer.post("/keluar", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/?signed_out=1"
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    assert buyer.get("/kebutuhan", follow_redirects=False).status_code == 303
    assert "Anda sudah keluar." in buyer.get("/?signed_out=1").text


def test_signing_out_needs_the_csrf_token(buyer: TestClient) -> None:
    """Another site cannot sign a person out: "Keluar" without the token is refused."""
    assert buyer.post("/keluar", data={}).status_code == 403
    assert buyer.get("/kebutuhan").status_code == 200


def test_someone_signed_in_goes_from_the_start_page_to_its_own(buyer: TestClient) -> None:
    """``/`` sends a signed-in park buyer to its needs."""
    response = buyer.get("/", follow_redirects=False)
    assert response.headers["location"] == "/kebutuhan"


def test_a_role_without_pages_is_greeted_on_the_start_page(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A role without a start page (here the IKM owner's, taken away) lands on ``/``,
    greeted, with "Keluar"."""
    monkeypatch.delitem(ROLE_HOMES, "ikm_owner")
    response = sign_in(client, "owner.ani")
    assert response.headers["location"] == "/"
    page = client.get("/")
    assert "Selamat datang, owner.ani." in page.text
    assert 'action="/keluar"' in page.text


def test_the_english_switch_keeps_the_page(buyer: TestClient) -> None:
    """The switch leads to the same page in the other language and is remembered."""
    indonesian = buyer.get("/kebutuhan")
    assert 'href="/kebutuhan?lang=en"' in indonesian.text
    english = buyer.get("/kebutuhan?lang=en")
    assert '<html lang="en">' in english.text
    assert "<h1>Needs</h1>" in english.text
    assert 'href="/kebutuhan?lang=id"' in english.text
    assert english.headers["content-language"] == "en"
    assert '<html lang="en">' in buyer.get("/kebutuhan/baru").text


def test_only_paths_of_this_site_are_followed_after_signing_in() -> None:
    """``next`` is followed only to a path of this site, never to another host."""
    assert safe_next("/kebutuhan/3?lang=en") == "/kebutuhan/3?lang=en"
    for outside in ("https://example.org/", "//example.org/x", "/\\example.org", "", None,
                    "kebutuhan"):
        assert safe_next(outside) is None
