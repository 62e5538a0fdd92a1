"""Demo data of cadres for seed_demo."""
