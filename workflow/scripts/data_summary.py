"""The report's data summary: objects per split and class, observations per object."""

from mallorn_tde.io import read_tables
from mallorn_tde.logs import logged
from mallorn_tde.plots import data_summary_figure, save_figure
from mallorn_tde.report import data_summary, data_summary_html, observations_per_object

with logged(snakemake.log[0]) as log:
    train = read_tables(snakemake.input.train_catalog)
    test = read_tables(snakemake.input.test_catalog)
    n_obs_train = observations_per_object(snakemake.input.train_lightcurves, train.index)
    n_obs_test = observations_per_object(snakemake.input.test_lightcurves, test.index)
    per_split, by_class, spec_types = data_summary(train, test, n_obs_train, n_obs_test)
    with open(snakemake.output.table, "w") as handle:
        handle.write(data_summary_html(per_split, by_class, spec_types))
    figure = data_summary_figure(train, test, n_obs_train, n_obs_test)
    save_figure(figure, snakemake.output.figure, snakemake.params.dpi)
    log.info("%d training and %d test objects", len(train), len(test))
