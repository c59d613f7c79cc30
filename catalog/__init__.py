"""The catalog: IKM, parks, needs, regions and the taxonomy, stored with SQLAlchemy.

Data in: records (:mod:`catalog.records`) are validated and converted to canonical units by
:mod:`catalog.store`, or read from spreadsheets by :mod:`catalog.imports`. Data out: the
export (:mod:`catalog.exports`) and the snapshot of arrays the matching engine reads
(:mod:`catalog.snapshot`). The catalog imports nothing from ``api`` or ``matching``.
"""

from catalog.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from catalog.exceptions import (
    CatalogError,
    FileTooLarge,
    ImportRejected,
    IncompatibleUnit,
    InvalidValue,
    NotFound,
    RowProblem,
    UnknownUnit,
    UnreadableFile,
)
from catalog.exports import export_catalog
from catalog.imports import ImportReport, import_enterprises
from catalog.messages import Message, message
from catalog.normalise import Normalisation, Normaliser, clean_name
from catalog.snapshot import NeedArrays, OfferArrays, load_need_arrays, load_offer_arrays
from catalog.store import (
    CatalogContext,
    InvalidRecord,
    WriteSummary,
    load_links,
    load_parks,
    load_regions,
    load_taxonomy,
    prepare_enterprise,
    prepare_need,
    size_class,
    write_enterprises,
    write_needs,
)
from catalog.units import convert_quantity, resolve_unit

__all__ = [
    "CatalogContext",
    "CatalogError",
    "FileTooLarge",
    "ImportRejected",
    "ImportReport",
    "IncompatibleUnit",
    "InvalidRecord",
    "InvalidValue",
    "Message",
    "NeedArrays",
    "Normalisation",
    "Normaliser",
    "NotFound",
    "OfferArrays",
    "RowProblem",
    "UnknownUnit",
    "UnreadableFile",
    "WriteSummary",
    "clean_name",
    "convert_quantity",
    "export_catalog",
    "import_enterprises",
    "load_links",
    "load_need_arrays",
    "load_offer_arrays",
    "load_parks",
    "load_regions",
    "load_taxonomy",
    "make_engine",
    "make_sessionmaker",
    "message",
    "prepare_enterprise",
    "prepare_need",
    "resolve_unit",
    "session_scope",
    "size_class",
    "upgrade_database",
    "write_enterprises",
    "write_needs",
]
