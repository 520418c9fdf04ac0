"""The DfE validators' runner (`run.py`), executed by `joinedup.reports.validation` inside
.venv-validators. Nothing here is imported by Joined Up: the runner needs pandas < 2."""
