"""The wire format of sign-in, the principal and API keys."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.wire import UtcDateTime

__all__ = ["KeyCreated", "KeyIn", "KeyOut", "Me", "TokenOut"]


class TokenOut(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Detik sampai kedaluwarsa / seconds until it expires")


class Me(BaseModel):
    """Who the token or key belongs to, and what the role binds it to."""

    account_id: int
    username: str = Field(examples=["pengadaan.imip"])
    role: Literal["park_buyer", "ikm_owner", "agency", "admin"]
    park_id: int | None = None
    park_code: str | None = Field(default=None, examples=["IMIP"])
    enterprise_ids: list[int] | None = None
    province: str | None = Field(default=None, examples=["72"],
                                 description="Kode BPS provinsi / BPS code of the province")
    province_name: str | None = Field(default=None, examples=["Sulawesi Tengah"])


class KeyIn(BaseModel):
    """A name for a new API key."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80, examples=["sistem pengadaan IMIP"])


class KeyOut(BaseModel):
    """An API key, without its secret."""

    id: int
    name: str
    prefix: str
    created_at: UtcDateTime
    revoked: bool


class KeyCreated(KeyOut):
    """A key just made: ``key`` is shown this once; send it as ``X-API-Key`` or as a bearer
    token."""

    key: str
