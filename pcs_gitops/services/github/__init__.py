"""The dataset-request pipeline on GitHub (``pcs gh handle``), one module per concern."""
