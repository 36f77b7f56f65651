"""Small synthetic classification problems, shared by the tests of selection and of the model."""

import numpy as np
import pandas as pd


def problem(n=240, n_pos=30, seed=0):
    """n objects, n_pos of them TDEs: a strong and a weak signal, noise, a constant and an empty column."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[:n_pos] = 1
    X = pd.DataFrame(
        {
            "signal": y * 2.0 + rng.normal(size=n),
            "weak": y * 0.8 + rng.normal(size=n),
            **{f"noise{i}": rng.normal(size=n) for i in range(8)},
            "constant": np.ones(n),
            "empty": np.full(n, np.nan),
        },
        index=[f"o{i:03d}" for i in range(n)],
    )
    X.loc[X.index[:5], "signal"] = np.nan
    return X, pd.Series(y, index=X.index, name="target")
