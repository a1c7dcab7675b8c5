"""The staff referral API (session authentication): consents, referrals, the receiving
organisation's inbox and answers, partner webhooks. Mounted in config/urls.py's `api_v1`."""
