"""The domain core: provinces, agency codes, procedures, working days, identifiers, and a
synthetic population of DVCQG accounts (citizens and businesses who log in by SSO).

Each piece implements a protocol of `contracts._context` and ships bundled data that a file can
replace:

>>> from simulator.domain import bundled_agencies, bundled_calendar, bundled_catalogue
>>> bundled_catalogue().procedure("2.000635").name
'Cấp bản sao Trích lục hộ tịch'
>>> bundled_agencies().is_known("000.00.00.H56")
True

The identifier validators live in `contracts.identifiers` (re-exported, with the generators, by
`simulator.domain.identifiers`).
"""

from simulator.domain.agencies import Agency, AgencyDirectory, bundled_agencies, load_agencies
from simulator.domain.calendar import (
    OFFICE_HOURS,
    VN_TZ,
    VietnamCalendar,
    YearOverride,
    bundled_calendar,
    is_office_hours,
    load_calendar,
    load_overrides,
)
from simulator.domain.catalogue import Catalogue, bundled_catalogue, load_catalogue, procedure_ref
from simulator.domain.identifiers import (
    generate_citizen_id,
    generate_legacy_id,
    generate_phone,
    generate_tax_code,
)
from simulator.domain.population import (
    CITIZEN,
    LEVELS_OF_ASSURANCE,
    ORGANISATION,
    Account,
    Population,
    bundled_population,
    synthetic_population,
)
from simulator.domain.provinces import (
    CENTRAL_CITY,
    FORMER_GSO_CODES,
    FORMER_PROVINCES,
    PROVINCE,
    PROVINCES_2025,
    FormerProvince,
    KindChange,
    Province,
    ProvinceRegistry,
    bundled_provinces,
    former_province,
    load_provinces,
    province_by_code,
    province_of_agency,
    successor,
)

__all__ = [
    "CENTRAL_CITY",
    "CITIZEN",
    "FORMER_GSO_CODES",
    "FORMER_PROVINCES",
    "LEVELS_OF_ASSURANCE",
    "OFFICE_HOURS",
    "ORGANISATION",
    "PROVINCE",
    "PROVINCES_2025",
    "VN_TZ",
    "Account",
    "Agency",
    "AgencyDirectory",
    "Catalogue",
    "FormerProvince",
    "KindChange",
    "Population",
    "Province",
    "ProvinceRegistry",
    "VietnamCalendar",
    "YearOverride",
    "bundled_agencies",
    "bundled_calendar",
    "bundled_catalogue",
    "bundled_population",
    "bundled_provinces",
    "former_province",
    "generate_citizen_id",
    "generate_legacy_id",
    "generate_phone",
    "generate_tax_code",
    "is_office_hours",
    "load_agencies",
    "load_calendar",
    "load_catalogue",
    "load_overrides",
    "load_provinces",
    "procedure_ref",
    "province_by_code",
    "province_of_agency",
    "successor",
    "synthetic_population",
]
