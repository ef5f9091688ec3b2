"""Generate the synthetic example labour-force survey shipped with mhr_indicators.

SYNTHETIC DATA: every person in it is invented by this script with a fixed seed. It imitates the
shape of a national labour-force survey with a migrant population (a stratified two-stage sample
with successive-difference replicate weights) so that the API, the docs and the tests have
something realistic to run on. It describes no real country.

Run from the repository root (takes a second, overwrites the files beside this script):

    python datasets/make_example_lfs.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20241115
REF_AREA = "XSY"  # ISO 3166-1 alpha-3 user-assigned range (XAA-XZZ): a fictional country
N_REPLICATES = 80
OUT = Path(__file__).resolve().parent

REGIONS = ["north", "south", "east", "west", "centre", "capital"]
ORIGINS = ["IND", "PHL", "MEX", "SYR", "UKR", "NGA", "ROU", "COL"]
ORIGIN_P = [0.18, 0.14, 0.13, 0.12, 0.13, 0.08, 0.12, 0.10]
SECTORS = list("ABCDEFGHIJKLMNOPQRSTU")
# employment shares by ISIC Rev.4 section: natives, then foreign-born
# (foreign-born heavier in A, C, F, I, N, Q, T)
NATIVE_SECTOR_P = np.array(
    [3, 0.3, 11, 0.7, 0.7, 6, 13, 5, 4, 4, 3, 1, 5, 4, 7, 8, 12, 2, 3, 0.3, 0.1]
)
MIGRANT_SECTOR_P = np.array(
    [8, 0.2, 13, 0.3, 0.5, 13, 11, 6, 12, 2, 1, 0.5, 3, 8, 2, 4, 10, 1, 2, 3.4, 0.1]
)
# relative pay by ISIC section
SECTOR_PAY_LIST = [0.75, 1.4, 1.0, 1.3, 1.1, 0.95, 0.9, 1.0, 0.8, 1.45, 1.5, 1.2, 1.3, 0.9, 1.15]
SECTOR_PAY_LIST += [1.05, 1.05, 0.9, 0.9, 0.7, 1.2]
SECTOR_PAY = dict(zip(SECTORS, SECTOR_PAY_LIST, strict=True))


def paley_hadamard(q: int = 79) -> np.ndarray:
    """Hadamard matrix of order q + 1 by Paley's first construction (q prime, q % 4 == 3)."""
    residues = {(i * i) % q for i in range(1, q)}
    chi = np.array([0] + [1 if k in residues else -1 for k in range(1, q)])
    jac = np.array([[chi[(j - i) % q] for j in range(q)] for i in range(q)])
    s = np.zeros((q + 1, q + 1), dtype=int)
    s[0, 1:] = 1
    s[1:, 0] = -1
    s[1:, 1:] = jac
    h = np.eye(q + 1, dtype=int) + s
    assert (h @ h.T == (q + 1) * np.eye(q + 1)).all()
    return h


def sdr_factors(n_psu: int) -> np.ndarray:
    """Successive-difference replicate factors (Fay and Train 1995, as the ACS) per PSU.

    PSUs, in sampling order, take Hadamard rows a and a + 1 cyclically over rows 1..79; factor
    f = 1 + 2^(-3/2) (h[a, r] - h[a+1, r]), in {0.29, 1, 1.71}.
    """
    h = paley_hadamard()
    k = np.arange(n_psu)
    a1 = k % (N_REPLICATES - 1) + 1
    a2 = (k + 1) % (N_REPLICATES - 1) + 1
    return 1 + 2**-1.5 * (h[a1] - h[a2])


