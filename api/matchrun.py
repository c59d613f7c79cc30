"""A match run on the catalog: the snapshot becomes a market, the market is matched, and the
answer is put back into the catalog's terms (ids, codes, rupiah).

How catalog rows become the engine's tables (``docs/matching.md``, "From the catalog"):

- **Horizon.** Offers and needs state quantities per ``hari``, ``minggu`` or ``bulan``; a run
  plans one horizon (:data:`HORIZON_DAYS`, 30 days by default), so every rate is turned into
  units over the horizon: capacity × horizon / period, rounded down (never promise more than
  the owner said); a recurring need's quantity the same way, rounded up; a one-off (``sekali``)
  need as it is. A need's minimum lot is per period, so it scales like its quantity; an
  offer's minimum order is per order, so it does not.
- **Places.** Every region is a node of the logistics graph, joined by the catalog's road and
  sea links; an offer sits at its enterprise's kecamatan, a need at its park's. "Local" for
  the park's preference is the same kabupaten/kota.
- **Certificates.** Per enterprise and kind, the latest ``valid_until`` (no expiry counts
  forever); the engine then checks it against each need's due date.
- **Transport** is :func:`catalog.transport.transport_rates` per category.
- **Unmet units** cost :func:`matching.market.default_unmet_penalty`: the ceiling plus one, or
  more than any eligible offer could cost.
- Offers and needs the normaliser could not place in a category take no part (they are
  counted in the run's figures).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from catalog.models import CERTIFICATE_KINDS, PERIODS
from catalog.snapshot import (
    NO_CEILING,
    NO_LIMIT,
    NeedArrays,
    OfferArrays,
    Reference,
    epoch_day,
    load_need_arrays,
    load_offer_arrays,
    load_reference,
)
from catalog.transport import IDR_PER_KG_KM, transport_rates
from matching import (
    NO_CERTIFICATE,
    NO_PRICE_CEILING,
    CapabilityGraph,
    LogisticsGraph,
    NeedTable,
    OfferTable,
)
from matching.market import Market, MatchParams, MatchResult, default_unmet_penalty, match

__all__ = ["HORIZON_DAYS", "MarketIndex", "MatchRun", "build_market", "run_match"]

#: The days a match run plans for.
HORIZON_DAYS = 30
#: Days per period; a one-off need (``sekali``) is not a rate.
PERIOD_DAYS: dict[str, int | None] = {"hari": 1, "minggu": 7, "bulan": 30, "sekali": None}

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class MarketIndex:
    """How the rows of a market's tables map back to the catalog: per offer row its offer and
    enterprise ids, per need row its need and park ids; with the counts left out."""

    offer_id: Int64Array
    enterprise_id: Int64Array
    need_id: Int64Array
    park_id: Int32Array
    uncategorised_offers: int
    uncategorised_needs: int
    horizon_days: int


def _per_horizon(period: npt.NDArray[np.int8], horizon_days: int) -> npt.NDArray[np.float64]:
    days = np.array([PERIOD_DAYS[p] or 0 for p in PERIODS], dtype=np.float64)
    per = days[period]
    return np.where(per > 0, horizon_days / np.where(per > 0, per, 1.0), 1.0)


def build_market(reference: Reference, offers: OfferArrays, needs: NeedArrays, *,
                 today: dt.date, horizon_days: int = HORIZON_DAYS,
                 idr_per_kg_km: float = IDR_PER_KG_KM) -> tuple[Market, MarketIndex]:
    """The engine's market for a catalog snapshot (see the module docstring)."""
    if horizon_days < 1:
        raise ValueError(f"The horizon must be at least one day; got {horizon_days}.")
    if offers.category_codes != reference.category_codes or (
            needs.category_codes != reference.category_codes):
        raise ValueError("The offers, needs and reference were read with different "
                         "category tables; read them in one transaction.")
    codes = reference.category_codes
    capability = CapabilityGraph.build(codes, reference.substitutes, reference.related)
    node_names = [str(k) for k in reference.region_id.tolist()]
    logistics = LogisticsGraph.build(node_names, [(str(a), str(b), mode, km, hours)
                                                  for a, b, mode, km, hours in reference.links])
    rates = transport_rates(idr_per_kg_km=idr_per_kg_km)
    transport_rate = np.array([rates.get(code, 0.0) for code in codes], dtype=np.float64)

    def node(region_ids: npt.NDArray[Any]) -> Int32Array:
        # Regions are in id order, so a region's node is its position among the ids.
        return np.searchsorted(reference.region_id, region_ids).astype(np.int32)

    # Offers: the categorised ones, capacity over the horizon.
    keep = np.flatnonzero(offers.category >= 0)
    valid = np.full((len(offers.enterprise_ids), len(CERTIFICATE_KINDS)), NO_CERTIFICATE,
                    dtype=np.int32)
    np.maximum.at(valid, (offers.certificate_enterprise_index,
                          offers.certificate_kind.astype(np.int64)),
                  offers.certificate_valid_until)
    offer_scale = _per_horizon(offers.period[keep], horizon_days)
    offer_table = OfferTable(
        id=offers.offer_id[keep].astype(str).astype(object),
        category=offers.category[keep], node=node(offers.district_id[keep]),
        kabupaten=reference.ancestor(offers.district_id[keep], "regency"),
        capacity=np.floor(offers.capacity[keep] * offer_scale + 1e-9).astype(np.int64),
        unit_price=offers.unit_price_idr[keep], min_order=offers.min_order[keep],
        lead_time_days=offers.lead_time_days[keep].astype(np.int64),
        delivery_radius_km=offers.delivery_radius_km[keep].astype(np.float64),
        certificates_valid_until=valid[offers.enterprise_index[keep]])

    # Needs: the categorised ones, quantity over the horizon, the park's policy.
    chosen = np.flatnonzero(needs.category >= 0)
    need_scale = _per_horizon(needs.period[chosen], horizon_days)
    quantity = np.maximum(1, np.ceil(needs.quantity[chosen] * need_scale - 1e-9)
                          ).astype(np.int64)
    min_lot = np.minimum(np.ceil(needs.min_lot[chosen] * need_scale - 1e-9).astype(np.int64),
                         quantity)
    park_at = np.searchsorted(reference.park_id, needs.park_id[chosen])
    ceiling = needs.max_unit_price_idr[chosen]
    ceiling = np.where(ceiling == NO_CEILING, NO_PRICE_CEILING, ceiling)
    park_node = node(needs.region_id[chosen])
    km, _ = logistics.shortest_from([node_names[k] for k in np.unique(park_node).tolist()])
    finite = km[np.isfinite(km)]
    penalty = default_unmet_penalty(needs.category[chosen], ceiling, offer_table.category,
                                    offer_table.unit_price, capability.substitution_matrix(),
                                    transport_rate, float(finite.max()) if len(finite) else 0.0)
    need_table = NeedTable(
        id=needs.need_id[chosen].astype(str).astype(object),
        category=needs.category[chosen], park_node=park_node,
        kabupaten=reference.ancestor(needs.region_id[chosen], "regency"),
        quantity=quantity, due_day=needs.due_date[chosen].astype(np.int64),
        today=epoch_day(today),
        required_certificates=needs.required_certificates[chosen].astype(np.int64),
        max_unit_price=ceiling,
        max_distance_km=np.where(needs.max_distance_km[chosen] == NO_LIMIT, np.inf,
                                 needs.max_distance_km[chosen]),
        split=needs.split_allowed[chosen], min_lot=min_lot,
        max_suppliers=np.where(needs.max_suppliers[chosen] == NO_LIMIT, 0,
                               needs.max_suppliers[chosen]),
        unmet_penalty=penalty,
        local_discount_percent=reference.park_local_preference[park_at].astype(np.int64))
    index = MarketIndex(
        offer_id=offers.offer_id[keep], enterprise_id=offers.enterprise_id[keep],
        need_id=needs.need_id[chosen], park_id=needs.park_id[chosen],
        uncategorised_offers=len(offers) - len(keep),
        uncategorised_needs=len(needs) - len(chosen), horizon_days=horizon_days)
    market = Market(offer_table, need_table, capability, logistics, transport_rate)
    return market, index


