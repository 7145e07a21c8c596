// Package notify turns events into messages: it renders the email (and SMS)
// templates, creates the one-time codes that emailed links carry, and writes
// messages to the outbox in the caller's transaction, so a message exists if
// and only if the change that caused it committed. The outbox worker that
// delivers them lives here too; transports live in mail and sms.
package notify
