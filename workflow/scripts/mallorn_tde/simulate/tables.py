"""The simulator's fixed tables: survey, instrument and noise, and the invented vocabulary of object ids.

The survey's dates and cosmology, the LSST bands' effective wavelengths and Milky Way extinction per band,
the per-band flux errors and the detection requirement, which filters one visit observes together (wide and
deep-drilling fields) are measured on or chosen to match the challenge data. The vocabulary (invented words,
each with an invented English gloss; nothing from the real data) is drawn once from a fixed seed: it is part
of the simulator, and :func:`make_object_ids` picks a run's ids from it with the run's random stream.
"""

from __future__ import annotations

import numpy as np
from astropy import constants as const
from astropy.cosmology import FlatLambdaCDM

from ..constants import H0, OM0
from ..dust import BAND_WAVE_AA, extinction_mag

# ----------------------------------------------------------------------------------------------------------
# Survey, instrument and cosmology
# ----------------------------------------------------------------------------------------------------------

SURVEY_START_MJD = 60979.5
SURVEY_END_MJD = 64632.8
YEAR_DAYS = 365.25
COSMOLOGY = FlatLambdaCDM(H0=H0, Om0=OM0)
REF_WAVE_AA = 4400.0  # rest-frame wavelength at which absolute magnitudes are quoted (B band)
HC_OVER_K_AA_K = float((const.h * const.c / const.k_B).to("Angstrom K").value)  # 1.4388e8 Angstrom K
# A_lambda / A_V of Fitzpatrick (1999) at the band wavelengths (the law is linear in A_V).
EXTINCTION_PER_AV = extinction_mag(BAND_WAVE_AA, 1.0)

# Per-band flux errors (microjansky): median, spread of log(error) within an object, and between objects.
# The distribution of log(error) is skewed: narrower below the median than above (sigma_low, sigma_high).
MEDIAN_FLUX_ERR = np.array([0.331, 0.118, 0.170, 0.274, 0.468, 1.122])
FLUX_ERR_LOG_SIGMA_LOW = np.array([0.27, 0.34, 0.30, 0.31, 0.27, 0.24])
FLUX_ERR_LOG_SIGMA_HIGH = np.array([0.37, 0.48, 0.45, 0.43, 0.37, 0.37])
FLUX_ERR_OBJECT_SIGMA = 0.10
SOURCE_NOISE_UJY = 1.5e-4  # Poisson term: variance += this * source flux

# Detection requirement of the challenge sample: points with (noiseless) S/N >= 5.
DETECTION_SNR = 5.0
MIN_DETECTIONS = 10
MAX_ATTEMPTS = 120
BOOST_AFTER = 20  # attempts before a failing object is brightened (about 1 in 10 attempts passes)

# Visits: which filters are observed together at one timestamp (one to five rows share the timestamp).
VISIT_COMBOS = (
    ("iz", 0.148),
    ("y", 0.141),
    ("ir", 0.1045),
    ("r", 0.103),
    ("i", 0.0895),
    ("z", 0.080),
    ("yz", 0.078),
    ("gr", 0.0775),
    ("ru", 0.063),
    ("gu", 0.041),
    ("g", 0.017),
    ("u", 0.014),
    ("iyz", 0.007),
    ("irz", 0.0064),
    ("gi", 0.004),
    ("gir", 0.0035),
    ("iru", 0.0024),
    ("rz", 0.002),
    ("iy", 0.002),
    ("gru", 0.002),
    ("iry", 0.0014),
    ("giu", 0.0013),
    ("girz", 0.0013),
    ("ryz", 0.001),
    ("iryz", 0.001),
    ("giru", 0.0006),
    ("griz", 0.0002),
)
DDF_VISIT_COMBOS = (
    ("ryz", 0.10),
    ("ruz", 0.10),
    ("y", 0.09),
    ("giu", 0.085),
    ("gi", 0.085),
    ("rz", 0.08),
    ("giy", 0.08),
    ("u", 0.065),
    ("giryz", 0.022),
    ("giruz", 0.019),
    ("r", 0.016),
    ("z", 0.016),
    ("giru", 0.014),
    ("yz", 0.014),
    ("giyz", 0.013),
    ("ru", 0.013),
    ("girz", 0.013),
    ("irz", 0.012),
    ("i", 0.012),
    ("iryz", 0.012),
    ("iz", 0.011),
    ("ry", 0.01),
    ("gu", 0.01),
    ("g", 0.009),
    ("iruz", 0.008),
)
DDF_FRACTION = 0.007  # before the detection requirement, which favours them: ~2% after


