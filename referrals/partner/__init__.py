"""The partner API: partner NGOs' systems pull the referrals addressed to them and push status
changes back, authenticated by per-organisation API tokens (docs/partner-api.md).

- `tokens`: issue, revoke and list tokens (only a SHA-256 digest is stored; the token is shown once)
- `authentication`: `Authorization: Bearer pw_...` for the partner views only
- `throttling`: a per-token request quota
- `idempotency`: `Idempotency-Key` on every state-changing call
- `views`, `serializers`, `urls`: the endpoints and the token management page
"""
