-- Beside dim_organ (not in facts/): a finding about an organ, not about a report, so the monthly build
-- checks every row of it rather than only the recent reports.
-- Organs that could not be placed in the administration (dim_organ.resolution_problem): no division name
-- at the start of the name, a name that two divisions share with no portal to decide, or an organ whose
-- kind the name does not say. Listed, never placed by a guess: fix by an alias (organ_aliases,
-- region_aliases) or a portal profile's hints.region_code. Grain: organ.

select
    organ_key,
    organ_name,
    'organ_unplaced'::text      as rule,
    'warning'::text             as severity,
    resolution_problem          as detail,
    region_code,
    has_reports
from {{ ref('dim_organ') }}
where resolution_problem is not null
