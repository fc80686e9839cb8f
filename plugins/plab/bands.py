"""Band thresholds for PLAB 1 and the GMC's English tests: the project's heuristic, kept as data.

Nothing here is published by the GMC, IELTS or OET: these are Retake Verdict's own readings, every
band marked `heuristic=True` and labelled so in the verdict. A reviewer changes a threshold here and
nowhere else. All bands are on a *margin* (`basis="margin"`):

- PLAB 1: raw marks above (or below) the sitting's own pass mark. The GMC sets that mark at the
  Angoff standard plus one standard error of measurement, so a pass by a few marks sits within
  measurement noise of a fail: "borderline". Ten or more marks over the mark is a pass no one
  reads as lucky.
- IELTS Academic: the smallest margin over any GMC minimum (overall 7.5, each skill 7.0), in bands.
  IELTS moves in half bands, so the margin is 0 (meets exactly somewhere) or 0.5+ (clears all).
- OET Medicine: the lowest sub-test grade's distance from B, in grade steps (1 = an A in all four).

`fits_up_to` is the highest specialty competitiveness index (0-100) a band usually fits. For PLAB 1,
the seed's remark that a borderline PLAB score sits below what many trusts and training posts prefer
is what keeps a borderline pass from fitting every target. English results are a bar, not a rank:
their bands are never read against a specialty (`index_reading=False`, issue 10), and "below a GMC
minimum" is the GMC's own rule, not a heuristic; only "meets" / "exceeds" are the project's reading.
"""

from __future__ import annotations

from core.dated_values import Source
from core.exams import Band
from plugins.plab.policy import ENGLISH, PLAB1_RESULTS

HEURISTIC = Source("Retake Verdict heuristic: PLAB 1 margin and English-test bands (plugins/plab/bands.py)",
                   "plugins/plab/bands.py")

PLAB1_MARGIN_BANDS: tuple[Band, ...] = (
    Band("below-pass-mark", "below the sitting's pass mark", -180, -1, rank=0, fits_up_to=0,
         source=PLAB1_RESULTS, heuristic=False, basis="margin",
         note="A fail: the score is under the pass mark the GMC set for that sitting."),
    Band("borderline", "borderline: 0-4 marks over the pass mark", 0, 4, rank=1, fits_up_to=45,
         source=HEURISTIC, heuristic=True, basis="margin",
         note="Project heuristic. Within about one standard error of the pass mark: a pass, but not one that reassures anyone."),
    Band("clear", "clear: 5-14 marks over the pass mark", 5, 14, rank=2, fits_up_to=70,
         source=HEURISTIC, heuristic=True, basis="margin",
         note="Project heuristic. Comfortably above the noise around the pass mark."),
    Band("strong", "strong: 15+ marks over the pass mark", 15, 180, rank=3, fits_up_to=90,
         source=HEURISTIC, heuristic=True, basis="margin",
         note="Project heuristic. Well clear of the pass mark."),
)

# A PLAB 1 gain of 10 marks moves a borderline pass to a clear or strong one; 4 marks or less stays
# inside the noise around the pass mark.
PLAB1_BIG_GAIN = 10.0
PLAB1_SMALL_GAIN = 4.0

IELTS_BANDS: tuple[Band, ...] = (
    # Below a minimum is the GMC's own rule (not a heuristic); how far above it is the project's reading.
    Band("short", "short: below a GMC minimum", -9, -0.5, rank=0, fits_up_to=0,
         source=ENGLISH, heuristic=False, basis="margin", index_reading=False,
         note="The GMC's minimum: overall 7.5 and 7.0 in each skill. This sitting has the overall or a skill below it."),
    Band("meets", "meets: a GMC minimum met with nothing to spare", 0, 0, rank=1, fits_up_to=100,
         source=HEURISTIC, heuristic=True, basis="margin", index_reading=False,
         note="Project heuristic. Every minimum is met, at least one with nothing to spare (overall 7.5 or a skill at 7.0)."),
    Band("exceeds", "exceeds: every GMC minimum cleared by 0.5+", 0.5, 9, rank=2, fits_up_to=100,
         source=HEURISTIC, heuristic=True, basis="margin", index_reading=False,
         note="Project heuristic. Overall 8.0+ and every skill 7.5+."),
)
# Half a band on the overall is one IELTS step: from "meets" it is the whole way to "exceeds".
IELTS_BIG_GAIN = 0.5
IELTS_SMALL_GAIN = 0.0

OET_BANDS: tuple[Band, ...] = (
    Band("short", "short: a sub-test below grade B", -5, -1, rank=0, fits_up_to=0,
         source=ENGLISH, heuristic=False, basis="margin", index_reading=False,
         note="The GMC's minimum: grade B in each sub-test. At least one sub-test is at C+ or lower."),
    Band("meets", "meets: grade B or better in all four", 0, 0, rank=1, fits_up_to=100,
         source=HEURISTIC, heuristic=True, basis="margin", index_reading=False,
         note="Project heuristic. The GMC bar is met. OET reports grades, not one score, so the product does not rank a B below an A."),
    Band("exceeds", "exceeds: grade A in all four", 1, 1, rank=2, fits_up_to=100,
         source=HEURISTIC, heuristic=True, basis="margin", index_reading=False,
         note="Project heuristic. The top grade everywhere."),
)
