"""Records: blockers, risks, action items, decisions — and every kind to come — are kinds of one thing.

A record has a per-program key (`B-7`, `DEC-3`), an owner, a reporter, a status lifecycle, a history,
optional dates and one canonical message. `spec.KindSpec` describes what a kind has of its own (its
statuses, closing verb, fields, grammar, how its message reads); `service` holds the verbs once for
every kind; `registry.KINDS` lists the kinds. A kind never falls into another kind's branch: there are
no branches on the kind's name, only the spec's hooks.
"""
