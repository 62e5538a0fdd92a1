"""Open311 GeoReport v2 at /open311/v2/: the complaint categories as services, complaints as
service requests, in JSON and XML, for civic clients and the city's 12345 platform.

A request shows only what the public may see of a complaint: its public number (never the tracking
code), category, open or closed, dates, the department answering it and the deadline that runs.
Never its words, the complainant or the cadre or unit complained about. Filing goes through the
same checks and the same service as the public API, throttled alike; the answer carries the
tracking code and access key as extension fields, the only time they are given out.
"""
