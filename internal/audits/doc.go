// Package audits serves Frontegg's audit log routes (audits.json, under
// /audits): the list with filters and paging (v1 and v2), the stats, the CSV
// export, and the vendor's route for adding custom entries. The audit package
// writes the entries.
package audits