def make(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    people = []
    psu_rows = []
    psu_counter = 0
    for r_i, region in enumerate(REGIONS):
        for urban in (1, 0):
            stratum = f"{region}-{'urban' if urban else 'rural'}"
            pop_psus = int(rng.integers(120, 400))
            n_psu = int(rng.integers(9, 14))
            migrant_level = (0.30 if region == "capital" else 0.12 + 0.03 * r_i) * (
                1.0 if urban else 0.5
            )
            for _ in range(n_psu):
                psu_counter += 1
                psu = f"P{psu_counter:04d}"
                psu_share = np.clip(rng.beta(2, 2 / migrant_level - 2), 0.0, 0.9)
                households = int(rng.integers(160, 260))
                m = 10
                base_w = (pop_psus / n_psu) * (households / m)
                psu_rows.append(psu)
                for h_i in range(m):
                    hh = f"{psu}-H{h_i:02d}"
                    migrant_hh = rng.random() < psu_share
                    size = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.2, 0.3, 0.2, 0.17, 0.09, 0.04]))
                    nonresp = rng.uniform(0.85, 1.3)
                    origin = rng.choice(ORIGINS, p=ORIGIN_P) if migrant_hh else REF_AREA
                    years = rng.gamma(2.0, 6.0) if migrant_hh else np.nan
                    for p_i in range(size):
                        adult = p_i < 2 or rng.random() < 0.15
                        age = int(rng.integers(18, 80)) if adult else int(rng.integers(0, 18))
                        born_abroad = migrant_hh and (adult or rng.random() < 0.4)
                        people.append(
                            dict(
                                stratum=stratum,
                                psu=psu,
                                fpc=pop_psus,
                                household_id=hh,
                                weight=base_w * nonresp,
                                region=region,
                                urban=urban,
                                age=age,
                                sex="F" if rng.random() < 0.505 else "M",
                                born_abroad=int(born_abroad),
                                origin=origin if born_abroad else REF_AREA,
                                years_in_country=min(years, age) if born_abroad else np.nan,
                            )
                        )
    df = pd.DataFrame(people)
    n = len(df)
    u = rng.random
    mig = df["born_abroad"].to_numpy() == 1
    age = df["age"].to_numpy()
    female = df["sex"].to_numpy() == "F"

    # citizenship and legal status (naturalisation more likely the longer the stay)
    naturalised = mig & (
        u(n) < np.clip(np.nan_to_num(df["years_in_country"].to_numpy()) / 25, 0, 0.7)
    )
    status_p = {
        "permanent_resident": 0.34,
        "temporary_resident": 0.26,
        "refugee": 0.13,
        "asylum_seeker": 0.08,
        "irregular": 0.11,
        "not_stated": 0.08,
    }
    foreign_status = rng.choice(list(status_p), size=n, p=list(status_p.values()))
    legal = np.where(~mig | naturalised, "citizen", foreign_status)
    # children born in the country to foreign parents: citizens by birth in this fictional law
    df["citizenship"] = np.where(mig & ~naturalised, df["origin"], REF_AREA)
    df["legal_status"] = legal
    df["foreign_citizen"] = (df["citizenship"] != REF_AREA).astype(int)
    df["country_of_birth"] = df["origin"]
    # education: ISCED 2011 level (0-8) for adults; migrants more polarised
    ed_native = rng.choice(
        np.arange(9), size=n, p=[0.02, 0.06, 0.14, 0.38, 0.07, 0.08, 0.15, 0.08, 0.02]
    )
    ed_migrant = rng.choice(
        np.arange(9), size=n, p=[0.07, 0.13, 0.15, 0.27, 0.05, 0.06, 0.14, 0.10, 0.03]
    )
    edu = np.where(mig, ed_migrant, ed_native)
    edu = np.where(
        age < 6,
        0,
        np.where(age < 12, np.minimum(edu, 1), np.where(age < 18, np.minimum(edu, 2), edu)),
    )
    df["education"] = edu
    # school / education attendance
    p_school = np.select([age < 5, age <= 15, age <= 18, age <= 24], [0.3, 0.985, 0.85, 0.38], 0.02)
    p_school = np.where(mig, p_school * np.where(age <= 15, 0.95, 0.8), p_school)
    p_school = np.where(np.isin(legal, ["irregular", "asylum_seeker"]), p_school * 0.85, p_school)
    df["in_education"] = (u(n) < p_school).astype(int)

    # labour status for ages 15+
    wa = age >= 15
    p_lf = np.select([age < 20, age < 25, age < 55, age < 65], [0.3, 0.7, 0.9, 0.7], 0.1)
    p_lf = p_lf * np.where(female, 0.86, 1.0) * np.where(mig & female, 0.85, 1.0)
    p_lf = np.where(df["in_education"].to_numpy() == 1, p_lf * 0.35, p_lf)
    p_lf = np.where(legal == "asylum_seeker", p_lf * 0.5, p_lf)
    in_lf = wa & (u(n) < p_lf)
    p_unemp = np.where(mig, 0.11, 0.055) * np.where(age < 25, 2.0, 1.0)
    p_unemp = np.where(np.isin(legal, ["refugee", "asylum_seeker"]), p_unemp * 1.6, p_unemp)
    unemployed = in_lf & (u(n) < p_unemp)
    employed = in_lf & ~unemployed
    df["labour_status"] = np.where(
        ~wa,
        None,
        np.where(employed, "employed", np.where(unemployed, "unemployed", "outside_labour_force")),
    )
    df["employed"] = np.where(wa, employed.astype(float), np.nan)
    df["unemployed"] = np.where(wa, unemployed.astype(float), np.nan)
    df["in_labour_force"] = np.where(wa, in_lf.astype(float), np.nan)

    sector = np.where(
        mig,
        rng.choice(SECTORS, size=n, p=MIGRANT_SECTOR_P / MIGRANT_SECTOR_P.sum()),
        rng.choice(SECTORS, size=n, p=NATIVE_SECTOR_P / NATIVE_SECTOR_P.sum()),
    )
    df["sector"] = np.where(employed, sector, None)
    hours = np.clip(rng.normal(np.where(female, 35, 41), 9), 4, 80).round()
    df["hours"] = np.where(employed, hours, np.nan)
    p_inf = np.where(mig, 0.33, 0.14) * np.where(legal == "irregular", 2.0, 1.0)
    p_inf = np.where(np.isin(sector, ["A", "F", "T"]), p_inf * 1.6, p_inf)
    df["informal"] = np.where(employed, (u(n) < np.clip(p_inf, 0, 0.95)).astype(float), np.nan)
    # monthly earnings (local currency units): lognormal, lower for migrants, women, informal jobs
    pay = np.array([SECTOR_PAY[s] for s in sector])
    log_mu = (
        np.log(2400)
        + np.log(pay)
        + 0.07 * (edu - 3)
        + np.where(female, -0.13, 0.0)
        + np.where(mig, -0.16, 0.0)
        + np.where(df["informal"].to_numpy() == 1, -0.3, 0.0)
        + 0.004 * np.clip(age - 25, 0, 30)
        + np.log(hours / 40) * 0.8
    )
    earnings = np.exp(rng.normal(log_mu, 0.45)).round(-1)
    item_nr = u(n) < 0.06
    df["earnings"] = np.where(employed & ~item_nr, earnings, np.nan)
    # health cover
    p_cov = np.where(mig, 0.82, 0.93)
    p_cov = np.where(legal == "irregular", 0.35, np.where(legal == "asylum_seeker", 0.6, p_cov))
    df["health_insurance"] = (u(n) < p_cov).astype(int)

    # not-stated birthplace (1%): kept apart, never folded into natives
    ns = u(n) < 0.01
    df.loc[ns, ["born_abroad", "country_of_birth"]] = np.nan
    df["born_abroad"] = df["born_abroad"].astype(float)
    df.loc[ns, "legal_status"] = "not_stated"
    _add_modules(df, rng, mig, legal, employed, edu, age, female)
    _add_rights_modules(df, rng, mig, legal, employed, age, female)

    bands = [0, 15, 25, 35, 45, 55, 65, 200]
    labels = ["Y0T14", "Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65"]
    df["age_group"] = pd.cut(df["age"], bins=bands, right=False, labels=labels).astype(str)

    # successive-difference replicate weights at PSU level, PSUs in sampling order
    psu_codes, _ = pd.factorize(df["psu"])
    factors = sdr_factors(psu_codes.max() + 1)[psu_codes]
    df["weight"] = df["weight"].round(2)
    # replicate weight = weight x exact factor (no rounding: rounding noise would blur the rank of
    # the replicate weights, which sets the design degrees of freedom)
    reps = pd.DataFrame(
        df["weight"].to_numpy()[:, None] * factors,
        columns=[f"rw{r}" for r in range(1, N_REPLICATES + 1)],
    )
    df.insert(0, "person_id", np.arange(1, n + 1))
    df.insert(1, "ref_area", REF_AREA)
    df.insert(2, "time_period", 2024)
    df = df.drop(columns=["origin", "years_in_country"])
    out = pd.concat([df, reps], axis=1)
    _add_disaggregations(out, seed)
    return out


