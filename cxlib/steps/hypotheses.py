"""Strategic hypotheses tested against the measurements (seed 001: every strategic hypothesis must be
validated in each interaction with the customer).

The consultant declares each hypothesis in ``client.yaml`` (:class:`cxlib.inputs.strategy.Hypothesis`)
tied to measured survey fields; each is tested with the test its form calls for, on the unweighted
responses that have both fields:

Group comparison (``group:``), by the outcome's kind
    * NPS: difference of the two groups' NPS, adjusted-Wald variances summed, normal test (Rocks, B.
      (2016), Interval estimation for the "Net Promoter Score", *The American Statistician* 70(4),
      365-372).
    * yes/no outcome: difference of the two shares in percentage points, Agresti-Caffo interval and
      test (Agresti, A. & Caffo, B. (2000), Simple and effective confidence intervals for proportions
      and differences of proportions result from adding two successes and two failures, *The
      American Statistician* 54(4), 280-288).
    * any other numeric outcome (CSAT, CES, a pillar on 0-100): difference of means, Welch's t test
      and interval (Welch, B. L. (1947), The generalization of "Student's" problem when several
      different population variances are involved, *Biometrika* 34(1/2), 28-35).
Association (``driver:``)
    Spearman's rank correlation of the driver with the outcome, Fisher's z with the Bonett-Wright
    standard error ``sqrt((1 + r²/2) / (n − 3))`` (Bonett, D. G. & Wright, T. A. (2000), Sample size
    requirements for estimating Pearson, Kendall and Spearman correlations, *Psychometrika* 65(1),
    23-28).
Two drivers (``driver:`` and ``than:``)
    The difference of the two drivers' correlations with the same outcome (overlapping, dependent):
    Zou's interval (Zou, G. Y. (2007), Toward using confidence intervals to compare correlations,
    *Psychological Methods* 12(4), 399-413) and the test of Meng, X.-L., Rosenthal, R. & Rubin, D. B.
    (1992), Comparing correlated correlation coefficients, *Psychological Bulletin* 111(1), 172-175.

Multiplicity: Bonferroni across every testable hypothesis (Dunn 1961), with simultaneous intervals
at level ``1 − α / m``, so the family-wise chance of calling any hypothesis supported when none is
true stays at most α (on shuffled data: nothing supported beyond that share). A hypothesis is
*supported* when its adjusted p-value is below α and the effect goes the expected way,
*contradicted* when it is below α the other way, *not supported* otherwise, and *not testable* when
a field is not measured or a group has fewer than :data:`MIN_GROUP` responses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from cxlib.core.i18n import Translator
from cxlib.core.method import PILLAR_SPELLINGS, PILLARS, fold_name, normalise_name, vocabulary_aliases
from cxlib.inputs.client import Client
from cxlib.inputs.strategy import Hypothesis, Scalar
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.stats.metrics import difference_test, nps_components, nps_counts, simultaneous_level
from cxlib.stats.pillars import pillar_frame

#: Fewest responses per group (or pairs, for an association) for a hypothesis to be tested at all.
MIN_GROUP = 10
ALPHA = 0.05
VERDICTS = ("supported", "contradicted", "not_supported", "not_testable")
_TRUE, _FALSE = {"yes", "si", "true", "1", "y", "s"}, {"no", "false", "0", "n"}


@dataclass(frozen=True)
class Test:
    """One hypothesis' test: the effect (in ``unit``), its raw p-value and the responses used."""

    effect: float
    se: float
    p_value: float
    n: int
    unit: str
    #: Two drivers: their correlations with the outcome and with each other (for Zou's interval).
    correlations: tuple[float, float, float] | None = None


class NotTestable(Exception):
    """Why a hypothesis cannot be tested with these data (for the consultant's page)."""


def hypothesis_data(client: Client) -> pd.DataFrame:
    """The survey's typed columns with each pillar's 0-100 score per response (columns named by the
    pillar key: the mean of its items, each rescaled from its own scale, as the diagnosis scores
    it), the frame hypotheses are tested on."""
    survey = client.tables["survey"]
    items = [item for item in client.survey_items if item.pillar not in survey]
    return survey.join(pillar_frame(survey, items)) if items else survey


