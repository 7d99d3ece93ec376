"""The practice's rule tables as the services apply them: where work is routed, how denials are
classified, which scrub rule prevents which denial, and which benefit prices which service.
Built once, by the composition root (:mod:`claimdesk.bootstrap`); a service is handed the
tables, it never loads them itself."""

from __future__ import annotations

from dataclasses import dataclass

from claimdesk.analytics.prevention import PreventionMap
from claimdesk.denials.table import CategoryTable
from claimdesk.domain.benefits import ServiceCatalog
from claimdesk.routing.policy import RoutingPolicy


@dataclass(frozen=True, slots=True)
class Rules:
    routing: RoutingPolicy
    denials: CategoryTable
    prevention: PreventionMap
    services: ServiceCatalog
