"""The city's records of the eight ethos, for the security matrices: commitments in and out of each
one's scope, a closed appraisal round per unit with ballots, and conversations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ethos import services as ethos
from supervision import services as cases

CODES = ["study", "people", "pragmatism", "frugality", "discipline", "democracy", "integrity", "decency"]


def _pledges(who: str) -> list[dict[str, str]]:
    return [{"ethos": code, "text": f"「{who}」在{code}方面的具体承诺与措施"} for code in CODES]


def build_ethos(org: Any, users: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    orgdept = users["orgdept"]
    year = ethos.commitment_year_open(
        actor=orgdept, year=now.year, deadline=now.date() + dt.timedelta(days=30), now=now
    )
    signed = ethos.commitment_create(actor=org.cadre.user, year=year, pledges=_pledges("cadre"), now=now)
    ethos.commitment_sign(actor=org.cadre.user, commitment=signed, now=now)
    ethos.commitment_create(actor=org.other.user, year=year, pledges=_pledges("other"), now=now)
    ethos.commitment_create(actor=org.town_cadre.user, year=year, pledges=_pledges("town"), now=now)
    grades = dict.fromkeys(CODES, "good")
    rounds = []
    for unit in (org.bureau, org.township):
        appraisal = ethos.round_create(actor=orgdept, unit=unit, year=now.year, now=now)
        ethos.round_open(actor=orgdept, round=appraisal, now=now)
        if unit == org.bureau:
            ethos.ballot_cast(actor=org.cadre.user, round=appraisal, cadre=org.other, grades=grades, now=now)
            ethos.ballot_cast(actor=org.head.user, round=appraisal, cadre=org.other, grades=grades, now=now)
        # Closed: results answer only for a closed round, and ballots are then out of anyone's reach.
        ethos.round_close(actor=orgdept, round=appraisal, now=now)
        rounds.append(appraisal)
    for cadre in (org.other, org.town_cadre):
        cases.conversation_record(
            actor=users["discipline"],
            cadre=cadre,
            kind="reminding",
            held_on=now.date(),
            reason=f"谈话事由「{cadre.name}」",
            now=now,
        )
    return {"year": year, "rounds": rounds}