def resolve(name: str, data: pd.DataFrame, client: Client | None = None) -> str:
    """The column of ``data`` a consultant's field name means: the column itself, a pillar in any
    spelling, or (with ``client``) the export column it was mapped from."""
    if name in data:
        return name
    pillar = vocabulary_aliases("pillar", PILLARS, PILLAR_SPELLINGS).get(normalise_name(name))
    if pillar in data:
        return pillar
    column = client.survey_column(name) if client is not None else None
    if column in data:
        return column
    folded = {fold_name(str(known)): known for known in data.columns}
    if fold_name(name) in folded:
        return folded[fold_name(name)]
    raise NotTestable(f"'{name}' is not a survey field or a pillar measured for this client")


def _matches(values: pd.Series, wanted: Scalar | list[Scalar]) -> pd.Series:
    """Which ``values`` equal one of ``wanted``: yes/no answers by truth, numbers by value, text
    ignoring case and accents."""
    wanted = wanted if isinstance(wanted, list) else [wanted]
    if pd.api.types.is_bool_dtype(values):
        flags = {w if isinstance(w, bool) else fold_name(str(w)) in _TRUE for w in wanted}
        unknown = [w for w in wanted if not isinstance(w, bool) and fold_name(str(w)) not in _TRUE | _FALSE]
        if unknown:
            raise NotTestable(f"'{unknown[0]}' is not a yes/no answer")
        return values.isin(list(flags)).fillna(False).astype(bool)
    if pd.api.types.is_numeric_dtype(values):
        return values.isin(pd.to_numeric(pd.Series(wanted), errors="coerce").dropna().tolist())
    folded = {fold_name(str(w)) for w in wanted}
    return values.astype("string").map(lambda v: fold_name(v) in folded, na_action="ignore").fillna(False)


def _outcome_kind(name: str, values: pd.Series) -> str:
    if name == "nps":
        return "nps"
    if pd.api.types.is_bool_dtype(values):
        return "share"
    if pd.api.types.is_numeric_dtype(values):
        return "mean"
    raise NotTestable(f"the outcome '{name}' is not numeric nor yes/no")


def _group_test(outcome: pd.Series, kind: str, in_group: pd.Series, in_other: pd.Series) -> Test:
    a, b = outcome[in_group].dropna(), outcome[in_other].dropna()
    if min(len(a), len(b)) < MIN_GROUP:
        raise NotTestable(f"the groups have {len(a)} and {len(b)} responses (at least {MIN_GROUP} each)")
    if kind == "nps":
        (va, vb) = (nps_components(*nps_counts(s.astype(float))) for s in (a, b))
        value_a, value_b, var_a, var_b = float(va[0]), float(vb[0]), float(va[3]), float(vb[3])
        unit = "nps"
    elif kind == "share":
        # Agresti-Caffo: one success and one failure added to each group.
        pa, pb = ((s.astype(float).sum() + 1) / (len(s) + 2) for s in (a, b))
        value_a, value_b = 100 * pa, 100 * pb
        var_a, var_b = pa * (1 - pa) / (len(a) + 2), pb * (1 - pb) / (len(b) + 2)
        unit = "share"
    else:
        welch = scipy_stats.ttest_ind(a.astype(float), b.astype(float), equal_var=False)
        se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
        return Test(float(a.mean() - b.mean()), se, float(welch.pvalue), len(a) + len(b), "mean")
    tested = difference_test(value_a, value_b, var_a, var_b)
    se = 100 * float(np.sqrt(var_a + var_b))
    return Test(float(tested.difference), se, float(tested.p_value), len(a) + len(b), unit)


def _spearman(x: pd.Series, y: pd.Series) -> float:
    return float(x.rank().corr(y.rank()))


def _bonett_wright_se(r: float, n: int) -> float:
    return float(np.sqrt((1 + r**2 / 2) / (n - 3)))


def _association_test(outcome: pd.Series, driver: pd.Series) -> Test:
    pairs = pd.concat([driver.astype(float), outcome.astype(float)], axis=1).dropna()
    if len(pairs) < MIN_GROUP:
        raise NotTestable(f"{len(pairs)} responses carry both fields (at least {MIN_GROUP})")
    r = _spearman(pairs.iloc[:, 0], pairs.iloc[:, 1])
    if np.isnan(r):
        raise NotTestable("one of the fields does not vary")
    se = _bonett_wright_se(r, len(pairs))
    z = np.arctanh(np.clip(r, -0.999999, 0.999999))
    return Test(r, se, float(2 * scipy_stats.norm.sf(abs(z) / se)), len(pairs), "correlation")


