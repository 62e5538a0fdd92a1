"""Demo data of supervision for seed_demo."""