def _add_disaggregations(df: pd.DataFrame, seed: int) -> None:
    """Source-style columns for the optional disaggregations by disability and urban/rural area,
    drawn from a random stream of their own (seeded by ``[seed, 2]``) and added last, so that
    every earlier column and value is exactly what it was without them.

    - ``wg_ss``: the highest level of difficulty a person reports over the six domains of the
      Washington Group Short Set (seeing, hearing, walking, remembering, self-care,
      communicating): 1 no difficulty, 2 some, 3 a lot, 4 cannot do at all; asked of persons
      aged 5 and over (missing under 5). Difficulty rises with age.
    - ``degurba``: the Degree of Urbanisation of the PSU (level 1: 1 cities, 2 towns and
      semi-dense areas, 3 rural areas); urban strata hold cities and towns, rural strata mostly
      rural areas.
    """
    rng = np.random.default_rng([seed, 2])
    age = df["age"].to_numpy()
    p_some = np.clip(0.10 + 0.004 * age, 0, 0.6)
    p_a_lot = np.clip(0.02 + 0.003 * np.maximum(age - 40, 0), 0, 0.3)
    u = rng.random(len(df))
    level = np.select([u < p_a_lot * 0.25, u < p_a_lot, u < p_a_lot + p_some], [4, 3, 2], 1)
    df["wg_ss"] = np.where(age >= 5, level.astype(float), np.nan)
    psus = df[["psu", "stratum"]].drop_duplicates("psu")
    urban = psus["stratum"].str.endswith("-urban").to_numpy()
    capital = psus["stratum"].str.startswith("capital").to_numpy()
    v = rng.random(len(psus))
    city = v < np.where(capital, 0.9, 0.55)
    degurba = np.where(urban, np.where(city, 1, 2), np.where(v < 0.8, 3, 2))
    df["degurba"] = df["psu"].map(dict(zip(psus["psu"], degurba, strict=True))).astype(int)


