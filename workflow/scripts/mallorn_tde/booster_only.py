"""Imported first by the scripts whose jobs use LightGBM's Booster alone (fits and predictions, no tuning).

LightGBM imports scikit-learn whenever it finds it, for its estimator classes: about 1 CPU s of start-up in each
such job (one per test split and per outer fold). Marked absent here, it is not imported; a job that does need
it (tuning, the metrics) never imports this module.
"""

import sys

sys.modules.setdefault("sklearn", None)
