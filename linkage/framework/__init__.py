"""The integration framework every connector of ``linkage`` runs on.

A connector (the national portal today; the civil-status registry, the land office and the tax
authority next) brings its contract (JSON Schemas), its adapter (the only code that knows the
wire), its mapping from dossier events to messages, and its service levels. The framework
brings what they share: the work-item fields and the capped, jittered back-off the bundle steps
use too, publishing to Celery on commit with the sweep as the safety net, contract validation,
and the ordered per-(system, dossier) message outbox with its acknowledgements.
"""
