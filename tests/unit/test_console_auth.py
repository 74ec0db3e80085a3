"""Who may use the console: loopback trust, token, users file, sessions, CSRF."""

from __future__ import annotations

from pathlib import Path

import pytest
from newswatch.sinks.console.auth import (
    Access,
    AuthConfigError,
    Principal,
    User,
    check_startable,
    csrf_ok,
    hash_password,
    is_loopback,
    load_users,
    verify_password,
)

TOKEN = "s3cret-token-0123456789"


def test_password_hashes_verify_and_differ_per_salt() -> None:
    one, two = hash_password("correct horse"), hash_password("correct horse")
    assert one != two and one.startswith("scrypt$")
    assert verify_password("correct horse", one) and verify_password("correct horse", two)
    assert not verify_password("wrong horse", one)
    assert not verify_password("x", "md5$abc") and not verify_password("x", "garbage")


def test_users_file(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text(f"# ops\nana operator {hash_password('pw-ana-123')}\n\n"
                    f"rui readonly {hash_password('pw-rui-123')}  # intern\n", encoding="utf-8")
    users = load_users(path)
    assert {u.name: u.role for u in users.values()} == {"ana": "operator", "rui": "readonly"}
    path.write_text("ana admin scrypt$1$2$3$x$y\n", encoding="utf-8")
    with pytest.raises(AuthConfigError, match=r"users:1: expected 'NAME ROLE HASH'"):
        load_users(path)
    with pytest.raises(AuthConfigError, match="missing"):
        load_users(tmp_path / "missing")


def test_loopback_without_auth_trusts_the_machine_user() -> None:
    access = Access()
    assert not access.required
    who = access.principal(bearer=None, session=None)
    assert who is not None and who.role == "operator" and who.name == access.local_user


def test_token_is_required_once_configured() -> None:
    access = Access(token=TOKEN)
    assert access.principal(bearer=None, session=None) is None
    assert access.principal(bearer="wrong", session=None) is None
    assert access.principal(bearer=TOKEN, session=None) == Principal("token", "operator")
    assert access.login(username="", password=TOKEN) == Principal("token", "operator")
    assert access.login(username="", password="nope") is None


def test_sessions_are_signed_expire_and_follow_the_users_file() -> None:
    users = {"ana": User("ana", "operator", hash_password("pw-ana-123")),
             "rui": User("rui", "readonly", hash_password("pw-rui-123"))}
    access = Access(users=users, session_s=60)
    ana = access.login(username="ana", password="pw-ana-123")
    rui = access.login(username="rui", password="pw-rui-123")
    assert ana == Principal("ana", "operator") and ana.may_act
    assert rui == Principal("rui", "readonly") and not rui.may_act
    assert access.login(username="ana", password="pw-rui-123") is None
    assert access.login(username="nobody", password="x") is None

    cookie = access.session_for(rui, now=1000)
    assert access.principal(bearer=None, session=cookie, now=1030) == rui
    assert access.principal(bearer=None, session=cookie, now=1061) is None  # expired
    body, _, sig = cookie.partition(".")
    forged = access.session_for(Principal("rui", "operator"), now=1000).split(".")[0]
    assert access.principal(bearer=None, session=f"{forged}.{sig}", now=1030) is None
    assert access.principal(bearer=None, session=body + ".", now=1030) is None
    # another console (another key) does not accept it
    assert Access(users=users).principal(bearer=None, session=cookie, now=1030) is None
    # a user demoted in the file loses operator rights on the old session
    promoted = access.session_for(ana, now=1000)
    access.users["ana"] = User("ana", "readonly", users["ana"].password_hash)
    assert access.principal(bearer=None, session=promoted, now=1030) == Principal("ana",
                                                                                    "readonly")
    del access.users["ana"]
    assert access.principal(bearer=None, session=promoted, now=1030) is None


def test_refuses_to_start_beyond_loopback_without_auth() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        assert is_loopback(host)
        check_startable(host, Access())
    for host in ("0.0.0.0", "192.0.2.10", "::", "console.example"):
        assert not is_loopback(host)
        with pytest.raises(AuthConfigError, match="needs authentication"):
            check_startable(host, Access())
        check_startable(host, Access(token=TOKEN))


def test_csrf_needs_matching_header_and_own_origin() -> None:
    ok = {"cookie": "abc123", "header": "abc123", "host": "127.0.0.1:8765"}
    assert csrf_ok(**ok, origin=None)
    assert csrf_ok(**ok, origin="http://127.0.0.1:8765")
    assert not csrf_ok(**ok, origin="http://evil.example")
    assert not csrf_ok(**{**ok, "header": "abc124"}, origin=None)
    assert not csrf_ok(**{**ok, "header": None}, origin=None)
    assert not csrf_ok(**{**ok, "cookie": None}, origin=None)
    assert not csrf_ok(cookie="", header="", host="h", origin=None)
