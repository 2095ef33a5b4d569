"""The words of the registry, defined once: site kinds, statuses and what they mean to the rules, roles, survey facts.

Every module that asks "is this applicant open?" or "does this station exist?"
asks here, so the review queue, the checks, the ranking, coverage what-ifs and
the map layers cannot disagree.
"""

from __future__ import annotations

SRID = 4326  # positions are stored as WGS84 longitude/latitude

OUTLET_KINDS = ("branch", "agency")
AREA_LEVELS = ("community", "village", "subdistrict", "township")
ROLES = ("staff", "planner", "admin")

STATION_STATUSES = ("open", "listed_for_exit", "closed")
CANDIDATE_STATUSES = ("submitted", "surveyed", "needs_info", "approved", "rejected", "opened", "listed_for_exit",
                      "closed")

# Stations that exist: every rule keeps new sites away from them and they serve people.
EXISTING_STATION_STATUSES = ("open", "listed_for_exit")
# Applicants approved but not yet opened: the rules count them as existing stations.
EXISTING_APPLICANT_STATUSES = ("approved",)
# Applicants waiting for a survey or a decision: the review queue, the ranking, the what-if and the layers' verdicts.
OPEN_APPLICANT_STATUSES = ("submitted", "surveyed", "needs_info")

# The tables whose rows are points on the map.
SITE_TABLES = ("outlets", "stations", "candidates")

# Survey facts (勘察情况) of an applicant: numbers, then yes/no flags.
NUMBER_FACTS = ("area_m2", "display_m2", "months_in_business")
FLAG_FACTS = ("signage", "line")
SURVEY_FACTS = NUMBER_FACTS + FLAG_FACTS
