"""Python unit tests of training/ (run by test/training/*.test.ts, or `python3 -m unittest discover training/tests`)."""
