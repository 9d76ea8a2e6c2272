"""The report's sections, one module each, in the order of the report: overview, regime (the
assessment indicators), drivers, trends, risks, EVA, benchmark (optional) and appendix. Each takes
the :class:`~guozi.report.context.Ctx` of the report and returns its :class:`~guozi.report.model.Section`."""
