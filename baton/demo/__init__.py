"""Sample data, at the top of the layering: the demo city and its history, and the
generator of synthetic libraries for benchmarks.

``seed.load_demo`` writes 厦门市 and 翔安区's library through the services, back-dated
(``org``, ``people``, ``names``, ``builder``, ``supervision``, ``land``, ``assessment``
are its parts); ``generator.generate`` writes libraries at the scales of DESIGN §9 in
bulk. The commands ``baton demo`` and ``baton generate`` run them. No product app
imports this one.
"""
