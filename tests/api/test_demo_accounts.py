"""The demo's accounts: each signs in with the documented password and is bound as the README
says."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from api.auth.accounts import DEMO_PASSWORD
from api.usecases import build_demo_database

from .conftest import test_settings as app_settings


def test_every_demo_account_signs_in_and_is_bound_as_documented(
        engine: Engine, database_url: str) -> None:
    """pengadaan.imip/ihip buy for IMIP/IHIP, ikm.katering-bahodopi owns a caterer in
    Bahodopi, ikm.las-bungku a welding shop in Bungku Tengah, dinas.sulteng is the agency of
    Sulawesi Tengah, admin is an admin; all with the password simpul-demo."""
    build_demo_database(engine, today=dt.date(2026, 12, 1))
    with TestClient(create_app(app_settings(database_url))) as client:
        me = {}
        for username in ("pengadaan.imip", "pengadaan.ihip", "ikm.katering-bahodopi",
                         "ikm.las-bungku", "dinas.sulteng", "admin"):
            token = client.post("/api/v1/auth/token", data={
                "username": username, "password": DEMO_PASSWORD}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            me[username] = (client.get("/api/v1/me", headers=headers).json(), headers)
        assert me["pengadaan.imip"][0]["park_code"] == "IMIP"
        assert me["pengadaan.ihip"][0]["park_code"] == "IHIP"
        assert me["dinas.sulteng"][0]["province"] == "72"
        assert me["admin"][0]["role"] == "admin"
        for username, district, category in (
                ("ikm.katering-bahodopi", "Bahodopi", "katering-kontrak"),
                ("ikm.las-bungku", "Bungku Tengah", "jasa-las")):
            info, headers = me[username]
            [enterprise_id] = info["enterprise_ids"]
            ikm = client.get(f"/api/v1/enterprises/{enterprise_id}", headers=headers).json()
            assert ikm["view"] == "own"
            assert ikm["district_name"] == district
            assert category in ikm["categories"]
