"""The national public service portal (Cổng DVCQG) connector.

``contract/v1/`` holds the JSON Schemas of every message both ways, in the portal's field names;
``mapping`` turns a dossier event into the message the portal expects; ``adapter`` is the only
code that knows HTTP, OAuth2 and the wire; ``services`` registers the connector on the
framework and records events into its outbox inside the change's transaction.
"""

SYSTEM = "dvcqg"