# ----------------------------------------------------------------------------------------------------------
# Invented vocabulary for object ids and the free-text 'English Translation' (nothing from the real data)
# ----------------------------------------------------------------------------------------------------------

_ONSETS = (
    "b",
    "br",
    "ch",
    "d",
    "dw",
    "f",
    "fl",
    "g",
    "gr",
    "j",
    "k",
    "kr",
    "l",
    "m",
    "p",
    "pl",
    "qu",
    "sk",
    "sl",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "wr",
    "z",
)
_NUCLEI = ("a", "e", "i", "o", "u", "oo", "ee", "ia", "ua", "y")
_CODAS = ("", "b", "ck", "ff", "g", "k", "lt", "mp", "nk", "ps", "sk", "tz", "x", "zz")
_NOUNS = (
    "kettle",
    "lantern",
    "pebble",
    "walnut",
    "bucket",
    "meadow",
    "comet",
    "ember",
    "thistle",
    "pancake",
    "ribbon",
    "orchard",
    "teaspoon",
    "compass",
    "anvil",
    "barley",
    "cinder",
    "drizzle",
    "fern",
    "gravel",
    "hazel",
    "icicle",
    "juniper",
    "kiln",
    "ladder",
    "marble",
    "needle",
    "oyster",
    "pepper",
    "quill",
    "rafter",
    "saddle",
    "timber",
    "umbrella",
    "velvet",
    "wicker",
    "yarrow",
    "doorknob",
    "candle",
    "shoelace",
    "button",
    "chimney",
    "dumpling",
    "fiddle",
    "goblet",
    "hammock",
    "inkpot",
    "jigsaw",
    "kite",
    "lobster",
    "mitten",
    "noodle",
    "otter",
    "puddle",
    "radish",
    "spindle",
    "teapot",
    "walrus",
    "badger",
    "clover",
)
_ADJECTIVES = (
    "quick",
    "soggy",
    "rusty",
    "hollow",
    "fizzy",
    "woolly",
    "crooked",
    "wobbly",
    "muddy",
    "tiny",
    "sleepy",
    "loud",
    "sticky",
    "round",
    "salty",
    "windy",
    "bumpy",
    "shy",
    "clumsy",
    "striped",
)
_QUALIFIERS = ("(tool)", "(toy)", "(kitchen)", "(slang)", "(nautical)", "(jargon)", "(rare)", "(plural)")
_VOCABULARY_SIZE = 420
_VOCABULARY_SEED = 77031  # fixed: the vocabulary is part of the simulator, the run seed picks from it


def _build_vocabulary():
    """Invented words (two syllables of nonsense) and an invented English gloss for each."""
    rng = np.random.default_rng(_VOCABULARY_SEED)
    words, seen = [], set()
    while len(words) < _VOCABULARY_SIZE:
        w = rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_CODAS)
        if w in seen:
            continue
        seen.add(w)
        words.append(w)
    glosses = []
    for i, w in enumerate(words):
        noun, adj = rng.choice(_NOUNS), rng.choice(_ADJECTIVES)
        form = rng.random()
        if form < 0.30:
            gloss = f"{noun}, {adj} {rng.choice(_NOUNS)}"
        elif form < 0.50:
            gloss = f"{adj} {noun}"
        elif form < 0.70:
            gloss = f"{noun} {rng.choice(_QUALIFIERS)}"
        else:
            gloss = str(noun)
        if rng.random() < 0.04:  # a few proper names
            words[i] = w.capitalize()
            gloss = "Folk of the " + gloss.title()
        glosses.append(gloss)
    return tuple(words), tuple(glosses)


VOCABULARY, GLOSSES = _build_vocabulary()


def make_object_ids(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """n unique object ids (three invented words joined by '_') and their 'English Translation' texts.

    The translation joins the words' glosses with ' + ' and stray spaces, as the challenge's field does.
    """
    names, texts, seen = [], [], set()
    while len(names) < n:
        k = n - len(names)
        idx = rng.integers(0, len(VOCABULARY), size=(2 * k + 8, 3))
        pad = rng.random((2 * k + 8, 3, 2))
        for row, sp in zip(idx, pad):
            name = "_".join(VOCABULARY[j] for j in row)
            if name in seen:
                continue
            seen.add(name)
            parts = []
            for j, (lead, trail) in zip(row, sp):
                parts.append((" " if lead < 0.12 else "") + GLOSSES[j] + (" " if trail < 0.28 else ""))
            names.append(name)
            texts.append(" + ".join(parts))
            if len(names) == n:
                break
    return names, texts