def _add_modules(df, rng, mig, legal, employed, edu, age, female) -> None:
    """Variables of the other rights' survey modules (drawn after all the labour-force ones, so
    adding them left every earlier column unchanged)."""
    n = len(df)
    u = rng.random
    adult = age >= 16
    irregular = legal == "irregular"
    refugee = np.isin(legal, ["refugee", "asylum_seeker"])
    # ISCO-08 major group (1-9) of the employed; tertiary-educated migrants are more often in
    # jobs below their qualification (groups 4-9)
    high = np.where(edu >= 5, np.where(mig, 0.62, 0.80), np.where(mig, 0.08, 0.18))
    skilled = u(n) < high
    occupation = np.where(
        skilled,
        rng.choice([1, 2, 3], size=n, p=[0.2, 0.45, 0.35]),
        rng.choice([4, 5, 6, 7, 8, 9], size=n, p=[0.15, 0.27, 0.05, 0.18, 0.12, 0.23]),
    )
    df["occupation"] = np.where(employed, occupation, np.nan)
    self_employed = employed & (u(n) < 0.18)
    temp = u(n) < np.where(mig, 0.27, 0.11)
    df["temporary_contract"] = np.where(employed & ~self_employed, temp.astype(float), np.nan)
    wants = u(n) < np.where(mig, 0.45, 0.28)
    df["wants_more_hours"] = np.where(employed, wants.astype(float), np.nan)
    contrib = (u(n) < np.where(mig, 0.66, 0.88)) & (df["informal"].to_numpy() != 1)
    df["social_security_contributor"] = np.where(employed, contrib.astype(float), np.nan)
    p_prot = np.where(irregular, 0.1, np.where(mig, 0.52, 0.71))
    df["social_protection"] = (u(n) < p_prot).astype(int)
    p_pov = np.where(mig, 0.27, 0.13) * np.where(refugee | irregular, 1.6, 1.0)
    p_pov = np.where(employed, p_pov * 0.5, p_pov)
    df["at_risk_of_poverty"] = (u(n) < p_pov).astype(int)
    p_unmet = np.where(irregular, 0.2, np.where(mig, 0.08, 0.04))
    df["unmet_medical_need"] = np.where(adult, (u(n) < p_unmet).astype(float), np.nan)
    p_good = np.clip(0.92 - 0.006 * np.clip(age - 30, 0, None), 0.3, 0.95) + np.where(mig, 0.02, 0)
    df["good_health"] = np.where(adult, (u(n) < p_good).astype(float), np.nan)
    p_unsafe = np.where(mig, 0.26, 0.2) * np.where(female, 1.5, 1.0)
    df["feels_unsafe"] = np.where(age >= 15, (u(n) < p_unsafe).astype(float), np.nan)
    p_disc = np.where(mig, 0.22, 0.08)
    df["experienced_discrimination"] = np.where(age >= 18, (u(n) < p_disc).astype(float), np.nan)
    recent = employed & mig & np.isin(legal, ["temporary_resident", "irregular"])
    cost = rng.gamma(2.0, 0.6, size=n).round(2)
    df["recruitment_cost_ratio"] = np.where(recent & (u(n) < 0.7), cost, np.nan)
    # household-level conditions, shared by every member
    households, hh_idx = np.unique(df["household_id"], return_inverse=True)
    hh_mig = np.zeros(len(households))
    np.maximum.at(hh_mig, hh_idx, mig.astype(float))
    hh_mig = hh_mig.astype(bool)
    h = len(households)
    df["overcrowded"] = (rng.random(h) < np.where(hh_mig, 0.25, 0.08))[hh_idx].astype(int)
    df["housing_cost_overburden"] = (rng.random(h) < np.where(hh_mig, 0.2, 0.09))[hh_idx].astype(
        int
    )
    df["social_housing"] = (rng.random(h) < np.where(hh_mig, 0.07, 0.1))[hh_idx].astype(int)
    union = u(n) < np.where(mig, 0.11, 0.19)
    df["union_member"] = np.where(employed & ~self_employed, union.astype(float), np.nan)


