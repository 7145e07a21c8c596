// Package messaging serves how the environment sends email and SMS: the
// mail server (Frontegg's Email configuration, SMTP in Hatch), the email
// templates (an override per Frontegg template type over Hatch's built-in
// defaults), the SMS provider (Twilio) and the SMS templates. Rendering,
// queueing and delivery live in notify; this package only reads and writes
// their configuration.
package messaging
