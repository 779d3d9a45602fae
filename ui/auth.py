"""Who is using the dashboard: Streamlit's OpenID Connect sign-in, or single-user mode.

With an `[auth]` section in .streamlit/secrets.toml every page asks for sign-in (st.login) and
the signed-in identity owns the runs it trains; riskcore.access decides what it may read and
change, and riskcore.store enforces it on every path. Without one, RiskLens is a single-user
tool: it serves only 127.0.0.1 and says so in the sidebar.
"""

from __future__ import annotations

import ipaddress

import streamlit as st

from riskcore.access import LOCAL, Principal, principal_for
from riskcore.settings import server_settings
from riskcore.store import RunStore
from ui.i18n import t
from ui.text import md_escape


def sign_in_configured() -> bool:
    """Whether the server has an identity provider ([auth] in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError):  # no secrets file at all
        return False
    except Exception:  # a malformed secrets file: Streamlit shows its own error on use
        return False


def _loopback(address: str | None) -> bool:
    """Whether the server listens on this machine only (unset or "" means every interface)."""
    name = (address or "").strip()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def served_address() -> str | None:
    return st.get_option("server.address")


def current_principal() -> Principal:
    """The signed-in user with their teams and role; LOCAL in single-user mode."""
    if not sign_in_configured():
        return LOCAL
    if not st.user.is_logged_in:
        raise RuntimeError("current_principal() before sign-in: call gate() first")
    sharing = server_settings().sharing
    claims = dict(st.user.to_dict())
    user = claims.get(sharing.identity_claim) or claims.get("sub")
    return principal_for(str(user), claims, sharing)


def run_owner() -> str | None:
    """What a run trained now records as its owner: the identity, or None in single-user mode."""
    return current_principal().user


def job_identity() -> dict:
    """The payload fields a worker needs to check, in the core, what a job may write."""
    who = current_principal()
    return {"owner": who.user, "admin": who.admin, "teams": sorted(who.teams)}


def user_store() -> RunStore:
    """The run store as this user may see and change it."""
    return RunStore(principal=current_principal())


def may_enter() -> bool:
    """Signed in where sign-in is configured; on 127.0.0.1 only where it is not."""
    if sign_in_configured():
        return bool(st.user.is_logged_in)
    return _loopback(served_address())


def gate() -> None:
    """Before any page (deep links included): sign in when the server has a provider; refuse
    to serve other hosts in single-user mode (anyone who reached the port would own every
    run). Stops the script when the user may not enter."""
    if may_enter():
        return
    st.title("RiskLens")
    if sign_in_configured():
        st.info(t("auth.sign_in_needed"), icon=":material/lock:")
        st.button(t("auth.sign_in"), type="primary", on_click=st.login, icon=":material/login:")
    else:
        address = served_address() or "0.0.0.0"
        st.error(t("auth.exposed", address=address), icon=":material/gpp_bad:")
    st.stop()


def identity_badge() -> None:
    """The sidebar's line on who is signed in (with Sign out), or single-user mode."""
    who = current_principal()
    if who.local:
        st.caption(t("auth.single_user"))
        return
    role = t("auth.admin") if who.admin else ""
    st.caption(t("auth.signed_in", user=md_escape(who.user), role=role))
    st.button(t("auth.sign_out"), on_click=st.logout, icon=":material/logout:")