def _add_rights_modules(df, rng, mig, legal, employed, age, female) -> None:
    """Variables of the rights added in catalogue 2026.12.0 (forced labour, domestic work,
    children, standard of living, violence), drawn after every earlier variable, so that adding
    them left every earlier column unchanged."""
    n = len(df)
    u = rng.random
    irregular = legal == "irregular"
    temporary = np.isin(legal, ["temporary_resident", "irregular"])
    # derived from earlier draws (no new random numbers): employees are the employed with a
    # contract type (the self-employed have none); recently recruited migrant workers are the
    # employed foreign-born on temporary or irregular status (the recruitment-cost module)
    employee = employed & df["temporary_contract"].notna().to_numpy()
    df["employee"] = np.where(employed, employee.astype(float), np.nan)
    recent = employed & mig & temporary
    df["recently_recruited"] = np.where(employed, recent.astype(float), np.nan)
    # available to work more hours (asked of every employed person)
    df["available_more_hours"] = np.where(employed, (u(n) < 0.8).astype(float), np.nan)
    # forced labour (20th ICLS guidelines), identity documents held by the employer
    p_forced = np.where(mig, 0.035, 0.004) * np.where(irregular, 3.0, 1.0)
    df["forced_labour"] = np.where(employed, (u(n) < p_forced).astype(float), np.nan)
    p_docs = np.where(mig, 0.06, 0.003) * np.where(temporary, 2.0, 1.0)
    df["documents_retained"] = np.where(employee, (u(n) < p_docs).astype(float), np.nan)
    # pay below the minimum wage (employees) and no weekly rest of 24 hours: worse in
    # domestic work (ISIC section T)
    domestic = df["sector"].to_numpy() == "T"
    p_below = np.clip(np.where(mig, 0.12, 0.05) * np.where(domestic, 3.0, 1.0), 0, 0.9)
    df["below_minimum_wage"] = np.where(employee, (u(n) < p_below).astype(float), np.nan)
    p_no_rest = np.where(mig, 0.06, 0.03) * np.where(domestic, 4.0, 1.0)
    df["weekly_rest"] = np.where(employed, (u(n) >= p_no_rest).astype(float), np.nan)
    # child labour, ages 5-17 (SDG 8.7.1)
    child = (age >= 5) & (age <= 17)
    p_child = np.where(mig, 0.04, 0.015) * np.where(age >= 12, 1.5, 1.0)
    df["child_labour"] = np.where(child, (u(n) < p_child).astype(float), np.nan)
    # violence in the last 12 months, ages 15+ (SDG 16.1.3), bias-motivated crime, and
    # intimate-partner violence against ever-partnered women (SDG 5.2.1)
    older = age >= 15
    p_violence = np.where(mig, 0.16, 0.11)
    df["violence_victim"] = np.where(older, (u(n) < p_violence).astype(float), np.nan)
    p_bias = np.where(mig, 0.05, 0.01)
    df["bias_crime_victim"] = np.where(older, (u(n) < p_bias).astype(float), np.nan)
    partnered = female & older & (u(n) < 0.8)
    p_partner = np.where(mig, 0.07, 0.05)
    df["partner_violence"] = np.where(partnered, (u(n) < p_partner).astype(float), np.nan)
    # household food insecurity (FIES, SDG 2.1.2), food assistance, drinking water and
    # sanitation services (SDG 6.1.1, 6.2.1), shared by every member
    households, hh_idx = np.unique(df["household_id"], return_inverse=True)
    hh_mig = np.zeros(len(households))
    np.maximum.at(hh_mig, hh_idx, mig.astype(float))
    hh_mig = hh_mig.astype(bool)
    h = len(households)
    df["food_insecure"] = (rng.random(h) < np.where(hh_mig, 0.18, 0.07))[hh_idx].astype(int)
    df["food_assistance"] = (rng.random(h) < np.where(hh_mig, 0.3, 0.45))[hh_idx].astype(int)
    water = rng.random(h) < np.where(hh_mig, 0.9, 0.97)
    df["safely_managed_water"] = water[hh_idx].astype(int)
    sanitation = rng.random(h) < np.where(hh_mig, 0.85, 0.95)
    df["safely_managed_sanitation"] = sanitation[hh_idx].astype(int)


