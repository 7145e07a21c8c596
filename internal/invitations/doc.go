// Package invitations serves what happens to an invitation into an account
// once it exists: accepting it (with the emailed link, or the link and a
// code), sending it again, the account's invitation links (Frontegg's
// tenant invites) and the activation and invitation strategies that decide
// what the emails carry. Inviting someone (POST users/v2, bulk invitations)
// is the users package's; making codes and emails is notify's.
package invitations
