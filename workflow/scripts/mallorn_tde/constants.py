"""Names and numbers of the MALLORN challenge layout, shared by the simulator, ingest and features."""

FILTERS = ("u", "g", "r", "i", "z", "y")

# LSST effective wavelengths in Angstrom, as given with the challenge data.
EFF_WAVELENGTH_AA = {"u": 3641.0, "g": 4704.0, "r": 6155.0, "i": 7504.0, "z": 8695.0, "y": 10056.0}

# Milky Way dust law used by the challenge: Fitzpatrick (1999) with R_V = 3.1.
R_V = 3.1

# Flat LambdaCDM of the simulator and of the physics features' distances.
H0 = 70.0  # km/s/Mpc
OM0 = 0.3
# Columns the catalogue adds to each validated log: luminosity distance (Mpc) and distance modulus.
DISTANCE_COLUMNS = ("lum_dist_mpc", "distmod")

# Column names exactly as the challenge files spell them.
LC_COLUMNS = ("object_id", "Time (MJD)", "Flux", "Flux_err", "Filter")
TRAIN_LOG_COLUMNS = ("object_id", "Z", "Z_err", "EBV", "SpecType", "English Translation", "split", "target")
TEST_LOG_COLUMNS = ("object_id", "Z", "Z_err", "EBV", "SpecType", "English Translation", "split")
SUBMISSION_COLUMNS = ("object_id", "prediction")

SIDES = ("train", "test")


def lightcurve_filename(side: str) -> str:
    """File name of one side's lightcurves inside a split folder."""
    return f"{side}_full_lightcurves.csv"


def split_name(i: int) -> str:
    """Folder name of split number i (1-based), e.g. split_07."""
    return f"split_{i:02d}"
