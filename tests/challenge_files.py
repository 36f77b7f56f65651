"""A tiny data set in the challenge layout, as text: both logs and one split's lightcurve file.

Shared by the tests of ingest and of the catalogue; each test writes it with :func:`write`, changed as it needs.
"""

TRAIN_LOG = """object_id,Z,Z_err,EBV,SpecType,English Translation,split,target
a_one,0.1,,0.1,TDE,"one, two ",split_01,1
b_two,0.5,,0.0,AGN,three,split_01,0
c_three,0.2,,0.05,SN Ia,four,split_02,0
"""

TEST_LOG = """object_id,Z,Z_err,EBV,SpecType,English Translation,split
t_one,0.3,0.03,0.2,,x,split_01
t_two,-0.01,0.02,0.0,,y,split_01
"""

LIGHTCURVE = """object_id,Time (MJD),Flux,Flux_err,Filter
a_one,61002.5,3.0,0.5,g
a_one,61000.5,1.0,0.5,g
a_one,61000.5,2.0,0.5,r
a_one,61001.0,,0.5,u
b_two,61005.0,-1.0,0.2,y
"""


def write(tmp_path, train_log=TRAIN_LOG, test_log=TEST_LOG, lightcurve=LIGHTCURVE):
    """The files in ``tmp_path``: (lightcurve file, train log, test log)."""
    (tmp_path / "train_log.csv").write_text(train_log)
    (tmp_path / "test_log.csv").write_text(test_log)
    (tmp_path / "lc.csv").write_text(lightcurve)
    return tmp_path / "lc.csv", tmp_path / "train_log.csv", tmp_path / "test_log.csv"
