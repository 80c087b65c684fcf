"""`rootguard remediate`: delete member accounts' root credentials through AssumeRoot sessions.

Centralized root access deletes nothing by itself: accounts created before it, or invited
into the organization, keep their root password, access keys, signing certificates and MFA
devices. This package removes them, one AssumeRoot session per member account, under a
client-side allow-list (guard.py) and rate limits (limits.py). docs/runbooks/
remove-member-root-credentials.md says when and how to run it.
"""
