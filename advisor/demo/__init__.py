"""Demo data: the demo bureau (bureau.py) and years of generated work (synthetic.py),
loaded by ``flask demo``."""
