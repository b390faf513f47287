"""Inter-coder agreement: chance-corrected coefficients and their bootstrap intervals.

``data`` is a list of coders, each a list of values per unit (``None`` = not coded); see
:mod:`qualcode.agreement.coefficients` for the definitions each coefficient follows.
:mod:`qualcode.agreement.units` turns a project's codings into such tables (character,
sentence, turn, document or segment units) and :mod:`qualcode.agreement.report` reports them.
"""

from qualcode.agreement.bootstrap import bootstrap_ci
from qualcode.agreement.coefficients import (
    AgreementError,
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

__all__ = [
    "AgreementError",
    "ReliabilityData",
    "bootstrap_ci",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]
