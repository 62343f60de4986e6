from fractions import Fraction

from app.domain.exam import Blueprint, Domain, Scale

MLS_C01 = Blueprint(
    code="MLS-C01",
    title="AWS Certified Machine Learning – Specialty",
    minutes=180,
    esl_extra_minutes=30,
    scored=50,
    unscored=15,
    scale=Scale(100, 750, 1000),
    default_cut_fraction=Fraction(7, 10),
    domains=(
        Domain("D1", "Data Engineering", 20, (("1.1", "a"),)),
        Domain("D2", "Exploratory Data Analysis", 24, (("2.1", "b"),)),
        Domain("D3", "Modeling", 36, (("3.1", "c"),)),
        Domain("D4", "Machine Learning Implementation and Operations", 20, (("4.1", "d"),)),
    ),
)
MLA_SCALE = Scale(100, 720, 1000)
