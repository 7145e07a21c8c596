// Package audit records security events — logins and their failures, logouts,
// sessions ended, settings changed, and (from the packages that own them)
// lockouts, MFA and password changes, tokens and roles — in the audit log,
// with the actor, the account, the address, the time and the outcome. The
// routes that read the log live in the audits package.
package audit
