package policy

import "github.com/hatchid/hatch/internal/iam"

// CheckRoleRank lets a user give others only roles at or below its own
// rank: no role's level (levels, by role id) may be lower, that is ranked
// higher, than the lowest level among own, the user's roles in the account.
// A user without roles gives none. It returns a 403 otherwise.
func CheckRoleRank(own []*iam.Role, levels map[string]int) error {
	if len(own) == 0 {
		return errRoleRank
	}
	rank := own[0].Level
	for _, r := range own {
		rank = min(rank, r.Level)
	}
	for _, level := range levels {
		if level < rank {
			return errRoleRank
		}
	}
	return nil
}

var errRoleRank = iam.Forbidden("Insufficient permissions to assign these roles")
