"""The civil-status registry connector (the Ministry of Justice's shared e-civil-status software).

When the officer approves a birth, death or marriage registration or an extract copy, the
registration goes to the registry in the same transaction (an outbox message of the ``hotich``
stream). The registry acknowledges it, then answers with the registration number, book and
page and the electronic extract (a signed PDF), which becomes the dossier's result; or returns
it for correction (a field and a reason) to the civil-status officer, who corrects and resends.

``contract/v1/`` holds the JSON Schemas both ways; ``mapping`` builds the registration;
``adapter`` is the only code that knows HTTP; ``services`` registers the connector on the
framework and records what comes back; ``sweep`` is beat's pass.
"""

SYSTEM = "hotich"
