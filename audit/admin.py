# The audit trail has no admin: the system administrator must not read it, and nobody edits it.
