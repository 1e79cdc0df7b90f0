"""The pure core of insight: file readers, the columnar frame, cross-tabs and differential privacy.
No Django import here (tests/insight/test_pure.py checks it), so the statistics run anywhere."""
