"""The follow-up reminder engine (docs/reminders.md).

Each app owns its rules (`casework/reminders.py`, `shelters/reminders.py`,
`referrals/reminders.py`) and registers them when Django starts; this app never imports
them. The engine scans the rules incrementally, stores each due occurrence once under its
natural key (rule, object, due time), tells the assigned worker in the app and by e-mail,
escalates to the organisation's managers and closes occurrences whose condition is gone.
"""
