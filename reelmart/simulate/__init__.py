"""The platform simulator: `PlatformSimulator(SCALES["demo"], "data").run()`."""

from reelmart.simulate.config import SCALES
from reelmart.simulate.generator import PlatformSimulator

__all__ = ["SCALES", "PlatformSimulator"]