def make_stock(df: pd.DataFrame) -> pd.DataFrame:
    """A tidy migrant-stock table for XSY: 2024 from the survey's weighted totals (rounded),
    2019 invented (90% of the 2024 stock, 97% of the population)."""
    rows = []
    w = df["weight"]
    groups = {
        "migrant_stock": df["born_abroad"] == 1,
        "population": pd.Series(True, df.index),
        "refugees": df["legal_status"].isin(["refugee", "asylum_seeker"]),
        "foreign_citizen_stock": df["foreign_citizen"] == 1,
    }
    for measure, mask in groups.items():
        for sex in ("_T", "F", "M"):
            sel = mask if sex == "_T" else mask & (df["sex"] == sex)
            value = round(float(w[sel].sum()), -1)
            rows.append((REF_AREA, "2024", sex, measure, value))
            factor = 0.97 if measure == "population" else 0.9
            rows.append((REF_AREA, "2019", sex, measure, round(value * factor, -1)))
    rows.append((REF_AREA, "2024", "_T", "refugees_from_country", 1200.0))
    out = pd.DataFrame(rows, columns=["ref_area", "time_period", "sex", "measure", "value"])
    out["data_type"] = "B"
    return out


ADMIN = [  # (measure, sex, population, value): invented administrative counts for XSY, 2024
    ("immigration_detention", "_T", "total", 850),
    ("immigration_detention", "F", "total", 170),
    ("immigration_detention", "M", "total", 680),
    ("children_immigration_detention", "_T", "total", 40),
    ("detention_cases_court_review", "_T", "total", 610),
    ("detention_days", "_T", "total", 22400),
    ("detention_releases", "_T", "total", 800),
    ("detected_trafficking_victims", "_T", "total", 96),
    ("detected_trafficking_victims", "F", "total", 70),
    ("detected_trafficking_victims", "M", "total", 26),
    ("trafficking_victims_assisted", "_T", "total", 81),
    ("occupational_injuries", "_T", "foreign_born", 410),
    ("occupational_injuries", "_T", "native_born", 1650),
    ("workers", "_T", "foreign_born", 120000),
    ("workers", "_T", "native_born", 780000),
    ("deaths_during_migration", "_T", "total", 37),
    ("deaths_remains_identified", "_T", "total", 15),
    ("naturalisations", "_T", "total", 5200),
    ("naturalisation_decisions", "_T", "total", 5600),
    ("naturalisation_decisions_in_time", "_T", "total", 4100),
    ("discrimination_complaints", "_T", "total", 240),
    ("discrimination_complaints_investigated", "_T", "total", 168),
    ("labour_inspections_migrant_sectors", "_T", "total", 1300),
    ("establishments_migrant_sectors", "_T", "total", 21000),
    # added with catalogue 2026.12.0
    ("occupational_injuries_fatal", "_T", "foreign_born", 6),
    ("occupational_injuries_fatal", "_T", "native_born", 14),
    ("occupational_injuries_nonfatal", "_T", "foreign_born", 404),
    ("occupational_injuries_nonfatal", "_T", "native_born", 1636),
    ("remittance_cost", "_T", "total", 126),  # 10 corridors x USD 200: fees + FX margin
    ("remittance_amount", "_T", "total", 2000),
    ("deaths_immigration_detention", "_T", "total", 2),
    ("ill_treatment_complaints_detention", "_T", "total", 18),
    ("ill_treatment_complaints_investigated", "_T", "total", 12),
    ("border_killed_injured", "_T", "total", 23),
    ("removal_cases", "_T", "total", 1900),
    ("removal_cases_legal_representation", "_T", "total", 1140),
    ("removal_cases_interpretation_needed", "_T", "total", 1500),
    ("removal_cases_interpreter", "_T", "total", 1380),
    ("labour_claims_closed", "_T", "foreign_citizen", 420),
    ("labour_claims_closed", "_T", "national", 2600),
    ("labour_claims_remedied", "_T", "foreign_citizen", 231),
    ("labour_claims_remedied", "_T", "national", 1690),
    ("family_reunification_decisions", "_T", "total", 3100),
    ("family_reunification_decision_days", "_T", "total", 589000),
    ("family_reunification_granted", "_T", "total", 2480),
    ("unaccompanied_children_identified", "_T", "total", 120),
    ("unaccompanied_children_guardian", "_T", "total", 97),
    ("births", "_T", "children_of_foreign_citizen_mothers", 2400),
    ("births", "_T", "children_of_national_mothers", 18100),
    ("births_registered_in_time", "_T", "children_of_foreign_citizen_mothers", 2150),
    ("births_registered_in_time", "_T", "children_of_national_mothers", 17800),
    ("homeless_persons", "_T", "foreign_citizen", 1150),
    ("homeless_persons", "_T", "national", 2900),
    ("residents", "_T", "foreign_citizen", 169860),
    ("residents", "_T", "national", 1741930),
    ("hate_crimes_migrants_recorded", "_T", "total", 140),
    ("hate_crimes_migrants_prosecuted", "_T", "total", 52),
    ("residence_permits_valid", "_T", "foreign_citizen", 150000),
    ("residence_permits_long_term", "_T", "foreign_citizen", 61500),
    ("asylum_decisions_first_instance", "_T", "total", 4200),
    ("asylum_decisions_first_instance", "F", "total", 1600),
    ("asylum_decisions_first_instance", "M", "total", 2600),
    ("asylum_decisions_positive", "_T", "total", 1890),
    ("asylum_decisions_positive", "F", "total", 800),
    ("asylum_decisions_positive", "M", "total", 1090),
    ("asylum_decision_days", "_T", "total", 1008000),
]