@dataclass(frozen=True, eq=False)
class MatchRun:
    """A finished run: the market, how its rows map to the catalog, the match."""

    market: Market
    index: MarketIndex
    matched: MatchResult
    today: dt.date

    def to_dict(self) -> dict[str, Any]:
        """The run as the result file of ``simpul match`` (catalog ids, rupiah, units over the
        horizon)."""
        matched, index = self.matched, self.index
        offer_row = {str(k): position for position, k in enumerate(index.offer_id.tolist())}
        allocations = []
        for item in matched.allocations():
            allocations.append({
                "offer_id": int(item.offer), "need_id": int(item.need),
                "enterprise_id": int(index.enterprise_id[offer_row[item.offer]]),
                "quantity": item.quantity, "landed_unit_cost": item.landed_unit_cost,
                "km": round(item.km, 1), "local": item.local})
        result = matched.result
        return {
            "today": self.today.isoformat(),
            "horizon_days": index.horizon_days,
            "status": result.status,
            "objective": result.objective,
            "landed_cost": matched.landed_cost(),
            "allocations": allocations,
            "unmet": [{"need_id": int(u.demand), "quantity": u.quantity,
                       "reasons": dict(u.reasons)} for u in matched.unmet],
            "stats": {
                **result.stats.as_dict(),
                "allocation_cost": result.allocation_cost, "unmet_cost": result.unmet_cost,
                "pricing_rounds": matched.stats.rounds,
                "candidates_complete": matched.stats.complete,
                "lp_objective": matched.stats.lp_objective,
                "lp_bound": matched.stats.lp_bound,
                "first_arcs": matched.stats.first_arcs,
                "phase_seconds": matched.stats.seconds,
                "uncategorised_offers": index.uncategorised_offers,
                "uncategorised_needs": index.uncategorised_needs,
            },
        }


def run_match(*, session: Session, today: dt.date | None = None,
              params: MatchParams | None = None, seed: int = 0,
              horizon_days: int = HORIZON_DAYS) -> MatchRun:
    """Read the catalog (in the caller's transaction; nothing is written), build the market
    and match it."""
    today = today or dt.date.today()
    reference = load_reference(session=session)
    offers = load_offer_arrays(session=session)
    needs = load_need_arrays(session=session)
    market, index = build_market(reference, offers, needs, today=today,
                                 horizon_days=horizon_days)
    return MatchRun(market=market, index=index, matched=match(market, params, seed=seed),
                    today=today)
