"""Reelmart's modelling package: scikit-learn-style estimators and pure functions, no warehouse I/O."""
