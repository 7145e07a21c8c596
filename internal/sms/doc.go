// Package sms delivers text messages through Twilio's Programmable Messaging
// HTTP API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form fields
// To, From or MessagingServiceSid, and Body, basic authentication with the
// account SID and auth token). It also checks phone numbers against E.164.
// The package sends one message per call and keeps no state; the outbox
// worker in notify decides when to send and whether to try again.
package sms
