"""Notices: what the relay tells a person, in the app, by e-mail and by the district's
group robot (``models``: the notice, the district's channel, the delivery log, the
daily reminder)."""
