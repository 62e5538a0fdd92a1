"""Reads of the eight ethos: completion of a commitment year per unit and department, and the
results of an appraisal round."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Q

from cadres.models import Cadre, Ethos
from ethos.models import AppraisalRound, Ballot, Commitment, CommitmentYear, Grade
from workstyle import roles

SIGNED = (Commitment.Status.SIGNED, Commitment.Status.REVIEWED)
# The points of each grade, for a cadre's overall grade: the mean of all his grades.
POINTS = {Grade.EXCELLENT: 4, Grade.GOOD: 3, Grade.FAIR: 2, Grade.POOR: 1}


def poor_threshold() -> Fraction:
    return Fraction(settings.WORKSTYLE_APPRAISAL_POOR_SHARE)


# --- completion ---------------------------------------------------------------------------------


@dataclass
class CompletionRow:
    unit: str
    department: str
    cadres: int = 0
    signed: int = 0
    reviewed: int = 0
    draft: int = 0
    returned: int = 0
    missing: int = 0

    @property
    def done(self) -> int:
        return self.signed + self.reviewed

    @property
    def share(self) -> float:
        return round(self.done / self.cadres, 4) if self.cadres else 0.0


def commitment_cadres_for(user: Any) -> Any:
    """The active cadres whose commitments ``user`` follows: all of them for the organization
    department and the discipline office; those of the departments a department head heads and of
    the units (and below) a unit head heads; nobody else's."""
    cadres = Cadre.objects.active()
    if roles.sees_whole_organisation(user):
        return cadres
    cadre = roles.cadre_of(user)
    if cadre is None:
        return cadres.none()
    condition = Q(department__head=cadre)
    headed: set[int] = set()
    for unit in cadre.headed_units.all():
        headed |= unit.subtree_ids()
    if headed:
        condition |= Q(unit_id__in=headed)
    return cadres.filter(condition)


def commitment_completion(*, year: CommitmentYear, user: Any) -> list[CompletionRow]:
    """Per unit and department (in the roster's order), how many of the active cadres ``user``
    follows have signed, been reviewed, have a draft, were returned, or have nothing yet."""
    status_of = dict(Commitment.objects.filter(year=year).values_list("cadre_id", "status"))
    rows: dict[tuple[str, str], CompletionRow] = {}
    cadres = (
        commitment_cadres_for(user)
        .select_related("unit", "department")
        .order_by("unit__code", "department__code", "staff_number")
    )
    for cadre in cadres:
        key = (cadre.unit.name, cadre.department.name if cadre.department else "")
        row = rows.setdefault(key, CompletionRow(unit=key[0], department=key[1]))
        row.cadres += 1
        status = status_of.get(cadre.pk)
        if status is None:
            row.missing += 1
        else:
            setattr(row, status, getattr(row, status) + 1)
    return list(rows.values())


# --- appraisal results --------------------------------------------------------------------------


@dataclass
class EthosResult:
    ethos: Ethos
    counts: dict[str, int]
    total: int

    def share(self, grade: str) -> Fraction:
        return Fraction(self.counts[grade], self.total) if self.total else Fraction(0)

    @property
    def shares(self) -> dict[str, float]:
        return {grade: round(float(self.share(grade)), 4) for grade in Grade.values}

    @property
    def flagged(self) -> bool:
        return self.total > 0 and self.share(Grade.POOR) >= poor_threshold()


@dataclass
class CadreResult:
    cadre: Cadre
    ballots: int
    ethos: list[EthosResult] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return any(item.flagged for item in self.ethos)

    @property
    def flagged_ethos(self) -> list[Ethos]:
        return [item.ethos for item in self.ethos if item.flagged]

    @property
    def overall(self) -> str | None:
        """Excellent from a mean of 3.5 points, good from 2.5, fair from 1.5, else poor (excellent
        4 … poor 1); None without ballots."""
        points = 0
        count = 0
        for item in self.ethos:
            for grade, n in item.counts.items():
                points += POINTS[Grade(grade)] * n
                count += n
        if not count:
            return None
        mean = Fraction(points, count)
        for grade, floor in (
            (Grade.EXCELLENT, Fraction(7, 2)),
            (Grade.GOOD, Fraction(5, 2)),
            (Grade.FAIR, Fraction(3, 2)),
        ):
            if mean >= floor:
                return str(grade)
        return str(Grade.POOR)


def round_results(*, round: AppraisalRound, user: Any) -> list[CadreResult]:
    """Per cadre of the round and per ethos: the count of each grade, the shares and the flag. Only
    aggregates: the ballots are read by cadre, never by rater. The organization department and the
    discipline office read every cadre's results; a cadre only his own."""
    appraisees = round.appraisees.select_related("unit", "department").order_by("staff_number")
    if not roles.sees_whole_organisation(user):
        own = roles.cadre_of(user)
        appraisees = appraisees.filter(pk=own.pk) if own is not None else appraisees.none()
    ethos = list(Ethos.objects.order_by("order"))
    counts: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    ballots: Counter[int] = Counter()
    for cadre_id, grades in Ballot.objects.filter(round=round).values_list("cadre_id", "grades"):
        ballots[cadre_id] += 1
        for code, grade in grades.items():
            counts[cadre_id][code][grade] += 1
    results = []
    for cadre in appraisees:
        result = CadreResult(cadre=cadre, ballots=ballots[cadre.pk])
        for item in ethos:
            tally = counts[cadre.pk][item.code]
            result.ethos.append(
                EthosResult(
                    ethos=item, counts={g: tally[g] for g in Grade.values}, total=sum(tally[g] for g in Grade.values)
                )
            )
        results.append(result)
    return results
