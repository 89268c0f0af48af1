"""Metrics against hand-computed values (spec §5.5)."""
import math
import unittest

from training.train import metrics


class Metrics(unittest.TestCase):
    y = [1.0, 2.0, 4.0, 10.0]
    p = [1.1, 1.8, 4.0, 12.0]  # relative errors 0.1, 0.1, 0.0, 0.2

    def test_mape(self):
        self.assertAlmostEqual(metrics.mape(self.y, self.p), 100 * (0.1 + 0.1 + 0.0 + 0.2) / 4)

    def test_accuracy_is_inclusive(self):
        self.assertAlmostEqual(metrics.accuracy_within(self.y, self.p, 0.10), 75.0)  # 0.1, 0.1 (edge), 0.0
        self.assertAlmostEqual(metrics.accuracy_within(self.y, self.p, 0.05), 25.0)
        self.assertAlmostEqual(metrics.accuracy_within(self.y, self.p, 0.25), 100.0)

    def test_kendall_tau_b_with_ties(self):
        # y = 1,2,3,4 and p = 1,1,2,3 (one tie in p). Pairs: 6; concordant 5, discordant 0, tied in p 1.
        # tau-b = (5 - 0) / sqrt((6 - 0) * (6 - 1)) = 5 / sqrt(30)
        self.assertAlmostEqual(metrics.kendall_tau([1, 2, 3, 4], [1, 1, 2, 3]), 5 / math.sqrt(30))
        self.assertAlmostEqual(metrics.kendall_tau([1, 2, 3], [3, 2, 1]), -1.0)

    def test_summary_by_family(self):
        out = metrics.summary_by_family(self.y, self.p, ["a", "a", "b", "b"])
        self.assertAlmostEqual(out["families"]["a"]["mape"], 10.0)
        self.assertAlmostEqual(out["families"]["b"]["mape"], 10.0)
        self.assertEqual(out["all"]["n"], 4)

    def test_bad_input_is_rejected(self):
        with self.assertRaisesRegex(ValueError, "positive"):
            metrics.mape([1.0, 0.0], [1.0, 1.0])
        with self.assertRaisesRegex(ValueError, "same length"):
            metrics.mape([1.0, 2.0], [1.0])
        with self.assertRaisesRegex(ValueError, "at least one"):
            metrics.mape([], [])


if __name__ == "__main__":
    unittest.main()
