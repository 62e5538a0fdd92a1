"""Demo data of complaints for seed_demo."""