def _two_drivers_test(outcome: pd.Series, first: pd.Series, second: pd.Series) -> Test:
    rows = pd.concat([first.astype(float), second.astype(float), outcome.astype(float)], axis=1).dropna()
    n = len(rows)
    if n < MIN_GROUP:
        raise NotTestable(f"{n} responses carry the three fields (at least {MIN_GROUP})")
    x1, x2, y = (rows.iloc[:, i] for i in range(3))
    r1, r2, r12 = _spearman(x1, y), _spearman(x2, y), _spearman(x1, x2)
    if np.isnan([r1, r2, r12]).any():
        raise NotTestable("one of the fields does not vary")
    # Meng, Rosenthal & Rubin (1992).
    mean_sq = (r1**2 + r2**2) / 2
    f = min((1 - r12) / (2 * (1 - mean_sq)), 1.0)
    h = (1 - f * mean_sq) / (1 - mean_sq)
    z = (np.arctanh(r1) - np.arctanh(r2)) * np.sqrt((n - 3) / (2 * (1 - r12) * h))
    p_value = float(2 * scipy_stats.norm.sf(abs(z)))
    return Test(r1 - r2, np.nan, p_value, n, "correlation_difference", (r1, r2, r12))


def _zou(r1: float, r2: float, r12: float, n: int, confidence: float) -> tuple[float, float]:
    """Zou's (2007) interval of ``r1 − r2`` for two correlations sharing a variable."""
    half = scipy_stats.norm.ppf(0.5 + confidence / 2)
    (l1, u1), (l2, u2) = (
        np.tanh(np.arctanh(r) + np.array([-1, 1]) * half * _bonett_wright_se(r, n)) for r in (r1, r2)
    )
    c = ((r12 - r1 * r2 / 2) * (1 - r1**2 - r2**2 - r12**2) + r12**3) / ((1 - r1**2) * (1 - r2**2))
    low = r1 - r2 - np.sqrt((r1 - l1) ** 2 + (u2 - r2) ** 2 - 2 * c * (r1 - l1) * (u2 - r2))
    high = r1 - r2 + np.sqrt((u1 - r1) ** 2 + (r2 - l2) ** 2 - 2 * c * (u1 - r1) * (r2 - l2))
    return float(low), float(high)


def _test_one(hypothesis: Hypothesis, data: pd.DataFrame, client: Client | None) -> Test:
    rows = pd.Series(True, index=data.index)
    for field, value in hypothesis.where.items():
        rows &= _matches(data[resolve(field, data, client)], value)
    data = data[rows]
    outcome_column = resolve(hypothesis.outcome, data, client)
    outcome = data[outcome_column]
    kind = _outcome_kind(outcome_column, outcome)
    if hypothesis.group is not None:
        field = data[resolve(hypothesis.group.field, data, client)]
        in_group = _matches(field, hypothesis.group.equals)
        in_other = (
            field.notna() & ~in_group
            if hypothesis.group.versus is None
            else _matches(field, hypothesis.group.versus)
        )
        return _group_test(outcome, kind, in_group, in_other)
    if kind == "nps" or kind == "share":
        outcome = outcome.astype(float)
    driver = data[resolve(hypothesis.driver, data, client)]
    if not (pd.api.types.is_numeric_dtype(driver) or pd.api.types.is_bool_dtype(driver)):
        raise NotTestable(f"the driver '{hypothesis.driver}' is not numeric")
    if hypothesis.than is None:
        return _association_test(outcome, driver)
    other = data[resolve(hypothesis.than, data, client)]
    return _two_drivers_test(outcome, driver, other)