LEGAL = [  # (instrument, instrument_type, status, year, coverage): invented records for XSY
    # coverage (laws and policies): all_migrants (regardless of status), regular_only, none
    ("ICRMW", "treaty", "not_signed", None, None),
    ("ICESCR", "treaty", "ratified", 1976, None),
    ("ICCPR", "treaty", "ratified", 1978, None),
    ("CAT", "treaty", "ratified", 1989, None),
    ("ICERD", "treaty", "ratified", 1970, None),
    ("CEDAW", "treaty", "ratified", 1983, None),
    ("CRC", "treaty", "ratified", 1991, None),
    ("CPED", "treaty", "signed", None, None),
    ("ILO-C097", "ilo_convention", "not_signed", None, None),
    ("ILO-C143", "ilo_convention", "not_signed", None, None),
    ("ILO-C189", "ilo_convention", "ratified", 2019, None),
    ("PALERMO-PROTOCOL", "treaty", "ratified", 2005, None),
    ("POLICY-NO-CHILD-DETENTION", "policy", "not_in_force", None, "none"),
    ("POLICY-HEALTH-IRREGULAR-ACCESS", "policy", "in_force", 2021, "all_migrants"),
    ("POLICY-SCHOOL-ENROLMENT-ALL", "policy", "in_force", 2010, "all_migrants"),
    ("POLICY-ANTIDISCRIMINATION-ALL-MIGRANTS", "policy", "in_force", 2015, "all_migrants"),
    ("POLICY-RENTAL-NONDISCRIMINATION", "policy", "not_in_force", None, "none"),
    ("POLICY-LOCAL-VOTING-FOREIGN-RESIDENTS", "policy", "in_force", 2008, "regular_only"),
    ("SSA-IND", "social_security_agreement", "in_force", 2016, None),
    ("SSA-PHL", "social_security_agreement", "in_force", 2012, None),
    ("SSA-MEX", "social_security_agreement", "not_in_force", None, None),
    # added with catalogue 2026.12.0
    ("OPCAT", "treaty", "ratified", 2012, None),
    ("ILO-P029", "ilo_convention", "ratified", 2017, None),
    ("ILO-C181", "ilo_convention", "not_signed", None, None),
    ("ILO-C182", "ilo_convention", "ratified", 2001, None),
    ("REFUGEE-CONVENTION-1951", "treaty", "ratified", 1960, None),
    ("REFUGEE-PROTOCOL-1967", "treaty", "ratified", 1968, None),
    ("STATELESSNESS-CONVENTION-1954", "treaty", "ratified", 1999, None),
    ("STATELESSNESS-CONVENTION-1961", "treaty", "not_signed", None, None),
    ("SMUGGLING-PROTOCOL", "treaty", "ratified", 2005, None),
    ("POLICY-HEALTH-CARE-BEYOND-EMERGENCIES", "policy", "in_force", 2021, "all_migrants"),
    ("POLICY-HEALTH-FIREWALL", "policy", "not_in_force", None, "none"),
    ("POLICY-REMOVAL-INDIVIDUAL-ASSESSMENT", "policy", "in_force", 2008, "all_migrants"),
    ("POLICY-LEGAL-AID-DETENTION-REMOVAL", "policy", "in_force", 2012, "regular_only"),
    ("POLICY-FAMILY-REUNIFICATION-TEMPORARY-WORKERS", "policy", "not_in_force", None, "none"),
    ("POLICY-FAMILY-REUNIFICATION-PROTECTION", "policy", "in_force", 2015, "regular_only"),
    ("POLICY-BIRTH-REGISTRATION-ALL", "policy", "in_force", 1995, "all_migrants"),
    ("POLICY-FOOD-ASSISTANCE-ALL", "policy", "not_in_force", None, "none"),
    ("POLICY-HATE-CRIME-MIGRANTS", "policy", "in_force", 2011, "all_migrants"),
    ("SDG1072-DOMAIN1-MIGRANT-RIGHTS", "policy_assessment", "in_force", 2023, None),
]


def main() -> None:
    df = make()
    df.to_parquet(OUT / "example_lfs.parquet", index=False)
    df.to_csv(OUT / "example_lfs.csv", index=False, float_format="%.12g")
    make_stock(df).to_csv(OUT / "example_stock.csv", index=False)
    admin = pd.DataFrame(ADMIN, columns=["measure", "sex", "population", "value"])
    admin.insert(0, "time_period", "2024")
    admin.insert(0, "ref_area", REF_AREA)
    admin.to_csv(OUT / "example_admin.csv", index=False)
    legal = pd.DataFrame(
        LEGAL, columns=["instrument", "instrument_type", "status", "year", "coverage"]
    )
    legal.insert(0, "ref_area", REF_AREA)
    legal["year"] = legal["year"].astype("Int64")
    legal["as_of"] = "2024"
    legal["source"] = "synthetic legal records (not real)"
    legal.to_csv(OUT / "example_legal.csv", index=False)
    print(
        f"wrote {len(df)} persons, {df['psu'].nunique()} PSUs in {df['stratum'].nunique()} strata"
        f" to {OUT}"
    )


if __name__ == "__main__":
    main()
