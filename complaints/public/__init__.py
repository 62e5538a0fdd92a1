"""The public side of complaints: what anyone may do without an account.

File a complaint, then track it with its code and access key, rate the reply and ask for a review,
on the pages (``views``, ``forms``, ``urls``) and in the API under /api/v1/public/ (``api``,
``serializers``, ``api_urls``); ``ratelimit`` counts each client's attempts. What is shown back
never names a person, and a wrong key reads like an unknown code."""
