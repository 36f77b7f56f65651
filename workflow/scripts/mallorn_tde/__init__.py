"""mallorn-tde: the logic behind the workflow's scripts, as plain functions on DataFrames."""
