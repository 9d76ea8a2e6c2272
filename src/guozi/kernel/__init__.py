"""The kernel: errors with codes, periods, units, bilingual text: what every layer uses."""
