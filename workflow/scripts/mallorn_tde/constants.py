"""Names, patterns and numbers shared across the workflow: the rules files (through common.smk), the scripts,
the feature sets, ingest and the simulator each take them from here.

It imports nothing, so every job and the rules files can import it for free.
"""

FILTERS = ("u", "g", "r", "i", "z", "y")

# LSST effective wavelengths in Angstrom, as given with the challenge data.
EFF_WAVELENGTH_AA = {"u": 3641.0, "g": 4704.0, "r": 6155.0, "i": 7504.0, "z": 8695.0, "y": 10056.0}

# Milky Way dust law used by the challenge: Fitzpatrick (1999) with R_V = 3.1 (see mallorn_tde.dust).
R_V = 3.1

# Flat LambdaCDM of the simulator and of the physics features' distances.
H0 = 70.0  # km/s/Mpc
OM0 = 0.3
# Columns the catalogue adds to each validated log: luminosity distance (Mpc) and distance modulus.
DISTANCE_COLUMNS = ("lum_dist_mpc", "distmod")

# Physical constants in cgs: CODATA 2018, the values astropy.constants gives (tests/test_constants.py checks
# them against astropy). Written out because the feature jobs must not pay astropy's import (~0.5 s each).
H_CGS = 6.62607015e-27  # Planck constant, erg s
K_B_CGS = 1.380649e-16  # Boltzmann constant, erg / K
C_CGS = 2.99792458e10  # speed of light, cm / s
# Stefan-Boltzmann, erg cm^-2 s^-1 K^-4, to CODATA's 10 digits: astropy derives it from h, k_B and c to the
# last bit (5.6703744191844314e-5); using that would move the features' blackbody luminosities in their
# last digits and with them every output.
SIGMA_SB_CGS = 5.670374419e-5
MPC_CM = 3.0856775814913673e24  # one megaparsec in cm
UJY_CGS = 1e-29  # one microjansky in erg s^-1 cm^-2 Hz^-1
AB_ZERO_POINT_UJY = 23.9  # AB magnitude of a flux of one microjansky: m = 23.9 - 2.5 log10(f / uJy)

# Column names exactly as the challenge files spell them.
LC_COLUMNS = ("object_id", "Time (MJD)", "Flux", "Flux_err", "Filter")
TRAIN_LOG_COLUMNS = ("object_id", "Z", "Z_err", "EBV", "SpecType", "English Translation", "split", "target")
TEST_LOG_COLUMNS = ("object_id", "Z", "Z_err", "EBV", "SpecType", "English Translation", "split")
SUBMISSION_COLUMNS = ("object_id", "prediction")

# The files of a data set in the challenge layout.
SIDES = ("train", "test")
SAMPLE_SUBMISSION = "sample_submission.csv"
SPLIT_PATTERN = r"split_\d+"  # a split folder's name (any number of digits; the challenge has two)


def log_filename(side: str) -> str:
    """File name of one side's log in the data folder."""
    return f"{side}_log.csv"


def lightcurve_filename(side: str) -> str:
    """File name of one side's lightcurves inside a split folder."""
    return f"{side}_full_lightcurves.csv"


def split_name(i: int) -> str:
    """Folder name of split number i (1-based), e.g. split_07."""
    return f"split_{i:02d}"


# Model-fitting scopes: one per outer cross-validation fold (fold_1 ... fold_K), and the final fit on every
# training object. Scopes name folders (results/model/{scope}), Optuna journals and the keys of metrics.json.
FINAL_SCOPE = "final"
FOLD_PREFIX = "fold_"
FOLD_SCOPE_PATTERN = rf"{FOLD_PREFIX}\d+"
SCOPE_PATTERN = rf"{FOLD_SCOPE_PATTERN}|{FINAL_SCOPE}"


def fold_scope(k: int) -> str:
    """The scope of outer fold k."""
    return f"{FOLD_PREFIX}{k}"


def fold_number(scope: str) -> int:
    """The outer fold k of the scope fold_k."""
    if not scope.startswith(FOLD_PREFIX):
        raise ValueError(f"{scope!r} is not the scope of an outer fold")
    return int(scope.removeprefix(FOLD_PREFIX))


def scope_names(n_folds: int) -> list[str]:
    """Every scope of a run: one per outer fold, then the final fit."""
    return [fold_scope(k) for k in range(1, n_folds + 1)] + [FINAL_SCOPE]
