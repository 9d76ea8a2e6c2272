"""The indicator engine: catalogue formulas compiled to Ibis expressions, the panel, the backends."""
