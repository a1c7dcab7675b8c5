"""The optional second factor (TOTP codes from an authenticator app, django-otp).

- `policy`: which step a logged-in user still owes (enter a code, or enrol a device first).
- `services`: enrol, confirm, verify at login, turn off, and an administrator's reset; audited.
- `middleware`: pages send a user who owes a step there first; the API refuses the session
  (accounts.api.authentication). Partner tokens never meet any of this.
- `views`, `urls`: the enrol, code and reset pages.
"""
