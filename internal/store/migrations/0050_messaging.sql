-- The id the provider gave a delivered message (Twilio's message SID for
-- SMS), so a delivery can be traced and is never attempted twice.
ALTER TABLE outbox ADD COLUMN provider_message_id TEXT NOT NULL DEFAULT '';

-- Overrides of the built-in email templates, at most one per template type.
-- A type without a row uses Hatch's built-in default.
CREATE TABLE email_templates (
    id                    TEXT PRIMARY KEY,
    type                  TEXT NOT NULL UNIQUE,
    sender_email          TEXT NOT NULL DEFAULT '',
    from_name             TEXT NOT NULL DEFAULT '',
    subject               TEXT NOT NULL,
    html                  TEXT NOT NULL,
    redirect_url          TEXT NOT NULL DEFAULT '',
    success_redirect_url  TEXT NOT NULL DEFAULT '',
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

-- Overrides of the built-in SMS templates, at most one per type.
CREATE TABLE sms_templates (
    type         TEXT PRIMARY KEY,
    body         TEXT NOT NULL,
    sender_name  TEXT NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
