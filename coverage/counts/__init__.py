"""Maintained coverage: who is covered for which target, and per enterprise, target and role
how many active roster entries are required and covered (coverage/models/counts.py).

Every change is applied in the transaction that makes it, so the figures are never behind:

- `maintain.people_refresh(person_ids)`: after a person's training records or their targets
  changed (added, revoked, re-dated). The person's covered rows are recomputed from the
  records and the difference moves the counts of the person's active roster entries.
- `maintain.enterprises_recount(enterprise_ids)`: after an organisation's roster changed.
- `maintain.target_rebuild(target)`: after a target's period or roles changed.

Single-row saves and deletes (services, the admin, factories) reach these through the
receivers in `receivers.py`; bulk writes (roster imports) call them directly, because
`bulk_create` and `QuerySet.update` send no signals.

Concurrency: a covered person's counts are moved where their active entries are, and a
roster recount reads who is covered, so a roster change and a new record of the same person
must not interleave. Both lock the person row first (`people_lock`), in id order; recounts
also lock the count rows they overwrite. `recount.drift_check` (a periodic task) compares
everything with a full recount, logs any difference and repairs it.
"""
