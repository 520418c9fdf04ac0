"""Reports: the leaders' dashboard and the statutory returns (CIN census, SSDA903, Annex A).

Everything here reads the live store through the access policy (one audit entry per export or
page, naming what was read); nothing here writes a person's data.
"""