def evaluate_hypotheses(
    hypotheses: list[Hypothesis],
    data: pd.DataFrame,
    client: Client | None = None,
    confidence: float = 1 - ALPHA,
) -> pd.DataFrame:
    """Test every hypothesis on ``data`` (:func:`hypothesis_data`), Bonferroni-corrected together.

    Returns
    -------
    DataFrame
        One row per hypothesis, in declared order: ``statement``, ``effect`` with ``low`` and ``high``
        (simultaneous interval), ``unit`` (``nps`` points, ``share`` percentage points, ``mean``
        difference, ``correlation``, ``correlation_difference``), ``n``, ``p_value``, ``p_adjusted``,
        ``verdict`` (:data:`VERDICTS`), ``small`` (fewer than 30 responses) and ``reason`` (why not
        testable, for the consultant).
    """
    tests: list[Test | None] = []
    reasons: list[str] = []
    for hypothesis in hypotheses:  # a handful of declared hypotheses
        try:
            tests.append(_test_one(hypothesis, data, client))
            reasons.append("")
        except NotTestable as why:
            tests.append(None)
            reasons.append(str(why))
    testable = sum(test is not None for test in tests)
    level = simultaneous_level(confidence, testable)
    half = scipy_stats.norm.ppf(0.5 + level / 2)
    rows = []
    for hypothesis, test, reason in zip(hypotheses, tests, reasons, strict=True):
        row = {"statement": hypothesis.statement, "expect": hypothesis.expect, "reason": reason}
        if test is None:
            rows.append(row | {"verdict": "not_testable", "n": 0, "small": False})
            continue
        if test.correlations is not None:
            low, high = _zou(*test.correlations, test.n, level)
        elif test.unit == "correlation":
            z = np.arctanh(np.clip(test.effect, -0.999999, 0.999999))
            low, high = np.tanh(z - half * test.se), np.tanh(z + half * test.se)
        else:
            low, high = test.effect - half * test.se, test.effect + half * test.se
        adjusted = min(test.p_value * testable, 1.0)
        direction = np.sign(test.effect) * (1 if hypothesis.expect == "higher" else -1)
        found = adjusted < 1 - confidence
        verdict = "not_supported" if not found else ("supported" if direction > 0 else "contradicted")
        rows.append(
            row
            | {
                "effect": test.effect,
                "low": float(low),
                "high": float(high),
                "unit": test.unit,
                "n": test.n,
                "p_value": test.p_value,
                "p_adjusted": adjusted,
                "verdict": verdict,
                "small": test.n < SMALL_SAMPLE,
            }
        )
    columns = ["statement", "expect", "effect", "low", "high", "unit", "n", "p_value", "p_adjusted"]
    return pd.DataFrame(rows).reindex(columns=columns + ["verdict", "small", "reason"])


UNIT_DECIMALS = {"nps": 1, "share": 1, "mean": 2, "correlation": 2, "correlation_difference": 2}


def hypotheses_table(results: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The verdicts for the report, in the client's language: the statement, what was measured
    (effect with its simultaneous interval), n, the adjusted p-value and the verdict."""
    measured = [
        t(
            f"hypotheses.unit.{row.unit}",
            value=t.interval(row.effect, row.low, row.high, UNIT_DECIMALS[row.unit]),
        )
        if row.verdict != "not_testable"
        else "–"
        for row in results.itertuples()
    ]
    return pd.DataFrame(
        {
            t("hypotheses.col.statement"): results["statement"].to_numpy(),
            t("hypotheses.col.measured"): measured,
            t("hypotheses.col.n"): [t.number(n) if n else "–" for n in results["n"]],
            t("hypotheses.col.p"): [t.p_cell(p) for p in results["p_adjusted"]],
            t("hypotheses.col.verdict"): [t(f"hypotheses.verdict.{v}") for v in results["verdict"]],
        }
    )


def verdict_counts(results: pd.DataFrame) -> dict[str, int]:
    """How many hypotheses got each verdict (:data:`VERDICTS`)."""
    counts = results["verdict"].value_counts()
    return {verdict: int(counts.get(verdict, 0)) for verdict in VERDICTS}


def published(results: pd.DataFrame) -> list[dict]:
    """The verdicts as the journey step publishes them (for the client index), each with the
    decimals its effect is written with."""
    keep = ["statement", "effect", "low", "high", "unit", "n", "p_adjusted", "verdict"]
    return [
        {key: (None if pd.isna(value) else value) for key, value in row.items()}
        | {"decimals": UNIT_DECIMALS.get(row["unit"], 2)}
        for row in results[keep].astype(object).to_dict(orient="records")
    ]


def summary_facts(results: pd.DataFrame, t: Translator) -> dict[str, str]:
    """The verdict counts for the report's summary sentence (``hypotheses.summary``)."""
    counts = verdict_counts(results)
    return {"total": t.number(len(results))} | {verdict: t.number(count) for verdict, count in counts.items()}
